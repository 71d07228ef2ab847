//! Phase timings for profiling large builds: set `WAYMARK_TIMINGS=1` and the end of each
//! phase is printed to stderr, in milliseconds since the build began, with the CPU time
//! used so far (more than the wall time when both cores are busy) and the page faults so
//! far (each is a page of memory touched for the first time, and the kernel's work).

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
        let (cpu, faults) = usage();
        eprintln!("timing: {ms:>8.1} ms  cpu {cpu:>8.1} ms  faults {faults:>7}  {phase}");
    }
}

/// User and system time of the whole process so far, and its minor page faults.
#[cfg(unix)]
fn usage() -> (f64, i64) {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    let cpu = ms(usage.ru_utime) + ms(usage.ru_stime);
    (cpu, usage.ru_minflt as i64)
}

#[cfg(not(unix))]
fn usage() -> (f64, i64) {
    (f64::NAN, 0)
}
