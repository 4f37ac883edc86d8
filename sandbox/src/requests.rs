//! Request counters served by `GET /_sandbox/requests`.
//!
//! They stay bounded whatever clients send: operation names the sandbox does not serve are
//! counted under [`UNKNOWN_OPERATION`], and the counters keyed by caller (accounts, access
//! keys, root sessions opened by target) keep at most a set number of keys apart, counting
//! newcomers beyond it under [`OTHER`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name every request naming an operation the sandbox does not serve is counted under.
pub const UNKNOWN_OPERATION: &str = "(unknown operation)";

/// The key a capped counter counts new keys under once it holds its most.
pub const OTHER: &str = "(other)";

/// The longest name or path the sandbox writes to its log; longer ones are cut.
const MAX_LOGGED_LEN: usize = 128;

/// `text` cut to at most [`MAX_LOGGED_LEN`] bytes (at a character boundary), for the log.
pub fn loggable(text: &str) -> &str {
    if text.len() <= MAX_LOGGED_LEN {
        return text;
    }
    let mut end = MAX_LOGGED_LEN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLog {
    /// All AWS requests (control-plane requests excluded).
    pub total: u64,
    /// By operation name (`Service:Operation` is not needed: the names are distinct); names
    /// the sandbox does not serve under [`UNKNOWN_OPERATION`], undecodable requests under
    /// `(invalid)`.
    pub operations: BTreeMap<String, OperationCount>,
    /// Authenticated requests by caller account (capped, see [`OTHER`]).
    pub accounts: BTreeMap<String, u64>,
    /// Authenticated requests by access key id, never the secret (capped, see [`OTHER`]).
    pub access_keys: BTreeMap<String, u64>,
    /// Requests signed with `sts:AssumeRoot` credentials: task policy name → operation → count
    /// (answered and refused alike).
    #[serde(default)]
    pub root_sessions: BTreeMap<String, BTreeMap<String, u64>>,
    /// Root sessions that `sts:AssumeRoot` opened: target account (capped, see [`OTHER`]) →
    /// task policy name → count (a session whose answer a fault withheld counts: AWS opened it).
    #[serde(default)]
    pub root_sessions_opened: BTreeMap<String, BTreeMap<String, u64>>,
    /// The most root sessions that had a request in flight at the same moment.
    #[serde(default)]
    pub max_root_sessions_at_work: u64,
    /// Requests in flight by root session access key, behind the gauge above.
    #[serde(skip)]
    root_requests_in_flight: BTreeMap<String, u64>,
    /// How many keys each capped counter keeps apart.
    #[serde(skip, default = "default_max_keys")]
    max_keys: usize,
}

/// What [`RequestLog::default`] keeps apart per capped counter.
const DEFAULT_MAX_KEYS: usize = 10_000;

fn default_max_keys() -> usize {
    DEFAULT_MAX_KEYS
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog::new(DEFAULT_MAX_KEYS)
    }
}

impl RequestLog {
    /// Empty counters whose capped maps keep at most `max_keys` keys apart (plus [`OTHER`]).
    pub fn new(max_keys: usize) -> RequestLog {
        RequestLog {
            total: 0,
            operations: BTreeMap::new(),
            accounts: BTreeMap::new(),
            access_keys: BTreeMap::new(),
            root_sessions: BTreeMap::new(),
            root_sessions_opened: BTreeMap::new(),
            max_root_sessions_at_work: 0,
            root_requests_in_flight: BTreeMap::new(),
            max_keys,
        }
    }

    /// Records one answered request; `operation` is a name the sandbox serves or one of the
    /// fixed names above, `caller` is `(account, access key)` once authenticated, `error` the
    /// error code answered.
    pub fn record(&mut self, operation: &str, caller: Option<(&str, &str)>, error: Option<&str>) {
        self.total += 1;
        let count = self.operations.entry(operation.to_owned()).or_default();
        count.total += 1;
        match error {
            Some(code) => *count.errors.entry(code.to_owned()).or_default() += 1,
            None => count.succeeded += 1,
        }
        if let Some((account, key)) = caller {
            *capped(&mut self.accounts, account, self.max_keys) += 1;
            *capped(&mut self.access_keys, key, self.max_keys) += 1;
        }
    }

    /// Records that a root session with `task_policy` called `operation` (besides [`Self::record`]).
    pub fn record_root_session(&mut self, task_policy: &str, operation: &str) {
        count_in(&mut self.root_sessions, task_policy, operation);
    }

    /// Records that `sts:AssumeRoot` opened a session on `account` limited to `task_policy`.
    pub fn record_root_session_opened(&mut self, account: &str, task_policy: &str) {
        *capped(&mut self.root_sessions_opened, account, self.max_keys)
            .entry(task_policy.to_owned())
            .or_default() += 1;
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

/// The entry of `key` in `map`, or of [`OTHER`] when `key` is new and `map` holds `max` keys.
fn capped<'a, V: Default>(map: &'a mut BTreeMap<String, V>, key: &str, max: usize) -> &'a mut V {
    let key = if map.len() < max || map.contains_key(key) {
        key
    } else {
        OTHER
    };
    map.entry(key.to_owned()).or_default()
}

/// Adds one to `counts[outer][inner]`.
fn count_in(counts: &mut BTreeMap<String, BTreeMap<String, u64>>, outer: &str, inner: &str) {
    *counts
        .entry(outer.to_owned())
        .or_default()
        .entry(inner.to_owned())
        .or_default() += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_counters_fold_newcomers_into_other() {
        let mut log = RequestLog::new(2);
        for key in ["AK1", "AK2", "AK3", "AK1", "AK4"] {
            log.record("GetCallerIdentity", Some(("111111111111", key)), None);
            log.record_root_session_opened(key, "IAMAuditRootUserCredentials");
        }
        let counts = |map: &BTreeMap<String, u64>| {
            map.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>()
        };
        assert_eq!(
            counts(&log.access_keys),
            [
                ("(other)".to_owned(), 2),
                ("AK1".to_owned(), 2),
                ("AK2".to_owned(), 1)
            ]
        );
        assert_eq!(log.root_sessions_opened.len(), 3);
        assert_eq!(
            log.root_sessions_opened[OTHER]["IAMAuditRootUserCredentials"],
            2
        );
        assert_eq!(log.operations["GetCallerIdentity"].succeeded, 5);
        assert_eq!(log.total, 5);
    }

    #[test]
    fn logged_names_are_cut_at_a_character_boundary() {
        assert_eq!(loggable("ListAccounts"), "ListAccounts");
        let long = "é".repeat(100);
        let cut = loggable(&long);
        assert!(cut.len() <= MAX_LOGGED_LEN && long.starts_with(cut));
        assert_eq!(cut.len(), 128);
    }
}
