//! One audit of a member's root credentials per run, shared by everything that reads them.
//!
//! A plan that refreshes root-credential removals and reads the organization data source would
//! otherwise open two audit sessions on the same account and read the same answers twice. The
//! cache lives as long as the configured provider (one Terraform command), and a removal through
//! the provider forgets the account, so what it reads afterwards is what AWS holds then.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::OnceCell;

use super::{AwsError, RootCredentialReport};

type Cell = Arc<OnceCell<RootCredentialReport>>;

/// The audits made through one [`super::Aws`], by account id. Only successes are kept: a
/// failure is tried again by the next reader.
#[derive(Debug, Default)]
pub struct AuditCache {
    cells: Mutex<HashMap<String, Cell>>,
}

impl AuditCache {
    fn cells(&self) -> MutexGuard<'_, HashMap<String, Cell>> {
        self.cells.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The report for `account_id`: the one already read in this run, or the one `audit` reads.
    /// Concurrent readers of one account wait for a single audit.
    pub async fn get_or_audit<F, Fut>(
        &self,
        account_id: &str,
        audit: F,
    ) -> Result<RootCredentialReport, AwsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<RootCredentialReport, AwsError>>,
    {
        let cell = self
            .cells()
            .entry(account_id.to_owned())
            .or_default()
            .clone();
        cell.get_or_try_init(audit).await.cloned()
    }

    /// Forgets `account_id`'s report, because its credentials are being changed. An audit still
    /// in flight finishes for the readers already waiting on it; later readers audit again.
    pub fn forget(&self, account_id: &str) {
        self.cells().remove(account_id);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::aws::{ErrorKind, Operation, TaskPolicy};

    fn report(mfa: &str) -> RootCredentialReport {
        RootCredentialReport {
            mfa_devices: vec![mfa.to_owned()],
            ..RootCredentialReport::default()
        }
    }

    #[tokio::test]
    async fn one_audit_per_account_until_forgotten() {
        let cache = AuditCache::default();
        let audits = AtomicUsize::new(0);
        let audit = |mfa: &'static str| {
            let audits = &audits;
            move || async move {
                audits.fetch_add(1, Ordering::SeqCst);
                Ok(report(mfa))
            }
        };
        let (a, b) = tokio::join!(
            cache.get_or_audit("222222222222", audit("first")),
            cache.get_or_audit("222222222222", audit("second")),
        );
        assert_eq!(a.unwrap(), report("first"));
        assert_eq!(b.unwrap(), report("first"));
        assert_eq!(audits.load(Ordering::SeqCst), 1);
        cache
            .get_or_audit("333333333333", audit("other"))
            .await
            .unwrap();
        assert_eq!(audits.load(Ordering::SeqCst), 2);
        cache.forget("222222222222");
        let again = cache.get_or_audit("222222222222", audit("third")).await;
        assert_eq!(again.unwrap(), report("third"));
        assert_eq!(audits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_failure_is_not_kept() {
        let cache = AuditCache::default();
        let failed = cache
            .get_or_audit("222222222222", || async {
                Err(AwsError::of(
                    Operation::AssumeRoot(TaskPolicy::AuditRootUserCredentials),
                    ErrorKind::Throttled,
                ))
            })
            .await;
        assert!(failed.is_err());
        let next = cache
            .get_or_audit("222222222222", || async { Ok(report("x")) })
            .await;
        assert_eq!(next.unwrap(), report("x"));
    }
}
