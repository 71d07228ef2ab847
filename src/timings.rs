//! Phase timings for profiling large builds: set `WAYMARK_TIMINGS=1` and the end of each
//! phase is printed to stderr, in milliseconds since the build began, with the CPU time
//! used so far (more than the wall time when both cores are busy).

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WAYMARK_TIMINGS").is_some())
}

static START: Mutex<Option<Instant>> = Mutex::new(None);

/// Starts timing a build.
pub fn begin() {
    if enabled() {
        *START.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }
}

/// Notes that `phase` has finished. Costs one atomic load when timings are off.
pub fn mark(phase: &str) {
    if !enabled() {
        return;
    }
    if let Some(start) = *START.lock().unwrap_or_else(|e| e.into_inner()) {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        eprintln!("timing: {ms:>8.1} ms  cpu {:>8.1} ms  {phase}", cpu_ms());
    }
}

/// User and system time of the whole process so far.
#[cfg(unix)]
fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

#[cfg(not(unix))]
fn cpu_ms() -> f64 {
    f64::NAN
}
