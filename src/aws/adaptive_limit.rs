//! How many root sessions may work at once: an additive-increase, multiplicative-decrease
//! limit fed by the answers AWS gives to root-session traffic (`AssumeRoot`, and the IAM calls
//! made in a session), never by the provider's other calls.
//!
//! The SDK retries a throttled call with back-off, but it knows nothing of the other calls in
//! flight: with 50 accounts audited at once, each retry is soon met by 49 other requests and
//! throttled again. Halving the work in flight when AWS throttles, and growing it back by one
//! per round of successes, lowers the request rate itself, the way TCP backs off on loss.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::Notify;

use super::retry::is_throttled;

/// Throttling answers closer together than this are one congestion event: every call in
/// flight when AWS starts throttling is refused at about the same time, and retried after a
/// back-off of about a second, so the limit should halve once for them, not once per call.
const DECREASE_WINDOW: Duration = Duration::from_secs(2);

#[derive(Debug)]
struct State {
    limit: f64,
    in_flight: usize,
    last_decrease: Option<Instant>,
}

/// A limit on work in flight that halves when AWS throttles and grows back by one for each
/// limit's worth of successful calls, between 1 and a ceiling.
#[derive(Debug)]
pub struct AdaptiveLimit {
    state: Mutex<State>,
    ceiling: usize,
    released: Notify,
}

/// One unit of work in flight; dropping it makes room for the next.
#[derive(Debug)]
pub struct Permit {
    limit: Arc<AdaptiveLimit>,
}

impl AdaptiveLimit {
    /// A limit starting at `initial`, never above `ceiling` (both at least 1).
    pub fn new(initial: usize, ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        Self {
            state: Mutex::new(State {
                limit: initial.clamp(1, ceiling) as f64,
                in_flight: 0,
                last_decrease: None,
            }),
            ceiling,
            released: Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The work allowed in flight now.
    pub fn current(&self) -> usize {
        // The limit stays within 1..=ceiling, so the truncation is exact.
        self.state().limit as usize
    }

    /// Waits until the work in flight is below the limit, then counts this one in.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let released = self.released.notified();
            tokio::pin!(released);
            // Registered before the check, so a release between the check and the wait wakes us.
            released.as_mut().enable();
            {
                let mut state = self.state();
                if (state.in_flight as f64) < state.limit.floor() {
                    state.in_flight += 1;
                    return Permit {
                        limit: Arc::clone(self),
                    };
                }
            }
            released.await;
        }
    }

    /// AWS answered a call without throttling it.
    pub fn succeeded(&self) {
        let grew = {
            let mut state = self.state();
            let before = state.limit.floor();
            state.limit = (state.limit + 1.0 / state.limit).min(self.ceiling as f64);
            state.limit.floor() > before
        };
        if grew {
            self.released.notify_waiters();
        }
    }

    /// AWS throttled a call.
    pub fn throttled(&self) {
        let mut state = self.state();
        let now = Instant::now();
        if state
            .last_decrease
            .is_some_and(|last| now.duration_since(last) < DECREASE_WINDOW)
        {
            return;
        }
        state.last_decrease = Some(now);
        state.limit = (state.limit / 2.0).max(1.0);
        tracing::debug!(
            limit = state.limit as usize,
            "throttled: fewer root sessions at once"
        );
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.limit.state().in_flight -= 1;
        self.limit.released.notify_waiters();
    }
}

/// Tells an [`AdaptiveLimit`] how each attempt of a call went; the provider puts it on the calls
/// made in root sessions.
#[derive(Debug, Clone)]
pub struct ThrottleObserver {
    limit: Arc<AdaptiveLimit>,
}

impl ThrottleObserver {
    /// An observer feeding `limit`.
    pub fn new(limit: Arc<AdaptiveLimit>) -> Self {
        Self { limit }
    }
}

impl Intercept for ThrottleObserver {
    fn name(&self) -> &'static str {
        "ThrottleObserver"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(response) = context.response() else {
            return Ok(());
        };
        if response.status().is_success() {
            self.limit.succeeded();
        } else if is_throttled(response) {
            self.limit.throttled();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use centralroot_sandbox::faults::FaultConfig;

    #[test]
    fn throttling_halves_once_per_event_and_successes_grow_it_back() {
        let limit = AdaptiveLimit::new(20, 50);
        limit.throttled();
        limit.throttled();
        assert_eq!(limit.current(), 10, "one event, one halving");
        for _ in 0..9 {
            limit.succeeded();
        }
        assert_eq!(
            limit.current(),
            10,
            "growing takes a limit's worth of successes"
        );
        limit.succeeded();
        limit.succeeded();
        assert_eq!(
            limit.current(),
            11,
            "about a limit's worth of successes adds one"
        );
        for _ in 0..10_000 {
            limit.succeeded();
        }
        assert_eq!(limit.current(), 50, "never above the ceiling");
    }

    #[test]
    fn the_limit_never_drops_below_one() {
        let limit = AdaptiveLimit::new(1, 50);
        limit.state().last_decrease = None;
        limit.throttled();
        assert_eq!(limit.current(), 1);
        assert_eq!(AdaptiveLimit::new(0, 0).current(), 1);
    }

    #[tokio::test]
    async fn permits_wait_for_room_and_release_it() {
        let limit = Arc::new(AdaptiveLimit::new(2, 2));
        let first = limit.acquire().await;
        let _second = limit.acquire().await;
        let waiting = tokio::spawn({
            let limit = Arc::clone(&limit);
            async move { limit.acquire().await }
        });
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "a third waits while two are in flight"
        );
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert!(matches!(third, Ok(Ok(_))), "released room lets it in");
        assert_eq!(limit.state().in_flight, 2);
    }

    /// An STS client of `sandbox`, signing with the management account's key id and `secret`,
    /// whose every attempt [`ThrottleObserver`] reports to `limit`, as the provider's clients do.
    fn observed_sts(
        sandbox: &centralroot_sandbox::ServerHandle,
        secret: Option<&str>,
        limit: &Arc<AdaptiveLimit>,
    ) -> aws_sdk_sts::Client {
        use aws_sdk_sts::config::retry::RetryConfig;
        use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};

        let keys = sandbox.credentials("111111111111").expect("seeded account");
        let secret = secret.unwrap_or(&keys.secret_access_key);
        let config = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(sandbox.endpoint_url())
            .credentials_provider(Credentials::new(
                &keys.access_key_id,
                secret,
                None,
                None,
                "test",
            ))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(5)),
            )
            .interceptor(ThrottleObserver::new(Arc::clone(limit)))
            .build();
        aws_sdk_sts::Client::from_conf(config)
    }

    /// The limit (starting at 20) after a `GetCallerIdentity` whose first attempt `fault`
    /// answered and whose retry succeeded, with the faults the sandbox injected.
    async fn limit_after_a_retry(
        sandbox: &centralroot_sandbox::ServerHandle,
        fault: FaultConfig,
    ) -> (Arc<AdaptiveLimit>, centralroot_sandbox::faults::FaultCounts) {
        sandbox.sandbox().set_faults(FaultConfig {
            count: Some(1),
            operations: Some(vec!["GetCallerIdentity".into()]),
            ..fault
        });
        let limit = Arc::new(AdaptiveLimit::new(20, 50));
        observed_sts(sandbox, None, &limit)
            .get_caller_identity()
            .send()
            .await
            .expect("the retry is answered");
        (limit, sandbox.sandbox().faults().1)
    }

    #[tokio::test]
    async fn the_observer_lowers_the_limit_when_aws_throttles_and_only_then() {
        let (_, sandbox) = centralroot_sandbox::Server::bind(
            "127.0.0.1:0",
            centralroot_sandbox::Seed::default_seed(),
        )
        .await
        .expect("sandbox");

        // Halved once; the one success after it is far from a limit's worth.
        let throttling = FaultConfig {
            throttle_every: 1,
            ..FaultConfig::default()
        };
        let (limit, injected) = limit_after_a_retry(&sandbox, throttling).await;
        assert_eq!(injected.throttle, 1);
        assert_eq!(limit.current(), 10, "a throttled answer halves the limit");

        let server_error = FaultConfig {
            server_error_every: 1,
            ..FaultConfig::default()
        };
        let (limit, injected) = limit_after_a_retry(&sandbox, server_error).await;
        assert_eq!(injected.server_error, 1);
        assert_eq!(limit.current(), 20, "a server error leaves the limit");

        // Nor is a refusal: a request signed with the wrong secret.
        sandbox.sandbox().set_faults(FaultConfig::default());
        let sts = observed_sts(&sandbox, Some("not-the-secret"), &limit);
        let refused = sts
            .get_caller_identity()
            .send()
            .await
            .expect_err("a wrong signature is refused");
        let code = refused
            .into_service_error()
            .meta()
            .code()
            .map(str::to_owned);
        assert_eq!(code.as_deref(), Some("SignatureDoesNotMatch"));
        assert_eq!(limit.current(), 20, "a refusal leaves the limit");
    }
}
