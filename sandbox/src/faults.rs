//! Injected faults: throttling (every Nth request, or by rate through [`RateLimit`]s), server
//! errors, concurrent modification, latency, slow trusted-access propagation and lost answers,
//! configured through `POST /_sandbox/faults`.
//!
//! Throttling, server errors and concurrent modification are decided before an operation runs
//! and leave the model untouched. The commit-then faults are decided after a successful
//! operation: the change is made, and only the answer is lost.

use super::rate_limits::{RateLimit, RateLimiter};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The fault configuration (every field optional in JSON; 0 disables a fault).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Every Nth eligible request answers `Throttling` / `TooManyRequestsException`.
    pub throttle_every: u64,
    /// Every Nth eligible Organizations mutating request answers `ConcurrentModificationException`.
    pub concurrent_modification_every: u64,
    /// Every Nth eligible request answers `ServiceFailure` / `ServiceException` (HTTP 500).
    pub server_error_every: u64,
    /// Every Nth eligible request that succeeds is applied, then answered like
    /// `server_error_every` (HTTP 500): the change is made but the caller is told it failed.
    pub commit_then_server_error_every: u64,
    /// Every Nth eligible request that succeeds is applied, then not answered: the connection
    /// is held for `commit_then_timeout_hold_ms` and closed without a response.
    pub commit_then_timeout_every: u64,
    /// How long a commit-then-timeout answer is withheld before the connection is closed
    /// (0 closes it at once); above a client's attempt timeout, the client times out.
    pub commit_then_timeout_hold_ms: u64,
    /// Delay added to every eligible request.
    pub latency_ms: u64,
    /// IAM answers `ServiceAccessNotEnabledException` for this long after trusted access for
    /// `iam.amazonaws.com` is enabled.
    pub trusted_access_propagation_ms: u64,
    /// Only these operations are eligible (all when absent).
    pub operations: Option<Vec<String>>,
    /// Stop injecting errors after this many (unlimited when absent).
    pub count: Option<u64>,
    /// Token buckets by operation and calling account: a request beyond its rate answers
    /// `Throttling` / `TooManyRequestsException` whatever `operations` and `count` say.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rate_limits: Vec<RateLimit>,
}

/// An error fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Rate exceeded.
    Throttle,
    /// HTTP 500.
    ServerError,
    /// Organizations `ConcurrentModificationException`.
    ConcurrentModification,
}

/// A lost-answer fault chosen for a request whose operation succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostAnswer {
    /// Answer HTTP 500 although the change was made.
    ServerError,
    /// Answer nothing: hold the connection this long, then close it.
    Timeout(Duration),
}

/// How many faults of each kind were injected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultCounts {
    /// Throttling answers.
    pub throttle: u64,
    /// Server error answers.
    pub server_error: u64,
    /// Concurrent modification answers.
    pub concurrent_modification: u64,
    /// Changes made, then answered HTTP 500.
    pub commit_then_server_error: u64,
    /// Changes made, then not answered.
    pub commit_then_timeout: u64,
    /// Requests throttled by a rate limit (not counted towards `count`).
    #[serde(default)]
    pub rate_exceeded: u64,
}

impl FaultCounts {
    fn total(self) -> u64 {
        self.throttle
            + self.server_error
            + self.concurrent_modification
            + self.commit_then_server_error
            + self.commit_then_timeout
    }
}

/// Counts one eligible request towards an every-Nth fault and says whether it hits.
fn hit(every: u64, seen: &mut u64, limit_reached: bool) -> bool {
    if every == 0 {
        return false;
    }
    *seen += 1;
    seen.is_multiple_of(every) && !limit_reached
}

/// The fault configuration and its counters.
#[derive(Debug, Default)]
pub struct Faults {
    config: FaultConfig,
    seen: FaultCounts,
    injected: FaultCounts,
    rates: RateLimiter,
}

impl Faults {
    /// Replaces the configuration and restarts the counters (rate limits with full buckets).
    pub fn configure(&mut self, config: FaultConfig) {
        *self = Faults {
            rates: RateLimiter::new(&config.rate_limits),
            config,
            ..Faults::default()
        };
    }

    /// Takes a token for a request of `operation` charged to `account`, now; `true` when the
    /// request exceeds the rate and must be throttled.
    pub fn rate_exceeded(&mut self, operation: &str, account: &str) -> bool {
        let exceeded = !self.rates.admit(operation, account, Instant::now());
        if exceeded {
            self.injected.rate_exceeded += 1;
        }
        exceeded
    }

    /// The current configuration.
    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Faults injected since the last configuration.
    pub fn injected(&self) -> FaultCounts {
        self.injected
    }

    fn eligible(&self, operation: &str) -> bool {
        self.config
            .operations
            .as_ref()
            .is_none_or(|ops| ops.iter().any(|o| o == operation))
    }

    /// Latency to add before answering `operation`.
    pub fn latency(&self, operation: &str) -> Duration {
        if self.eligible(operation) {
            Duration::from_millis(self.config.latency_ms)
        } else {
            Duration::ZERO
        }
    }

    /// How long IAM keeps answering ServiceAccessNotEnabled after trusted access is enabled.
    pub fn propagation(&self) -> Duration {
        Duration::from_millis(self.config.trusted_access_propagation_ms)
    }

    /// Counts `operation` and decides whether it fails; `mutating` marks the Organizations
    /// operations that can answer ConcurrentModificationException.
    pub fn decide(&mut self, operation: &str, mutating: bool) -> Option<Fault> {
        if !self.eligible(operation) {
            return None;
        }
        let limit_reached = self.limit_reached();
        let fault = if hit(
            self.config.throttle_every,
            &mut self.seen.throttle,
            limit_reached,
        ) {
            Some(Fault::Throttle)
        } else if hit(
            self.config.server_error_every,
            &mut self.seen.server_error,
            limit_reached,
        ) {
            Some(Fault::ServerError)
        } else if mutating
            && hit(
                self.config.concurrent_modification_every,
                &mut self.seen.concurrent_modification,
                limit_reached,
            )
        {
            Some(Fault::ConcurrentModification)
        } else {
            None
        };
        match fault {
            Some(Fault::Throttle) => self.injected.throttle += 1,
            Some(Fault::ServerError) => self.injected.server_error += 1,
            Some(Fault::ConcurrentModification) => self.injected.concurrent_modification += 1,
            None => {}
        }
        fault
    }

    /// Counts a successful `operation` and decides whether its answer is lost.
    pub fn decide_after_commit(&mut self, operation: &str) -> Option<LostAnswer> {
        if !self.eligible(operation) {
            return None;
        }
        let limit_reached = self.limit_reached();
        if hit(
            self.config.commit_then_server_error_every,
            &mut self.seen.commit_then_server_error,
            limit_reached,
        ) {
            self.injected.commit_then_server_error += 1;
            Some(LostAnswer::ServerError)
        } else if hit(
            self.config.commit_then_timeout_every,
            &mut self.seen.commit_then_timeout,
            limit_reached,
        ) {
            self.injected.commit_then_timeout += 1;
            Some(LostAnswer::Timeout(Duration::from_millis(
                self.config.commit_then_timeout_hold_ms,
            )))
        } else {
            None
        }
    }

    fn limit_reached(&self) -> bool {
        self.config
            .count
            .is_some_and(|limit| self.injected.total() >= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_request_fails_until_the_count() {
        let mut faults = Faults::default();
        faults.configure(FaultConfig {
            throttle_every: 2,
            count: Some(2),
            ..FaultConfig::default()
        });
        let outcomes: Vec<_> = (0..8).map(|_| faults.decide("X", false)).collect();
        assert_eq!(
            outcomes.iter().filter(|o| o.is_some()).count(),
            2,
            "{outcomes:?}"
        );
        assert_eq!(outcomes[1], Some(Fault::Throttle));
        assert_eq!(outcomes[0], None);
    }

    #[test]
    fn operations_scope_faults() {
        let mut faults = Faults::default();
        faults.configure(FaultConfig {
            concurrent_modification_every: 1,
            latency_ms: 5,
            operations: Some(vec!["RegisterDelegatedAdministrator".to_owned()]),
            ..FaultConfig::default()
        });
        assert_eq!(faults.decide("DescribeOrganization", false), None);
        assert_eq!(faults.latency("DescribeOrganization"), Duration::ZERO);
        assert_eq!(
            faults.decide("RegisterDelegatedAdministrator", true),
            Some(Fault::ConcurrentModification)
        );
        assert_eq!(faults.injected().concurrent_modification, 1);
    }

    #[test]
    fn lost_answers_share_the_scope_and_the_count() {
        let mut faults = Faults::default();
        faults.configure(FaultConfig {
            commit_then_server_error_every: 1,
            operations: Some(vec!["RegisterDelegatedAdministrator".to_owned()]),
            count: Some(1),
            ..FaultConfig::default()
        });
        assert_eq!(faults.decide_after_commit("ListAccounts"), None);
        assert_eq!(
            faults.decide_after_commit("RegisterDelegatedAdministrator"),
            Some(LostAnswer::ServerError)
        );
        assert_eq!(
            faults.decide_after_commit("RegisterDelegatedAdministrator"),
            None
        );
        assert_eq!(faults.injected().commit_then_server_error, 1);

        faults.configure(FaultConfig {
            commit_then_timeout_every: 2,
            commit_then_timeout_hold_ms: 250,
            ..FaultConfig::default()
        });
        assert_eq!(faults.decide_after_commit("X"), None);
        assert_eq!(
            faults.decide_after_commit("X"),
            Some(LostAnswer::Timeout(Duration::from_millis(250)))
        );
        assert_eq!(faults.injected().commit_then_timeout, 1);
    }
}
