//! The root credentials of every active member account: `ListAccounts` pages streamed into a
//! bounded pool of audits, so memory holds one page and the audits in flight, whatever the size
//! of the organization. Two limits apply: the pool's size (`max_concurrency`), and the
//! provider's adaptive limit on root sessions at work, which halves when AWS throttles and grows
//! back as calls succeed. A throttled call also backs off and retries with the provider's retry
//! settings (exponential back-off with jitter).

use std::collections::BTreeSet;

use futures::StreamExt;
use futures::stream;

use super::root_credentials::concerns_one_account;
use super::{Aws, AwsError, Operation, RootCredentialReport};

/// Audits run at once unless configured otherwise. With three round trips per account (one
/// `AssumeRoot`, then the four lists at once, then the last use of every key at once), 20 audit a
/// thousand members within 20 s even when every call takes 50 ms.
pub const DEFAULT_CONCURRENCY: usize = 20;
/// The most audits that may run at once.
pub const MAX_CONCURRENCY: usize = 50;

/// The audit of one member account: its report, or why it could not be audited.
#[derive(Debug, Clone)]
pub struct AccountAudit {
    /// The member account.
    pub account_id: String,
    /// Its name in Organizations.
    pub name: String,
    /// The root credentials, or the failure to read them (an SCP, a suspended account, …).
    pub result: Result<RootCredentialReport, AwsError>,
}

impl Aws {
    /// Audits the root user of every active member account (the management account has no
    /// root session and is left out), or of those in `only`. A failure that concerns one account
    /// is reported in its [`AccountAudit`]; one that concerns the caller fails the whole audit.
    /// Results are sorted by account id.
    pub async fn audit_organization(
        &self,
        only: Option<&BTreeSet<String>>,
        concurrency: usize,
    ) -> Result<Vec<AccountAudit>, AwsError> {
        let organization = self.organization().await?;
        let management = organization.management_account_id;
        let pages = self
            .organizations
            .list_accounts()
            .max_results(20)
            .into_paginator()
            .send();
        let accounts = stream::unfold(pages, |mut pages| async move {
            pages.next().await.map(|page| (page, pages))
        })
        .flat_map(|page| {
            let items: Vec<Result<_, AwsError>> = match page {
                Ok(page) => page
                    .accounts
                    .unwrap_or_default()
                    .into_iter()
                    .map(Ok)
                    .collect(),
                Err(e) => vec![Err(AwsError::from_sdk(Operation::ListAccounts, e, None))],
            };
            stream::iter(items)
        });
        let mut listing_error = None;
        let audits = accounts
            .filter_map(|item| {
                let wanted = match item {
                    Ok(account) => {
                        let id = account.id().unwrap_or_default().to_owned();
                        let active = account.state().map_or_else(
                            || account.status().is_none_or(|s| s.as_str() == "ACTIVE"),
                            |s| s.as_str() == "ACTIVE",
                        );
                        let chosen = only.is_none_or(|set| set.contains(&id));
                        (active && chosen && id != management).then(|| {
                            Ok::<_, AwsError>((id, account.name().unwrap_or_default().to_owned()))
                        })
                    }
                    Err(err) => Some(Err(err)),
                };
                std::future::ready(wanted)
            })
            .map(|item| async move {
                let (account_id, name): (String, String) = item?;
                let result = self.audit_account(&account_id).await;
                Ok::<_, AwsError>(AccountAudit {
                    account_id,
                    name,
                    result,
                })
            })
            .buffer_unordered(concurrency.clamp(1, MAX_CONCURRENCY));
        let mut audits = std::pin::pin!(audits);
        let mut done = Vec::new();
        while let Some(audit) = audits.next().await {
            match audit {
                Ok(AccountAudit {
                    result: Err(err), ..
                }) if !concerns_one_account(&err) => return Err(err),
                Ok(audit) => done.push(audit),
                Err(err) => {
                    listing_error.get_or_insert(err);
                }
            }
        }
        if let Some(err) = listing_error {
            return Err(err);
        }
        done.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        tracing::debug!(
            accounts = done.len(),
            root_sessions_allowed = self.root_sessions_allowed(),
            "audited the organization"
        );
        Ok(done)
    }

    /// The accounts in the organizational units `units` and in all their descendant units.
    pub async fn accounts_in_units(&self, units: &[String]) -> Result<BTreeSet<String>, AwsError> {
        let mut pending: Vec<String> = units.to_vec();
        let mut seen = BTreeSet::new();
        let mut accounts = BTreeSet::new();
        while let Some(unit) = pending.pop() {
            if !seen.insert(unit.clone()) {
                continue;
            }
            let mut pages = self
                .organizations
                .list_accounts_for_parent()
                .parent_id(&unit)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page
                    .map_err(|e| AwsError::from_sdk(Operation::ListAccountsForParent, e, None))?;
                accounts.extend(
                    page.accounts()
                        .iter()
                        .filter_map(|a| a.id().map(str::to_owned)),
                );
            }
            let mut pages = self
                .organizations
                .list_organizational_units_for_parent()
                .parent_id(&unit)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    AwsError::from_sdk(Operation::ListOrganizationalUnitsForParent, e, None)
                })?;
                pending.extend(
                    page.organizational_units()
                        .iter()
                        .filter_map(|u| u.id().map(str::to_owned)),
                );
            }
        }
        Ok(accounts)
    }
}
