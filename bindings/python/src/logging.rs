//! The core's events (the `log` facade) forwarded to Python's `logging`: logger `veclite` and
//! its children, named after the module that logged (`veclite.collection.maintenance`, ...).
//!
//! The thread that logs is often one of veclite's background threads, or a caller's thread
//! inside the core, holding veclite's locks; a Python thread may hold the GIL while it waits for
//! those locks. So no logging thread ever waits for the GIL: events go into a bounded queue,
//! and one forwarding thread takes the GIL to hand each to `logging` (through `pyo3_log`, which
//! maps levels and logger names). An event reaches `logging` shortly after it happened, possibly
//! after the call that caused it returned; when the queue is full (Python stalled), new events
//! are dropped rather than blocking the database.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3_log::{Caching, Logger};

/// Events waiting for the forwarding thread at most.
const QUEUE_LEN: usize = 4096;

/// One event, owned so that it can cross to the forwarding thread.
struct Event {
    level: Level,
    target: String,
    message: String,
}

/// The `log` facade's logger of the extension: queues events for the forwarding thread.
struct Queue(SyncSender<Event>);

impl Log for Queue {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        let event = Event {
            level: record.level(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
        };
        // A full queue drops the event (see the module docs); the forwarding thread, which
        // holds the receiver, runs as long as the process.
        let _ = self.0.try_send(event);
    }

    fn flush(&self) {}
}

/// Hands each queued event to `logging` while the interpreter runs.
fn forward(events: Receiver<Event>, logger: Logger) {
    for e in events {
        let record = |logger: &Logger| {
            logger.log(
                &Record::builder()
                    .level(e.level)
                    .target(&e.target)
                    .args(format_args!("{}", e.message))
                    .build(),
            )
        };
        // None while the interpreter is shutting down: the event is dropped.
        let _ = Python::try_attach(|_| record(&logger));
    }
}

/// Installs the forwarding logger for the process (once, at import). Python's levels decide
/// what `logging` keeps; the core produces events down to debug.
///
/// # Errors
/// When the forwarding thread cannot be started. Another logger already installed for the
/// `log` facade is not an error: the events go to it.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let logger = Logger::new(py, Caching::Loggers)?.filter(LevelFilter::Trace);
    let (sender, events) = sync_channel(QUEUE_LEN);
    if log::set_boxed_logger(Box::new(Queue(sender))).is_err() {
        return Ok(());
    }
    std::thread::Builder::new().name("veclite-log".into()).spawn(move || forward(events, logger))?;
    log::set_max_level(LevelFilter::Debug);
    Ok(())
}
