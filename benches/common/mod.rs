//! What the benchmarks share: criterion's settings for this 2-core machine.

use criterion::Criterion;
use std::time::Duration;

/// Short warm-up and measurement: each benchmark function is microseconds.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}
