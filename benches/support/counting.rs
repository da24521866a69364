//! A global allocator that counts the bytes in use and their peak, for the benchmarks' memory
//! figures. It allocates through mimalloc, as the `aifin` binary does (src/main.rs), so the
//! timings are the binary's.
//!
//! It counts only inside [`peak_of`]: each count is two atomic operations on counters every
//! thread shares, which would add their cost (and, with a file parsed on several threads, the
//! threads' contention for the counters) to the timings, which the binary does not pay.

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The counting allocator.
pub struct Counting;
/// Whether allocations are counted now (inside [`peak_of`]).
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes in use now, above what was in use when counting started (below it if more was freed
/// than allocated since).
static CURRENT: AtomicIsize = AtomicIsize::new(0);
/// The most of [`CURRENT`] since counting started.
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(bytes: usize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes);
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(isize::try_from(bytes).unwrap_or(isize::MAX), Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            shrank(layout.size());
        }
    }
    // mimalloc's own (it may grow in place), counted as an allocation of the new size and a
    // free of the old one
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

/// Runs `f` and returns its result with the peak heap it used above what was in use before.
/// (Not reentrant: one measurement at a time.)
pub fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    CURRENT.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    let out = f();
    COUNTING.store(false, Ordering::SeqCst);
    (out, usize::try_from(PEAK.load(Ordering::Relaxed)).unwrap_or(0))
}
