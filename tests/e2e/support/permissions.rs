//! Least privilege, checked on every Terraform command a test runs against the sandbox: the
//! requests the sandbox answered while the command ran must all be allowed by the permissions
//! declared for the provider block and for the types the workspace holds (in its configuration
//! files or in its state, before or after the command), as `centralroot::provider::permissions`
//! gathers them. A call outside that table fails the test, naming the call and the types.
//!
//! Workspaces opt in by being pointed at a sandbox ([`super::SandboxFixture::configure`]), so
//! every test of every type is checked without a line of its own. The check is the union of the
//! workspace's types, by operation name: with the provider's credentials, the operations and
//! `sts:AssumeRoot` task policies they declare; inside root sessions, what they declare for
//! root sessions (and their own calls, for a provider configured with a session's
//! credentials). `sts:AssumeRole` is the credential chain's own call (`assume_role`), not a
//! type's. Every type checked at least once is remembered, so that the harness can tell, after
//! a whole run, that no type escaped the check ([`unchecked_types`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use centralroot::provider::permissions::{self, TypeKind};
use centralroot::types_common::permissions::Grant;
use centralroot_sandbox::Sandbox;
use centralroot_sandbox::requests::RequestLog;
use regex::Regex;

/// The credential chain's call for `assume_role`, made before any type runs.
const CREDENTIAL_CHAIN: &str = "AssumeRole";

/// The types a checked command held while it sent requests, over the whole run.
static CHECKED: Mutex<BTreeSet<(TypeKind, String)>> = Mutex::new(BTreeSet::new());

/// One type in a workspace: its kind and name.
type TypeRef = (TypeKind, String);

/// What a command's requests are compared with: the sandbox, and where its workspace lives.
#[derive(Clone)]
pub struct Watch {
    sandbox: Arc<Sandbox>,
    dir: PathBuf,
}

/// A command started under a [`Watch`]: the request log and the types before it.
pub struct Watched {
    watch: Watch,
    log: RequestLog,
    types: BTreeSet<TypeRef>,
}

impl Watch {
    /// Checks the commands run in `dir` against the requests `sandbox` answers.
    pub fn new(sandbox: Arc<Sandbox>, dir: PathBuf) -> Self {
        Self { sandbox, dir }
    }

    /// Takes note of where things stand before a command.
    pub fn start(&self) -> Watched {
        Watched {
            watch: self.clone(),
            log: self.sandbox.requests(),
            types: types_in(&self.dir),
        }
    }
}

impl Watched {
    /// Fails the test when the command sent a request its workspace's types do not declare;
    /// `command` names it in the failure.
    #[track_caller]
    pub fn check(self, command: &str) {
        let after = self.watch.sandbox.requests();
        let mut types = self.types;
        types.extend(types_in(&self.watch.dir));
        let sent = Sent::between(&self.log, &after);
        if sent.is_empty() {
            return;
        }
        let grants: Vec<Grant> =
            std::iter::once(permissions::PROVIDER.grant())
                .chain(types.iter().filter_map(|(kind, name)| {
                    permissions::of(*kind, name).map(|table| table.grant())
                }))
                .collect();
        let allowed = Grant::union(&grants);
        let outside = sent.outside(&allowed);
        assert!(
            outside.is_empty(),
            "`{command}` sent requests that the permissions of its types do not declare:\n  {}\n\
             types in the workspace: {types:?}\n(declare them in the type's `PERMISSIONS`, \
             through src/aws/calls.rs)",
            outside.join("\n  ")
        );
        CHECKED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(types);
    }
}

/// The types a run of this binary checked no command of: empty after a whole run, unless a
/// type has no end-to-end test against the sandbox.
pub fn unchecked_types() -> Vec<TypeRef> {
    let checked = CHECKED.lock().unwrap_or_else(PoisonError::into_inner);
    permissions::TYPES
        .iter()
        .map(|(kind, name, _)| (*kind, (*name).to_owned()))
        .filter(|known| !checked.contains(known))
        .collect()
}

/// What a command sent, by who signed it: counts by operation (and task policy).
#[derive(Debug, Default)]
struct Sent {
    /// With the provider's credentials (or no valid ones), by operation.
    caller: BTreeMap<String, u64>,
    /// `sts:AssumeRoot` sessions opened, by task policy.
    opened: BTreeMap<String, u64>,
    /// Inside root sessions, by (task policy, operation).
    in_session: BTreeMap<(String, String), u64>,
}

impl Sent {
    /// What was sent between two snapshots of the log. Counters that went down were reset in
    /// between: then everything the later snapshot holds was sent meanwhile.
    fn between(before: &RequestLog, after: &RequestLog) -> Self {
        fn delta<K: Ord + Clone>(
            before: &BTreeMap<K, u64>,
            after: &BTreeMap<K, u64>,
        ) -> BTreeMap<K, u64> {
            after
                .iter()
                .filter_map(|(key, now)| {
                    let then = before.get(key).copied().unwrap_or(0);
                    let sent = if *now >= then { now - then } else { *now };
                    (sent > 0).then(|| (key.clone(), sent))
                })
                .collect()
        }
        let (caller_before, opened_before, session_before) = counts(before);
        let (caller_after, opened_after, session_after) = counts(after);
        Self {
            caller: delta(&caller_before, &caller_after),
            opened: delta(&opened_before, &opened_after),
            in_session: delta(&session_before, &session_after),
        }
    }

    fn is_empty(&self) -> bool {
        self.caller.is_empty() && self.opened.is_empty() && self.in_session.is_empty()
    }

    /// Each request `allowed` does not cover, described.
    fn outside(&self, allowed: &Grant) -> Vec<String> {
        let names = |operations: &[centralroot::aws::Operation]| -> BTreeSet<&'static str> {
            operations.iter().map(|op| op.name()).collect()
        };
        let caller = names(&allowed.caller);
        let session: BTreeSet<&str> = names(&allowed.in_root_session)
            .union(&caller)
            .copied()
            .collect();
        let tasks: BTreeSet<&str> = allowed
            .task_policies()
            .into_iter()
            .map(|policy| policy.name())
            .collect();
        let mut outside = Vec::new();
        for (operation, count) in &self.caller {
            if !caller.contains(operation.as_str()) && operation != CREDENTIAL_CHAIN {
                outside.push(format!(
                    "{operation} ×{count}, with the provider's credentials"
                ));
            }
        }
        for (policy, count) in &self.opened {
            if !tasks.contains(policy.as_str()) {
                outside.push(format!("AssumeRoot with task policy {policy} ×{count}"));
            }
        }
        for ((policy, operation), count) in &self.in_session {
            if !tasks.contains(policy.as_str()) || !session.contains(operation.as_str()) {
                outside.push(format!(
                    "{operation} ×{count}, in a root session with {policy}"
                ));
            }
        }
        outside
    }
}

type Counts = (
    BTreeMap<String, u64>,
    BTreeMap<String, u64>,
    BTreeMap<(String, String), u64>,
);

/// The log's counters by who signed: the caller's operations (every request of the operation
/// but those signed by a root session), sessions opened by task policy, and the operations of
/// root sessions.
fn counts(log: &RequestLog) -> Counts {
    let mut in_session = BTreeMap::new();
    let mut session_totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (policy, operations) in &log.root_sessions {
        for (operation, count) in operations {
            in_session.insert((policy.clone(), operation.clone()), *count);
            *session_totals.entry(operation).or_default() += count;
        }
    }
    let caller = log
        .operations
        .iter()
        .map(|(operation, count)| {
            let by_sessions = session_totals.get(operation.as_str()).copied().unwrap_or(0);
            (operation.clone(), count.total.saturating_sub(by_sessions))
        })
        .collect();
    let mut opened: BTreeMap<String, u64> = BTreeMap::new();
    for policies in log.root_sessions_opened.values() {
        for (policy, count) in policies {
            *opened.entry(policy.clone()).or_default() += count;
        }
    }
    (caller, opened, in_session)
}

/// The provider's types a workspace holds: the blocks of its configuration files (`.tf`,
/// `.tfquery.hcl`, in child directories too) and the resources of its local state.
fn types_in(dir: &Path) -> BTreeSet<TypeRef> {
    let mut types = BTreeSet::new();
    let blocks =
        Regex::new(r#"(?m)^\s*(resource|data|ephemeral|action|list)\s+"(centralroot_[a-z0-9_]+)""#)
            .expect("a valid pattern");
    for file in configuration_files(dir) {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for found in blocks.captures_iter(&text) {
            let kind = match &found[1] {
                "resource" => TypeKind::Resource,
                "data" => TypeKind::DataSource,
                "ephemeral" => TypeKind::EphemeralResource,
                "action" => TypeKind::Action,
                _ => TypeKind::ListResource,
            };
            types.insert((kind, found[2].to_owned()));
        }
    }
    let state = fs::read_to_string(dir.join("terraform.tfstate"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    if let Some(resources) = state.as_ref().and_then(|s| s["resources"].as_array()) {
        for resource in resources {
            let kind = match resource["mode"].as_str() {
                Some("data") => TypeKind::DataSource,
                _ => TypeKind::Resource,
            };
            if let Some(name) = resource["type"].as_str() {
                types.insert((kind, name.to_owned()));
            }
        }
    }
    types
}

/// Every configuration file under `dir`, Terraform's own directory left out.
fn configuration_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() && name != ".terraform" {
            found.extend(configuration_files(&path));
        } else if name.ends_with(".tf") || name.ends_with(".tfquery.hcl") {
            found.push(path);
        }
    }
    found
}
