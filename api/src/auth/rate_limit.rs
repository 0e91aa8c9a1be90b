//! Failed sign-ins per e-mail and client address: after `max_failures` within `window`, further
//! attempts are refused until the oldest failure leaves the window. Kept in memory, so the limit
//! applies per server replica.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before idle ones are swept.
const SWEEP_AT: usize = 10_000;

/// The limiter.
#[derive(Debug)]
pub struct SignInLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<(String, IpAddr), VecDeque<Instant>>>,
}

impl SignInLimiter {
    /// At most `max_failures` failures per e-mail and address within `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        SignInLimiter {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when the key is locked out.
    pub fn check(&self, email: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut failures = self.lock();
        let Some(times) = failures.get_mut(&(email.to_owned(), ip)) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    /// Records a failed attempt.
    pub fn fail(&self, email: &str, ip: IpAddr, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= SWEEP_AT {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let times = failures.entry((email.to_owned(), ip)).or_default();
        times.push_back(now);
        while times.len() > self.max_failures {
            times.pop_front();
        }
    }

    /// Forgets failures after a successful sign-in.
    pub fn succeed(&self, email: &str, ip: IpAddr) {
        self.lock().remove(&(email.to_owned(), ip));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn the_limit_locks_out_until_the_oldest_failure_expires() {
        let limiter = SignInLimiter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.check("a@x.com", IP, start), Ok(()), "attempt {i}");
            limiter.fail("a@x.com", IP, start);
        }
        assert_eq!(
            limiter.check("a@x.com", IP, start + Duration::from_secs(10)),
            Err(50)
        );
        assert_eq!(
            limiter.check("b@x.com", IP, start),
            Ok(()),
            "other e-mails are unaffected"
        );
        assert_eq!(
            limiter.check("a@x.com", IP, start + Duration::from_secs(61)),
            Ok(())
        );
    }

    #[test]
    fn success_clears_failures() {
        let limiter = SignInLimiter::new(1, Duration::from_secs(60));
        let now = Instant::now();
        limiter.fail("a@x.com", IP, now);
        assert!(limiter.check("a@x.com", IP, now).is_err());
        limiter.succeed("a@x.com", IP);
        assert_eq!(limiter.check("a@x.com", IP, now), Ok(()));
    }
}
