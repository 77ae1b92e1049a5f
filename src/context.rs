//! Call contexts: a deadline and a cancel flag that long operations (search, flush, compaction,
//! index builds) check between units of work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Deadline and cancellation for one call. Cloning shares the cancel flag.
/// Safe to use from multiple threads simultaneously.
#[derive(Debug, Clone, Default)]
pub struct Context {
    deadline: Option<Instant>,
    cancelled: Arc<AtomicBool>,
}

impl Context {
    /// A context that never expires and is cancelled only through [`Context::cancel`].
    pub fn background() -> Self {
        Context::default()
    }

    /// A context that expires at `deadline`.
    pub fn with_deadline(deadline: Instant) -> Self {
        Context { deadline: Some(deadline), ..Context::default() }
    }

    /// A context that expires `timeout` from now.
    pub fn with_timeout(timeout: Duration) -> Self {
        Context::with_deadline(Instant::now() + timeout)
    }

    /// Cancels the call(s) using this context (or a clone of it).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
    }

    /// Whether [`Context::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Fails if the context is cancelled or past its deadline.
    ///
    /// # Errors
    /// [`Error::Cancelled`] or [`Error::DeadlineExceeded`].
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(Error::Cancelled);
        }
        match self.deadline {
            Some(d) if Instant::now() >= d => Err(Error::DeadlineExceeded),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_and_deadline_are_reported() {
        let ctx = Context::background();
        ctx.check().unwrap();
        ctx.clone().cancel();
        assert!(matches!(ctx.check(), Err(Error::Cancelled)));
        let expired = Context::with_deadline(Instant::now() - Duration::from_millis(1));
        assert!(matches!(expired.check(), Err(Error::DeadlineExceeded)));
        Context::with_timeout(Duration::from_secs(60)).check().unwrap();
    }
}
