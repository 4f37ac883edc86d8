//! The live model: the seed document plus what only exists at run time (STS sessions and
//! the instants trusted access was enabled at, for the propagation fault).

use super::identity::TaskPolicy;
use super::seed::{Account, FeatureSet, Organization, Seed};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What a set of temporary credentials stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionKind {
    /// `sts:AssumeRoot`: the member's root user, limited by a task policy.
    Root(TaskPolicy),
    /// `sts:AssumeRole`: a role with the account administrator's permissions.
    Role {
        /// `arn:aws:iam::ACCOUNT:role/NAME`.
        role_arn: String,
        /// `RoleSessionName`.
        session_name: String,
    },
}

/// Temporary credentials issued by STS.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account the session acts in.
    pub account_id: String,
    /// Root or role session.
    pub kind: SessionKind,
    /// Secret access key.
    pub secret: String,
    /// `X-Amz-Security-Token`.
    pub token: String,
    /// Epoch seconds.
    pub expiration: i64,
}

/// An account's credential report, as `GenerateCredentialReport` made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialReport {
    /// The report, as CSV.
    pub csv: String,
    /// Epoch seconds.
    pub generated: i64,
}

/// The sandbox model; the engine keeps it behind one mutex.
#[derive(Debug)]
pub struct State {
    /// Organization, accounts, trusted access, delegated administrators, features.
    pub model: Seed,
    sessions: HashMap<String, Session>,
    /// Access key ids of `sessions`, oldest first.
    session_order: VecDeque<String>,
    max_sessions: usize,
    trusted_access_enabled_at: HashMap<String, Instant>,
    credential_reports: HashMap<String, CredentialReport>,
}

impl State {
    /// A state holding `seed` and no sessions, keeping at most `max_sessions` of them.
    pub fn new(seed: Seed, max_sessions: usize) -> State {
        State {
            model: seed,
            sessions: HashMap::new(),
            session_order: VecDeque::new(),
            max_sessions,
            trusted_access_enabled_at: HashMap::new(),
            credential_reports: HashMap::new(),
        }
    }

    /// The organization `account_id` belongs to, if any.
    pub fn organization_of(&self, account_id: &str) -> Option<&Organization> {
        let org = self.model.organization.as_ref()?;
        self.account(account_id)
            .filter(|a| a.in_organization)
            .map(|_| org)
    }

    /// Whether the organization is in all-features mode.
    pub fn all_features(&self) -> bool {
        self.model
            .organization
            .as_ref()
            .is_some_and(|o| o.feature_set == FeatureSet::All)
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.model.account(id)
    }

    /// The account with this id, mutable.
    pub fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.model.accounts.iter_mut().find(|a| a.id == id)
    }

    /// The member accounts of the organization, management account included, in seed order.
    pub fn organization_accounts(&self) -> impl Iterator<Item = &Account> {
        let in_org = self.model.organization.is_some();
        self.model
            .accounts
            .iter()
            .filter(move |a| in_org && a.in_organization)
    }

    /// Whether `account_id` is the management account.
    pub fn is_management(&self, account_id: &str) -> bool {
        self.model
            .organization
            .as_ref()
            .is_some_and(|o| o.management_account_id == account_id)
    }

    /// Whether `account_id` is a delegated administrator for `principal` (any principal if `None`).
    pub fn is_delegated_admin(&self, account_id: &str, principal: Option<&str>) -> bool {
        self.model.delegated_administrators.iter().any(|d| {
            d.account_id == account_id && principal.is_none_or(|p| d.service_principal == p)
        })
    }

    /// Whether trusted access is enabled for `principal`.
    pub fn trusted_access(&self, principal: &str) -> bool {
        self.model
            .trusted_access
            .iter()
            .any(|t| t.service_principal == principal)
    }

    /// Whether trusted access for `principal` is enabled and has propagated: the propagation
    /// fault makes IAM see it only `propagation` after it was enabled.
    pub fn trusted_access_visible(&self, principal: &str, propagation: Duration) -> bool {
        self.trusted_access(principal)
            && self
                .trusted_access_enabled_at
                .get(principal)
                .is_none_or(|at| at.elapsed() >= propagation)
    }

    /// Records that trusted access was just enabled (for the propagation fault).
    pub fn mark_trusted_access_enabled(&mut self, principal: &str) {
        self.trusted_access_enabled_at
            .insert(principal.to_owned(), Instant::now());
    }

    /// The last credential report generated for `account_id`.
    pub fn credential_report(&self, account_id: &str) -> Option<&CredentialReport> {
        self.credential_reports.get(account_id)
    }

    /// Keeps `report` as `account_id`'s credential report, replacing the last one.
    pub fn store_credential_report(&mut self, account_id: &str, report: CredentialReport) {
        self.credential_reports
            .insert(account_id.to_owned(), report);
    }

    /// The session of a temporary access key.
    pub fn session(&self, access_key_id: &str) -> Option<&Session> {
        self.sessions.get(access_key_id)
    }

    /// The live sessions with their access key ids, oldest first.
    #[cfg(any(test, feature = "test-support"))]
    pub fn sessions(&self) -> impl Iterator<Item = (&str, &Session)> {
        self.session_order
            .iter()
            .filter_map(|key| Some((key.as_str(), self.sessions.get(key)?)))
    }

    /// Stores a new session, dropping long-expired ones and, beyond the cap, the oldest.
    pub fn add_session(&mut self, access_key_id: String, session: Session, now: i64) {
        // Expired sessions are kept for a while so their use answers ExpiredToken rather than
        // InvalidClientTokenId, as AWS does.
        self.sessions.retain(|_, s| s.expiration + 3600 > now);
        let sessions = &self.sessions;
        self.session_order.retain(|key| sessions.contains_key(key));
        while self.sessions.len() >= self.max_sessions.max(1) {
            let Some(oldest) = self.session_order.pop_front() else {
                break;
            };
            self.sessions.remove(&oldest);
        }
        self.session_order.push_back(access_key_id.clone());
        self.sessions.insert(access_key_id, session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::TaskPolicy;

    fn session(expiration: i64) -> Session {
        Session {
            account_id: "222222222222".to_owned(),
            kind: SessionKind::Root(TaskPolicy::AuditRootUserCredentials),
            secret: "secret".to_owned(),
            token: "token".to_owned(),
            expiration,
        }
    }

    #[test]
    fn sessions_are_bounded_oldest_first_after_the_expired() {
        let mut state = State::new(Seed::default_seed(), 3);
        let now = 1_000_000;
        state.add_session("ASIAEXPIRED".to_owned(), session(now - 7200), now - 8000);
        for key in ["ASIA1", "ASIA2", "ASIA3"] {
            state.add_session(key.to_owned(), session(now + 900), now);
        }
        assert!(
            state.session("ASIAEXPIRED").is_none(),
            "long expired goes first"
        );
        assert!(state.session("ASIA1").is_some());
        state.add_session("ASIA4".to_owned(), session(now + 900), now);
        assert!(
            state.session("ASIA1").is_none(),
            "the oldest goes at the cap"
        );
        for key in ["ASIA2", "ASIA3", "ASIA4"] {
            assert!(state.session(key).is_some(), "{key}");
        }
        assert_eq!(state.sessions.len(), 3);
        assert_eq!(state.session_order.len(), 3);
        let listed: Vec<&str> = state.sessions().map(|(key, _)| key).collect();
        assert_eq!(listed, ["ASIA2", "ASIA3", "ASIA4"]);
    }
}
