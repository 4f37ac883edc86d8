//! Throttling by rate, as AWS does it: a token bucket per API operation and calling account.
//!
//! AWS charges a call to the account that owns the calling credentials: `sts:AssumeRoot` to the
//! management account (or delegated administrator) that asks for the session, the IAM calls
//! inside a root session to the member account. A request that finds its bucket empty is
//! answered `Throttling` / "Rate exceeded" (Organizations: `TooManyRequestsException`), and
//! costs nothing. Buckets start full.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Instant;

/// One rate limit, as configured (`rate_limits` of the fault configuration, or
/// `--rate-limit OPERATION=RATE[/BURST]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// The operation it limits, e.g. `AssumeRoot`; `*` limits every operation not named by
    /// another limit, each in its own bucket.
    pub operation: String,
    /// Tokens added per second, per calling account.
    pub per_second: f64,
    /// The most tokens a bucket holds (the burst a caller may send at once); `per_second` when
    /// absent, and at least 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<f64>,
}

impl RateLimit {
    /// Parses `OPERATION=RATE[/BURST]`, e.g. `AssumeRoot=20/40`.
    pub fn parse(text: &str) -> Result<RateLimit, String> {
        let problem = || format!("{text:?} is not OPERATION=RATE[/BURST], e.g. AssumeRoot=20/40");
        let (operation, numbers) = text.split_once('=').ok_or_else(problem)?;
        let (rate, burst) = match numbers.split_once('/') {
            Some((rate, burst)) => (rate, Some(burst)),
            None => (numbers, None),
        };
        let number = |text: &str| {
            text.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n > 0.0)
                .ok_or_else(problem)
        };
        if operation.is_empty() {
            return Err(problem());
        }
        Ok(RateLimit {
            operation: operation.to_owned(),
            per_second: number(rate)?,
            burst: burst.map(number).transpose()?,
        })
    }

    fn capacity(&self) -> f64 {
        self.burst.unwrap_or(self.per_second).max(1.0)
    }

    fn is_valid(&self) -> bool {
        self.per_second.is_finite()
            && self.per_second > 0.0
            && self.burst.is_none_or(|b| b.is_finite() && b > 0.0)
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of a set of rate limits, by operation and calling account.
#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: Vec<RateLimit>,
    buckets: HashMap<(String, String), Bucket>,
}

impl RateLimiter {
    /// Buckets for `limits` (limits with a rate or burst that is not a positive number are
    /// left out), all full.
    pub fn new(limits: &[RateLimit]) -> RateLimiter {
        RateLimiter {
            limits: limits.iter().filter(|l| l.is_valid()).cloned().collect(),
            buckets: HashMap::new(),
        }
    }

    fn limit_of(&self, operation: &str) -> Option<&RateLimit> {
        self.limits
            .iter()
            .find(|l| l.operation == operation)
            .or_else(|| self.limits.iter().find(|l| l.operation == "*"))
    }

    /// Takes a token for a request of `operation` charged to `account` at `now`; `false` when
    /// its bucket is empty (the request is throttled).
    pub fn admit(&mut self, operation: &str, account: &str, now: Instant) -> bool {
        let Some(limit) = self.limit_of(operation) else {
            return true;
        };
        let (rate, capacity) = (limit.per_second, limit.capacity());
        let bucket = self
            .buckets
            .entry((operation.to_owned(), account.to_owned()))
            .or_insert(Bucket {
                tokens: capacity,
                at: now,
            });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate_per_account_and_operation() {
        let limit = RateLimit::parse("AssumeRoot=20/40").unwrap();
        assert_eq!(limit.per_second, 20.0);
        assert_eq!(limit.burst, Some(40.0));
        let mut limiter = RateLimiter::new(&[limit]);
        let start = Instant::now();
        let admitted = (0..100)
            .filter(|_| limiter.admit("AssumeRoot", "111111111111", start))
            .count();
        assert_eq!(admitted, 40, "the burst");
        assert!(
            limiter.admit("AssumeRoot", "222222222222", start),
            "another account"
        );
        assert!(
            limiter.admit("ListAccounts", "111111111111", start),
            "not limited"
        );
        let later = start + Duration::from_millis(500);
        let admitted = (0..100)
            .filter(|_| limiter.admit("AssumeRoot", "111111111111", later))
            .count();
        assert_eq!(admitted, 10, "20 per second for half a second");
    }

    #[test]
    fn a_star_limits_every_other_operation_in_buckets_of_its_own() {
        let mut limiter = RateLimiter::new(&[
            RateLimit::parse("*=1").unwrap(),
            RateLimit::parse("GetAccountSummary=5").unwrap(),
        ]);
        let now = Instant::now();
        assert!(limiter.admit("ListAccessKeys", "222222222222", now));
        assert!(!limiter.admit("ListAccessKeys", "222222222222", now));
        assert!(
            limiter.admit("ListMFADevices", "222222222222", now),
            "its own bucket"
        );
        let summaries = (0..10)
            .filter(|_| limiter.admit("GetAccountSummary", "222222222222", now))
            .count();
        assert_eq!(summaries, 5);
    }

    #[test]
    fn malformed_limits_are_refused() {
        for bad in [
            "AssumeRoot",
            "AssumeRoot=0",
            "AssumeRoot=x/2",
            "=5",
            "AssumeRoot=5/-1",
        ] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
        let fractional = RateLimit::parse("AssumeRoot=0.5").unwrap();
        assert_eq!(
            fractional.capacity(),
            1.0,
            "a bucket holds at least one token"
        );
    }
}
