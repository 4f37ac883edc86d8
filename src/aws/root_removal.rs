//! The removal of a member's root credentials, written once for every type that removes them:
//! one root session with `IAMDeleteRootUserCredentials`, its own audit, then each credential of
//! the selected kinds in turn, reported as a [`RemovalStep`] as soon as AWS confirmed it.
//!
//! The removal is a stream, so that the caller records each step before the next one starts (a
//! resource in its state, an action in a progress event) and whatever the caller awaits meanwhile
//! holds the removal back, not the other way round. Dropping the stream abandons the removal
//! between two calls, or during the one in flight.

use std::collections::BTreeSet;

use futures::{Stream, stream};

use super::evidence::SessionEvidence;
use super::root_credentials::RootSession;
use super::{Aws, AwsError, CredentialKind, RootCredential, TaskPolicy};

/// One step of a removal, as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalStep {
    /// The session is open and has audited the account. Always the first step, and the last
    /// one when there is nothing to remove.
    Found {
        /// The session, for the record.
        session: SessionEvidence,
        /// The credentials of the selected kinds, in the order they are removed (password,
        /// access keys, signing certificates, MFA devices).
        found: Vec<RootCredential>,
        /// Those of them the caller did not plan to remove: they stay.
        unplanned: Vec<RootCredential>,
    },
    /// AWS confirmed the removal of one credential (an MFA device is deactivated), or answered
    /// that it was already gone.
    Removed {
        /// The credential removed.
        credential: RootCredential,
        /// What is still there of the selected kinds: what is still to remove, and what was
        /// not planned.
        left: Vec<RootCredential>,
    },
}

impl RemovalStep {
    /// The credentials of the selected kinds still there after this step.
    pub fn left(&self) -> &[RootCredential] {
        match self {
            RemovalStep::Found { found: left, .. } | RemovalStep::Removed { left, .. } => left,
        }
    }
}

/// Where a removal stands between two steps.
enum Progress<'a> {
    /// Nothing asked of AWS yet.
    NotStarted,
    /// The session is open; `queue` is still to remove, in order, and `left` is still there.
    Removing {
        session: RootSession<'a>,
        queue: Vec<RootCredential>,
        left: Vec<RootCredential>,
    },
}

impl Aws {
    /// Removes the root credentials of `kinds` from `account_id` through one root session,
    /// yielding [`RemovalStep::Found`] after the session's audit and one
    /// [`RemovalStep::Removed`] per credential. With `planned`, only the credentials found that
    /// it names are removed (those that appeared since it was drawn up stay, reported in
    /// `unplanned`); without, every credential found is. The stream ends after the last
    /// removal, or with the first failure (opening the session, the audit, or a removal: what
    /// was removed before it was yielded). The management account is refused before STS is
    /// asked.
    pub fn remove_root_credentials<'a>(
        &'a self,
        account_id: &'a str,
        kinds: &'a BTreeSet<CredentialKind>,
        planned: Option<&'a [RootCredential]>,
    ) -> impl Stream<Item = Result<RemovalStep, AwsError>> + Send + 'a {
        stream::try_unfold(Progress::NotStarted, move |progress| async move {
            match progress {
                Progress::NotStarted => {
                    let session = self
                        .root_session(account_id, TaskPolicy::DeleteRootUserCredentials)
                        .await?;
                    let found = session.audit().await?.of_kinds(kinds);
                    let (queue, unplanned): (Vec<_>, Vec<_>) = found
                        .iter()
                        .cloned()
                        .partition(|c| planned.is_none_or(|planned| planned.contains(c)));
                    if !unplanned.is_empty() {
                        tracing::info!(account_id, ?unplanned, "left in place: not planned");
                    }
                    let step = RemovalStep::Found {
                        session: session.evidence(),
                        found: found.clone(),
                        unplanned,
                    };
                    let next = Progress::Removing {
                        session,
                        queue,
                        left: found,
                    };
                    Ok(Some((step, next)))
                }
                Progress::Removing { queue, .. } if queue.is_empty() => Ok(None),
                Progress::Removing {
                    session,
                    mut queue,
                    mut left,
                } => {
                    let credential = queue.remove(0);
                    session.remove(&credential).await?;
                    left.retain(|c| c != &credential);
                    tracing::info!(
                        account_id,
                        access_key_id = session.access_key_id(),
                        ?credential,
                        left = left.len(),
                        "removed a root credential"
                    );
                    let step = RemovalStep::Removed {
                        credential,
                        left: left.clone(),
                    };
                    Ok(Some((
                        step,
                        Progress::Removing {
                            session,
                            queue,
                            left,
                        },
                    )))
                }
            }
        })
    }
}
