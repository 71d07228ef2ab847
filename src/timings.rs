//! Phase timings for profiling large builds: set `WAYMARK_TIMINGS=1` and each phase's end
//! is printed to stderr, in milliseconds since the build began.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

fn start() -> Option<Instant> {
    *START.get_or_init(|| std::env::var_os("WAYMARK_TIMINGS").map(|_| Instant::now()))
}

/// Notes that `phase` has finished. Costs one atomic load when timings are off.
pub fn mark(phase: &str) {
    if let Some(start) = start() {
        eprintln!(
            "timing: {:>8.1} ms  {phase}",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
