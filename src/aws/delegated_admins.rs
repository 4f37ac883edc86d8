//! Delegated administrators in AWS Organizations, and the per-run cache of their listing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_organizations::operation::deregister_delegated_administrator::DeregisterDelegatedAdministratorError;
use aws_sdk_organizations::operation::list_delegated_services_for_account::ListDelegatedServicesForAccountError;
use aws_sdk_organizations::operation::register_delegated_administrator::RegisterDelegatedAdministratorError;
use tokio::sync::OnceCell;

use super::attempts::Attempts;
use super::error::organizations_error;
use super::timestamp::to_rfc3339_or_empty as rfc3339;
use super::{Aws, AwsError, ErrorKind, Operation};

/// One account registered as delegated administrator for a service. A field AWS leaves out
/// is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DelegatedAdmin {
    /// 12-digit account id.
    pub account_id: String,
    /// The account's ARN.
    pub arn: String,
    /// The account's email address.
    pub email: String,
    /// The account's name.
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: String,
    /// `INVITED` or `CREATED`.
    pub joined_method: String,
    /// When the account joined the organization, RFC 3339.
    pub joined_timestamp: String,
    /// When it became delegated administrator, RFC 3339.
    pub delegation_enabled_date: String,
}

type Listing = Arc<Vec<DelegatedAdmin>>;

/// How long to wait before each new look at a registration AWS accepted but does not show yet:
/// Organizations is eventually consistent, and a read right after a write can miss it.
const VISIBILITY_RETRIES: [Duration; 4] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// Shares one paginated `ListDelegatedAdministrators` per service principal among all the
/// lookups made through one [`Aws`], and keeps it current through that `Aws`'s own writes.
///
/// Each principal has a cell that the first reader fills while later readers wait on it, so
/// N concurrent lookups cost ⌈N/20⌉ requests instead of N. A failed listing leaves the cell
/// empty, so the next reader tries again. A registration or deregistration edits a filled
/// listing instead of throwing it away, so N registrations never re-list; a write whose outcome
/// the cache was not told (it failed, or was dropped mid-way) forgets the listing instead.
#[derive(Debug, Default)]
pub struct DelegatedAdminCache {
    cells: Mutex<HashMap<String, Arc<OnceCell<Listing>>>>,
}

impl DelegatedAdminCache {
    fn cell(&self, principal: &str) -> Arc<OnceCell<Listing>> {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.entry(principal.to_owned()).or_default().clone()
    }

    /// Forgets the listing for `principal`, after a write changed it in a way the cache does
    /// not know.
    pub fn invalidate(&self, principal: &str) {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.remove(principal);
    }

    /// Applies a write whose effect is known to the listing of `principal`. A filled listing
    /// is replaced by its edited copy (readers holding the old one keep a listing from before
    /// the write, as if they had read first). A listing still being fetched may or may not
    /// have seen the write, so it is forgotten: later readers list again.
    fn edit(&self, principal: &str, change: impl FnOnce(&mut Vec<DelegatedAdmin>)) {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        let Some(cell) = cells.get(principal) else {
            return;
        };
        match cell.get() {
            Some(listing) => {
                let mut edited = listing.as_ref().clone();
                change(&mut edited);
                cells.insert(
                    principal.to_owned(),
                    Arc::new(OnceCell::new_with(Some(Arc::new(edited)))),
                );
            }
            None => {
                cells.remove(principal);
            }
        }
    }

    /// Records `admin`, just registered for `principal`, in a filled listing.
    fn registered(&self, principal: &str, admin: DelegatedAdmin) {
        self.edit(principal, |listing| {
            match listing
                .iter_mut()
                .find(|a| a.account_id == admin.account_id)
            {
                Some(entry) => *entry = admin,
                None => listing.push(admin),
            }
        });
    }

    /// Removes `account_id`, just deregistered for `principal`, from a filled listing.
    fn deregistered(&self, principal: &str, account_id: &str) {
        self.edit(principal, |listing| {
            listing.retain(|a| a.account_id != account_id);
        });
    }
}

/// Forgets the listing of a principal when dropped still armed: a write through the cache's
/// [`Aws`] is under way, and until its effect is recorded the listing may be stale. Dropped
/// armed when the write fails, or when its future is dropped (a stop, Ctrl-C).
#[derive(Debug)]
struct Unsettled<'a> {
    cache: &'a DelegatedAdminCache,
    principal: String,
    armed: bool,
}

impl<'a> Unsettled<'a> {
    fn new(cache: &'a DelegatedAdminCache, principal: &str) -> Self {
        Self {
            cache,
            principal: principal.to_owned(),
            armed: true,
        }
    }

    /// The write's effect is recorded: the listing stays.
    fn settle(&mut self) {
        self.armed = false;
    }
}

impl Drop for Unsettled<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.cache.invalidate(&self.principal);
        }
    }
}

/// A registration AWS accepted, whose details are not read yet.
///
/// `RegisterDelegatedAdministrator` answers nothing, so the details come from reading the one
/// account ([`NewRegistration::read`]). Until then a cached listing for the principal lacks
/// the registration; dropping this unread, or a read that fails, forgets that listing, so a
/// stale one is never served.
#[derive(Debug)]
#[must_use = "dropping a registration unread forgets the cached listing of its principal"]
pub struct NewRegistration<'a> {
    aws: &'a Aws,
    account_id: String,
    unsettled: Unsettled<'a>,
}

impl NewRegistration<'_> {
    /// The registration's details, read for its account alone: `ListDelegatedServicesForAccount`
    /// for when it was delegated, `DescribeAccount` for the account, side by side. A
    /// registration not visible yet is looked for again after 0.25, 0.5, 1 and 2 s; `None` when
    /// it still is not. Details read are recorded in the cached listing.
    pub async fn read(mut self) -> Result<Option<DelegatedAdmin>, AwsError> {
        let principal = self.unsettled.principal.clone();
        let (date, account) = tokio::try_join!(
            self.aws
                .delegation_date_when_visible(&self.account_id, &principal),
            self.aws.describe_account(&self.account_id),
        )?;
        let Some(delegation_enabled_date) = date else {
            return Ok(None);
        };
        let admin = DelegatedAdmin {
            delegation_enabled_date,
            ..account
        };
        self.aws.admins.registered(&principal, admin.clone());
        self.unsettled.settle();
        Ok(Some(admin))
    }
}

fn to_admin(a: &aws_sdk_organizations::types::DelegatedAdministrator) -> DelegatedAdmin {
    DelegatedAdmin {
        account_id: a.id().unwrap_or_default().to_owned(),
        arn: a.arn().unwrap_or_default().to_owned(),
        email: a.email().unwrap_or_default().to_owned(),
        name: a.name().unwrap_or_default().to_owned(),
        status: a
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        joined_method: a
            .joined_method()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        joined_timestamp: rfc3339(a.joined_timestamp()),
        delegation_enabled_date: rfc3339(a.delegation_enabled_date()),
    }
}

impl Aws {
    /// Every delegated administrator for `principal`, from the run's cache when possible.
    pub async fn delegated_admins(&self, principal: &str) -> Result<Listing, AwsError> {
        let cell = self.admins.cell(principal);
        let listing = cell
            .get_or_try_init(|| self.list_delegated_admins_uncached(principal))
            .await?;
        Ok(listing.clone())
    }

    /// The registration of `account` for `principal`, if there is one.
    pub async fn find_delegated_admin(
        &self,
        account: &str,
        principal: &str,
    ) -> Result<Option<DelegatedAdmin>, AwsError> {
        let listing = self.delegated_admins(principal).await?;
        Ok(listing.iter().find(|a| account == a.account_id).cloned())
    }

    async fn list_delegated_admins_uncached(&self, principal: &str) -> Result<Listing, AwsError> {
        let mut admins = Vec::new();
        self.each_delegated_admin_page(principal, |page| {
            admins.extend(page);
            std::future::ready(true)
        })
        .await?;
        tracing::debug!(
            principal,
            count = admins.len(),
            "listed delegated administrators"
        );
        Ok(Arc::new(admins))
    }

    /// Lists the delegated administrators for `principal` without the cache, handing each
    /// page to `each` as it arrives; stops fetching pages when `each` answers `false`.
    pub async fn each_delegated_admin_page<F, Fut>(
        &self,
        principal: &str,
        mut each: F,
    ) -> Result<(), AwsError>
    where
        F: FnMut(Vec<DelegatedAdmin>) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let op = Operation::ListDelegatedAdministrators;
        let mut pages = self
            .organizations
            .list_delegated_administrators()
            .service_principal(principal)
            .max_results(20)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| AwsError::from_sdk(op, e, None))?;
            if !each(
                page.delegated_administrators()
                    .iter()
                    .map(to_admin)
                    .collect(),
            )
            .await
            {
                break;
            }
        }
        Ok(())
    }

    /// Registers `account_id` as delegated administrator for `principal`.
    ///
    /// A registration is not idempotent: if an attempt made it but its answer was lost, the
    /// SDK's retry meets AccountAlreadyRegistered. That answer after an attempt with an unknown
    /// outcome is this call's own registration, so it counts as success; on the first attempt
    /// it is a registration that was there before, and stays an error.
    ///
    /// The answer is the registration, to read its details with; see [`NewRegistration`].
    pub async fn register_delegated_admin(
        &self,
        account_id: &str,
        principal: &str,
    ) -> Result<NewRegistration<'_>, AwsError> {
        let unsettled = Unsettled::new(&self.admins, principal);
        let attempts = Attempts::default();
        let result = self
            .organizations
            .register_delegated_administrator()
            .account_id(account_id)
            .service_principal(principal)
            .customize()
            .interceptor(attempts.interceptor())
            .send()
            .await;
        let result = result.map(|_| ()).map_err(|e| {
            organizations_error!(
                Operation::RegisterDelegatedAdministrator,
                e,
                RegisterDelegatedAdministratorError
            )
        });
        attempts.settle(result, &ErrorKind::AccountAlreadyRegistered)?;
        Ok(NewRegistration {
            aws: self,
            account_id: account_id.to_owned(),
            unsettled,
        })
    }

    /// When `account_id` became delegated administrator for `principal`, once
    /// `ListDelegatedServicesForAccount` shows it, looking again after each of
    /// [`VISIBILITY_RETRIES`]; `None` if it never does.
    async fn delegation_date_when_visible(
        &self,
        account_id: &str,
        principal: &str,
    ) -> Result<Option<String>, AwsError> {
        let mut waits = VISIBILITY_RETRIES.iter();
        loop {
            if let Some(date) = self.delegation_date(account_id, principal).await? {
                return Ok(Some(date));
            }
            let Some(wait) = waits.next() else {
                tracing::warn!(account_id, principal, "registration not visible yet");
                return Ok(None);
            };
            tracing::debug!(
                account_id,
                principal,
                ?wait,
                "registration not visible yet, looking again"
            );
            tokio::time::sleep(*wait).await;
        }
    }

    /// When `account_id` became delegated administrator for `principal`, if it is one.
    async fn delegation_date(
        &self,
        account_id: &str,
        principal: &str,
    ) -> Result<Option<String>, AwsError> {
        let mut pages = self
            .organizations
            .list_delegated_services_for_account()
            .account_id(account_id)
            .max_results(20)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    let err = organizations_error!(
                        Operation::ListDelegatedServicesForAccount,
                        e,
                        ListDelegatedServicesForAccountError
                    );
                    // The account administers no service (yet, for a registration not visible).
                    if err.kind == ErrorKind::AccountNotRegistered {
                        return Ok(None);
                    }
                    return Err(err);
                }
            };
            if let Some(service) = page
                .delegated_services()
                .iter()
                .find(|s| s.service_principal() == Some(principal))
            {
                return Ok(Some(rfc3339(service.delegation_enabled_date())));
            }
        }
        Ok(None)
    }

    /// The account `account_id` as `DescribeAccount` tells it, without a delegation date.
    async fn describe_account(&self, account_id: &str) -> Result<DelegatedAdmin, AwsError> {
        let output = self
            .organizations
            .describe_account()
            .account_id(account_id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::DescribeAccount, e, None))?;
        let account = output.account();
        let text = |f: fn(&aws_sdk_organizations::types::Account) -> Option<&str>| {
            account.and_then(f).unwrap_or_default().to_owned()
        };
        Ok(DelegatedAdmin {
            account_id: account_id.to_owned(),
            arn: text(|a| a.arn()),
            email: text(|a| a.email()),
            name: text(|a| a.name()),
            status: text(|a| a.status().map(|s| s.as_str())),
            joined_method: text(|a| a.joined_method().map(|m| m.as_str())),
            joined_timestamp: rfc3339(account.and_then(|a| a.joined_timestamp())),
            delegation_enabled_date: String::new(),
        })
    }

    /// Deregisters `account_id` for `principal`; an account that is no longer registered counts
    /// as done, because that is the state the caller wants. That also covers a retry after an
    /// attempt that deregistered but lost its answer.
    pub async fn deregister_delegated_admin(
        &self,
        account_id: &str,
        principal: &str,
    ) -> Result<(), AwsError> {
        let mut unsettled = Unsettled::new(&self.admins, principal);
        let result = self
            .organizations
            .deregister_delegated_administrator()
            .account_id(account_id)
            .service_principal(principal)
            .send()
            .await;
        let result = match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = organizations_error!(
                    Operation::DeregisterDelegatedAdministrator,
                    e,
                    DeregisterDelegatedAdministratorError
                );
                if err.kind == ErrorKind::AccountNotRegistered {
                    tracing::info!(account_id, principal, "already deregistered");
                    Ok(())
                } else {
                    Err(err)
                }
            }
        };
        if result.is_ok() {
            self.admins.deregistered(principal, account_id);
            unsettled.settle();
        }
        result
    }
}
