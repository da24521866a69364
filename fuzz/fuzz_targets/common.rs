//! Shared by the targets: run a case on one long-lived worker thread with aifin's stack size
//! (`aifin::limits::STACK_SIZE`, as the CLI does), instead of a new 256 MiB thread per case,
//! which made fuzzing crawl. A panic on the worker aborts the process (libfuzzer-sys's panic
//! hook), so libFuzzer records it as a crash.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

fn worker() -> &'static Mutex<(Sender<Job>, Receiver<()>)> {
    static WORKER: OnceLock<Mutex<(Sender<Job>, Receiver<()>)>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (job_tx, job_rx) = channel::<Job>();
        let (done_tx, done_rx) = channel::<()>();
        std::thread::Builder::new()
            .stack_size(aifin::limits::STACK_SIZE)
            .spawn(move || {
                while let Ok(job) = job_rx.recv() {
                    job();
                    if done_tx.send(()).is_err() {
                        break;
                    }
                }
            })
            .expect("the fuzz worker thread starts");
        Mutex::new((job_tx, done_rx))
    })
}

/// Runs `f` on the worker and waits for it.
pub fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let guard = worker().lock().unwrap_or_else(|e| e.into_inner());
    if guard.0.send(Box::new(f)).is_ok() {
        let _ = guard.1.recv();
    }
}
