//! The CPU time of this process, for figures that the machine's load does not skew: on a
//! shared machine a benchmark's wall-clock time includes the time other processes held the
//! cores; its CPU time does not. It is the whole process's, every thread's: a large file is
//! parsed on several threads (src/syntax/mod.rs), and their time is the cost of the work.

use std::time::Duration;

/// User + system time this process has run, all its threads (Linux `/proc/self/stat`, in
/// clock ticks of 10 ms: measure many runs together); `None` elsewhere.
pub fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // the command name (field 2) is in parentheses and may hold spaces: count after it
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `f` and returns its result with the CPU time it took (zero if unknown).
pub fn cpu_of<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = process_cpu();
    let out = f();
    let spent = match (start, process_cpu()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => Duration::ZERO,
    };
    (out, spent)
}
