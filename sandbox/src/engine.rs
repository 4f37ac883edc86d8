//! The shared sandbox and the pipeline every AWS request goes through:
//! decode → authenticate (SigV4) → latency and faults → operation → lost-answer faults → encode.

use super::error::{ApiError, Service};
use super::faults::{Fault, FaultConfig, FaultCounts, Faults, LostAnswer};
use super::identity::{self, Caller};
use super::limits::Limits;
use super::requests::{self, RequestLog, UNKNOWN_OPERATION};
use super::seed::{Account, AccountPatch, Seed};
use super::sigv4::{self, Authorization, SigV4Error, SignedRequest};
use super::state::State;
use super::wire::{self, Decoded, Encoded, Input, Output};
use super::{credential_report, iam, iam_root, organizations, s3, sqs, sts};
use axum::http::HeaderMap;
use rand::Rng;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What an operation handler knows about the request besides its input.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The authenticated caller.
    pub caller: &'a Caller,
    /// Epoch seconds.
    pub now: i64,
    /// The trusted-access propagation delay currently injected.
    pub propagation: Duration,
    /// The Region the request was signed for (S3 buckets and SQS queues live in one).
    pub region: &'a str,
}

/// An HTTP request as the engine sees it.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// Method.
    pub method: &'a str,
    /// Path as sent.
    pub path: &'a str,
    /// Raw query string.
    pub query: &'a str,
    /// Headers.
    pub headers: &'a HeaderMap,
    /// Body.
    pub body: &'a [u8],
}

/// An answer plus the request id to send in `x-amzn-RequestId`.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The rendered answer; `None` when the commit-then-timeout fault withheld it, and the
    /// server closes the connection instead of answering.
    pub encoded: Option<Encoded>,
    /// The request id.
    pub request_id: String,
}

/// A request signed by a root session, counted in flight until dropped (also when the client
/// gives up on it and the handler is cancelled).
struct RootRequest<'a> {
    sandbox: &'a Sandbox,
    access_key_id: String,
}

impl<'a> RootRequest<'a> {
    fn start(sandbox: &'a Sandbox, caller: &Caller) -> Option<Self> {
        let Caller::RootSession { access_key_id, .. } = caller else {
            return None;
        };
        lock(&sandbox.requests).root_request_started(access_key_id);
        Some(Self {
            sandbox,
            access_key_id: access_key_id.clone(),
        })
    }
}

impl Drop for RootRequest<'_> {
    fn drop(&mut self) {
        lock(&self.sandbox.requests).root_request_ended(&self.access_key_id);
    }
}

/// The sandbox shared by every connection: the model behind one mutex, plus faults and counters.
#[derive(Debug)]
pub struct Sandbox {
    state: Mutex<State>,
    max_sessions: usize,
    max_counter_keys: usize,
    initial: Mutex<Seed>,
    faults: Mutex<Faults>,
    /// What `reset` returns the faults to: none, or the command line's rate limits.
    default_faults: Mutex<FaultConfig>,
    requests: Mutex<RequestLog>,
}

/// The error code the request counters record for an answer the commit-then-timeout fault withheld.
pub const WITHHELD: &str = "(answer withheld)";

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked left the model consistent (no handler panics mid-update by
    // design), so serving on is better than failing every later request.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Whether the sandbox serves `operation` for `service`.
fn is_known(service: Service, operation: &str) -> bool {
    match service {
        Service::Iam => {
            iam::OPERATIONS.contains(&operation)
                || iam_root::OPERATIONS.contains(&operation)
                || credential_report::OPERATIONS.contains(&operation)
        }
        Service::Sts => sts::OPERATIONS.contains(&operation),
        Service::Organizations => organizations::OPERATIONS.contains(&operation),
        Service::S3 => s3::OPERATIONS.contains(&operation),
        Service::Sqs => sqs::OPERATIONS.contains(&operation),
    }
}

/// A fresh `x-amzn-RequestId`.
pub fn request_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Sandbox {
    /// A sandbox holding `seed`; `POST /_sandbox/reset` returns to it.
    pub fn new(seed: Seed) -> Arc<Sandbox> {
        Sandbox::with_limits(seed, &Limits::default())
    }

    /// [`Sandbox::new`] keeping at most `limits.max_sessions` STS sessions and
    /// `limits.max_counter_keys` keys per capped request counter.
    pub fn with_limits(seed: Seed, limits: &Limits) -> Arc<Sandbox> {
        Arc::new(Sandbox {
            state: Mutex::new(State::new(seed.clone(), limits.max_sessions)),
            max_sessions: limits.max_sessions,
            max_counter_keys: limits.max_counter_keys,
            initial: Mutex::new(seed),
            faults: Mutex::new(Faults::default()),
            default_faults: Mutex::new(FaultConfig::default()),
            requests: Mutex::new(RequestLog::new(limits.max_counter_keys)),
        })
    }

    /// The current model, in seed format.
    pub fn snapshot(&self) -> Seed {
        lock(&self.state).model.clone()
    }

    /// The live STS sessions by access key id, oldest first, secrets included: for tests that
    /// prove the secrets of issued credentials go nowhere. Not served by the control plane.
    #[cfg(feature = "test-support")]
    pub fn sessions(&self) -> Vec<(String, super::state::Session)> {
        lock(&self.state)
            .sessions()
            .map(|(key, session)| (key.to_owned(), session.clone()))
            .collect()
    }

    /// Replaces the model (root sessions are dropped); later resets return to this seed.
    pub fn replace(&self, seed: Seed) {
        *lock(&self.initial) = seed.clone();
        *lock(&self.state) = State::new(seed, self.max_sessions);
    }

    /// Changes one account in place (root credentials, AssumeRoot denial, service control
    /// policy, status, buckets and queues): the control plane's way to make credentials
    /// reappear, an SCP appear or a policy come back between two runs.
    /// Answers the account as changed, or `None` if no account has this id.
    pub fn update_account(&self, account_id: &str, patch: AccountPatch) -> Option<Account> {
        let mut state = lock(&self.state);
        let account = state.account_mut(account_id)?;
        if let Some(root) = patch.root {
            account.root = root;
        }
        if let Some(denied) = patch.assume_root_denied {
            account.assume_root_denied = denied;
        }
        if let Some(policy) = patch.service_control_policy {
            account.service_control_policy = policy;
        }
        if let Some(status) = patch.status {
            account.status = status;
        }
        if let Some(buckets) = patch.buckets {
            account.buckets = buckets;
        }
        if let Some(queues) = patch.queues {
            account.queues = queues;
        }
        Some(account.clone())
    }

    /// Returns to the last seed, the default faults and cleared request counters.
    pub fn reset(&self) {
        let seed = lock(&self.initial).clone();
        *lock(&self.state) = State::new(seed, self.max_sessions);
        let faults = lock(&self.default_faults).clone();
        lock(&self.faults).configure(faults);
        *lock(&self.requests) = RequestLog::new(self.max_counter_keys);
    }

    /// Replaces the fault configuration.
    pub fn set_faults(&self, config: FaultConfig) {
        lock(&self.faults).configure(config);
    }

    /// Replaces the fault configuration and makes it the one `reset` returns to (the command
    /// line's `--rate-limit`s).
    pub fn set_default_faults(&self, config: FaultConfig) {
        *lock(&self.default_faults) = config.clone();
        self.set_faults(config);
    }

    /// The fault configuration and how many faults were injected.
    pub fn faults(&self) -> (FaultConfig, FaultCounts) {
        let faults = lock(&self.faults);
        (faults.config().clone(), faults.injected())
    }

    /// The request counters.
    pub fn requests(&self) -> RequestLog {
        lock(&self.requests).clone()
    }

    /// Clears the request counters.
    pub fn reset_requests(&self) {
        *lock(&self.requests) = RequestLog::new(self.max_counter_keys);
    }

    /// Answers one AWS request.
    pub async fn handle(&self, request: HttpRequest<'_>) -> HttpResponse {
        let request_id = request_id();
        let decoded = match wire::decode(&request) {
            Ok(decoded) => decoded,
            Err((service, error)) => {
                tracing::info!(code = %error.code, "undecodable request");
                self.record("(invalid)", None, Some(&error.code));
                return HttpResponse {
                    encoded: Some(wire::encode_error(service, &error, &request_id)),
                    request_id,
                };
            }
        };
        let service = decoded.service;
        // Only names the sandbox serves are counted and logged as such: any other name, of
        // any size, is one more request under one name.
        let (operation, unknown) = if is_known(service, &decoded.operation) {
            (decoded.operation.as_str(), None)
        } else {
            (
                UNKNOWN_OPERATION,
                Some(requests::loggable(&decoded.operation)),
            )
        };
        let (caller, mut result) = match self.authenticate(&decoded, &request) {
            Ok((caller, region)) => {
                let _at_work = RootRequest::start(self, &caller);
                let result = self.run(&decoded, &caller, &region).await;
                (Some(caller), result)
            }
            Err(error) => (None, Err(error)),
        };
        if result.is_ok() {
            self.record_opened_root_session(&decoded);
        }
        let lost = match result {
            Ok(_) => lock(&self.faults).decide_after_commit(operation),
            Err(_) => None,
        };
        if lost == Some(LostAnswer::ServerError) {
            result = Err(ApiError::server_error(service));
        }
        if let Some(LostAnswer::Timeout(hold)) = lost {
            tracing::info!(service = ?service, operation, request_id = %request_id, ?hold, "answer withheld");
            self.record(
                operation,
                caller.as_ref().map(|c| (c.account_id(), c.access_key_id())),
                Some(WITHHELD),
            );
            // A session's call counts as the session's, answered or not.
            if let Some(Caller::RootSession { task_policy, .. }) = &caller {
                lock(&self.requests).record_root_session(task_policy.name(), operation);
            }
            tokio::time::sleep(hold).await;
            return HttpResponse {
                encoded: None,
                request_id,
            };
        }
        let encoded = match &result {
            Ok(output) => wire::encode_output(service, operation, output, &request_id),
            Err(error) => wire::encode_error(service, error, &request_id),
        };
        let error_code = result.as_ref().err().map(|e| e.code.as_str());
        tracing::info!(
            service = ?service,
            operation,
            requested = unknown,
            account = caller.as_ref().map(Caller::account_id),
            error = error_code,
            request_id = %request_id,
            "answered"
        );
        self.record(
            operation,
            caller.as_ref().map(|c| (c.account_id(), c.access_key_id())),
            error_code,
        );
        if let Some(Caller::RootSession { task_policy, .. }) = &caller {
            lock(&self.requests).record_root_session(task_policy.name(), operation);
        }
        HttpResponse {
            encoded: Some(encoded),
            request_id,
        }
    }

    fn record_opened_root_session(&self, decoded: &Decoded) {
        if decoded.operation != "AssumeRoot" {
            return;
        }
        if let Input::Query(params) = &decoded.input {
            let target = params.get("TargetPrincipal").unwrap_or_default();
            let policy = params.get("TaskPolicyArn.arn").unwrap_or_default();
            let policy = policy.rsplit('/').next().unwrap_or(policy);
            lock(&self.requests).record_root_session_opened(target, policy);
        }
    }

    fn record(&self, operation: &str, caller: Option<(&str, &str)>, error: Option<&str>) {
        lock(&self.requests).record(operation, caller, error);
    }

    /// The caller of a request whose signature holds, and the Region it was signed for.
    fn authenticate(
        &self,
        decoded: &Decoded,
        request: &HttpRequest<'_>,
    ) -> Result<(Caller, String), ApiError> {
        let service = decoded.service;
        let auth = Authorization::from_headers(request.headers).map_err(|e| match e {
            SigV4Error::Missing => ApiError::missing_authentication(service),
            other => ApiError::signature_mismatch(service, other.to_string()),
        })?;
        if auth.service != service.signing_name() {
            return Err(ApiError::signature_mismatch(
                service,
                format!(
                    "Credential should be scoped to correct service: '{}'.",
                    service.signing_name()
                ),
            ));
        }
        let token = request
            .headers
            .get("x-amz-security-token")
            .and_then(|v| v.to_str().ok());
        let claimed = identity::resolve(&lock(&self.state), service, &auth.access_key_id, token)?;
        let signed = SignedRequest {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            body: request.body,
        };
        sigv4::verify(&auth, &claimed.secret, &signed)
            .and_then(|()| sigv4::check_request_time(request.headers, now_epoch()))
            .map_err(|e| ApiError::signature_mismatch(service, e.to_string()))?;
        if claimed
            .caller
            .expiration()
            .is_some_and(|expiration| expiration <= now_epoch())
        {
            return Err(ApiError::expired_token(service));
        }
        Ok((claimed.caller, auth.region))
    }

    async fn run(
        &self,
        decoded: &Decoded,
        caller: &Caller,
        region: &str,
    ) -> Result<Output, ApiError> {
        let service = decoded.service;
        let operation = decoded.operation.as_str();
        if !is_known(service, operation) {
            return Err(ApiError::unknown_operation(service, operation));
        }
        // A bucket is charged when the request arrives; its refusal is answered after the
        // latency, as any answer.
        let (latency, rate_exceeded) = {
            let mut faults = lock(&self.faults);
            let latency = faults.latency(operation);
            (
                latency,
                faults.rate_exceeded(operation, caller.account_id()),
            )
        };
        if !latency.is_zero() {
            lock(&self.requests).delaying(operation);
            tokio::time::sleep(latency).await;
        }
        if rate_exceeded {
            return Err(ApiError::throttling(service));
        }
        let mutating = service == Service::Organizations && organizations::is_mutating(operation);
        let (fault, propagation) = {
            let mut faults = lock(&self.faults);
            (faults.decide(operation, mutating), faults.propagation())
        };
        match fault {
            Some(Fault::Throttle) => return Err(ApiError::throttling(service)),
            Some(Fault::ServerError) => return Err(ApiError::server_error(service)),
            Some(Fault::ConcurrentModification) => {
                return Err(ApiError::bad_request(
                    "ConcurrentModificationException",
                    "The target of the operation is currently being modified by a different request. Try again later.",
                ));
            }
            None => {}
        }
        let ctx = Ctx {
            caller,
            now: now_epoch(),
            propagation,
            region,
        };
        let mut state = lock(&self.state);
        match (&decoded.input, service) {
            (Input::Query(_), Service::Iam) if iam::OPERATIONS.contains(&operation) => {
                iam::handle(&mut state, &ctx, operation).map(|r| Output::Xml(Some(r)))
            }
            (Input::Query(_), Service::Iam)
                if credential_report::OPERATIONS.contains(&operation) =>
            {
                credential_report::handle(&mut state, &ctx, operation).map(|r| Output::Xml(Some(r)))
            }
            (Input::Query(params), Service::Iam) => {
                iam_root::handle(&mut state, &ctx, operation, params).map(Output::Xml)
            }
            (Input::Query(params), Service::Sts) => {
                sts::handle(&mut state, &ctx, operation, params).map(|r| Output::Xml(Some(r)))
            }
            (Input::Json(input), Service::Sqs) => {
                sqs::handle(&mut state, &ctx, operation, input).map(Output::Json)
            }
            (Input::Json(input), _) => {
                organizations::handle(&mut state, &ctx, operation, input).map(Output::Json)
            }
            (Input::Rest(input), _) => {
                s3::handle(&mut state, &ctx, operation, input).map(Output::Rest)
            }
            (Input::Query(_), Service::Organizations | Service::S3 | Service::Sqs) => {
                Err(ApiError::unknown_operation(service, operation))
            }
        }
    }
}
