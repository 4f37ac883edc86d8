//! Request counters served by `GET /_sandbox/requests`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts for one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationCount {
    /// Every request naming the operation.
    pub total: u64,
    /// Requests answered with success.
    pub succeeded: u64,
    /// Error answers by error code (injected faults included).
    pub errors: BTreeMap<String, u64>,
    /// Requests the latency fault held back, counted when the delay starts: a request still
    /// waiting shows here before it shows in `total`.
    #[serde(default)]
    pub delayed: u64,
}

/// Every request the sandbox answered, by operation, account and access key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLog {
    /// All AWS requests (control-plane requests excluded).
    pub total: u64,
    /// By operation name (`Service:Operation` is not needed: the names are distinct).
    pub operations: BTreeMap<String, OperationCount>,
    /// Authenticated requests by caller account.
    pub accounts: BTreeMap<String, u64>,
    /// Authenticated requests by access key id (never the secret).
    pub access_keys: BTreeMap<String, u64>,
    /// Requests signed with `sts:AssumeRoot` credentials: task policy name → operation → count
    /// (answered and refused alike).
    #[serde(default)]
    pub root_sessions: BTreeMap<String, BTreeMap<String, u64>>,
    /// Root sessions that `sts:AssumeRoot` opened: target account → task policy name → count
    /// (a session whose answer a fault withheld counts: AWS opened it).
    #[serde(default)]
    pub root_sessions_opened: BTreeMap<String, BTreeMap<String, u64>>,
    /// The most root sessions that had a request in flight at the same moment.
    #[serde(default)]
    pub max_root_sessions_at_work: u64,
    /// Requests in flight by root session access key, behind the gauge above.
    #[serde(skip)]
    root_requests_in_flight: BTreeMap<String, u64>,
}

impl RequestLog {
    /// Records one answered request; `caller` is `(account, access key)` once authenticated,
    /// `error` the error code answered.
    pub fn record(&mut self, operation: &str, caller: Option<(&str, &str)>, error: Option<&str>) {
        self.total += 1;
        let count = self.operations.entry(operation.to_owned()).or_default();
        count.total += 1;
        match error {
            Some(code) => *count.errors.entry(code.to_owned()).or_default() += 1,
            None => count.succeeded += 1,
        }
        if let Some((account, key)) = caller {
            *self.accounts.entry(account.to_owned()).or_default() += 1;
            *self.access_keys.entry(key.to_owned()).or_default() += 1;
        }
    }

    /// Records that a root session with `task_policy` called `operation` (besides [`Self::record`]).
    pub fn record_root_session(&mut self, task_policy: &str, operation: &str) {
        count_in(&mut self.root_sessions, task_policy, operation);
    }

    /// Records that `sts:AssumeRoot` opened a session on `account` limited to `task_policy`.
    pub fn record_root_session_opened(&mut self, account: &str, task_policy: &str) {
        count_in(&mut self.root_sessions_opened, account, task_policy);
    }

    /// A request signed by the root session `access_key_id` is being answered.
    pub fn root_request_started(&mut self, access_key_id: &str) {
        *self
            .root_requests_in_flight
            .entry(access_key_id.to_owned())
            .or_default() += 1;
        let at_work = self.root_requests_in_flight.len() as u64;
        self.max_root_sessions_at_work = self.max_root_sessions_at_work.max(at_work);
    }

    /// The request [`Self::root_request_started`] counted has been answered.
    pub fn root_request_ended(&mut self, access_key_id: &str) {
        if let Some(count) = self.root_requests_in_flight.get_mut(access_key_id) {
            *count -= 1;
            if *count == 0 {
                self.root_requests_in_flight.remove(access_key_id);
            }
        }
    }

    /// Records that the latency fault starts holding back a request for `operation`.
    pub fn delaying(&mut self, operation: &str) {
        self.operations
            .entry(operation.to_owned())
            .or_default()
            .delayed += 1;
    }
}

/// Adds one to `counts[outer][inner]`.
fn count_in(counts: &mut BTreeMap<String, BTreeMap<String, u64>>, outer: &str, inner: &str) {
    *counts
        .entry(outer.to_owned())
        .or_default()
        .entry(inner.to_owned())
        .or_default() += 1;
}
