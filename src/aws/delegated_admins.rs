//! Delegated administrators in AWS Organizations, and the per-run cache of their listing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_organizations::operation::deregister_delegated_administrator::DeregisterDelegatedAdministratorError;
use aws_sdk_organizations::operation::register_delegated_administrator::RegisterDelegatedAdministratorError;
use aws_smithy_types::date_time::Format;
use tokio::sync::OnceCell;

use super::attempts::Attempts;
use super::error::organizations_error;
use super::{Aws, AwsError, ErrorKind};

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

/// Shares one paginated `ListDelegatedAdministrators` per service principal among all the
/// lookups made through one [`Aws`], until a write through it changes the listing.
///
/// Each principal has a cell that the first reader fills while later readers wait on it, so
/// N concurrent lookups cost ⌈N/20⌉ requests instead of N. A failed listing
/// leaves the cell empty, so the next reader tries again.
#[derive(Debug, Default)]
pub struct DelegatedAdminCache {
    cells: Mutex<HashMap<String, Arc<OnceCell<Listing>>>>,
}

impl DelegatedAdminCache {
    fn cell(&self, principal: &str) -> Arc<OnceCell<Listing>> {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.entry(principal.to_owned()).or_default().clone()
    }

    /// Forgets the listing for `principal`, after a write changed it.
    pub fn invalidate(&self, principal: &str) {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.remove(principal);
    }
}

fn rfc3339(t: Option<&aws_smithy_types::DateTime>) -> String {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
        .unwrap_or_default()
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
        let op = "ListDelegatedAdministrators";
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
    pub async fn register_delegated_admin(
        &self,
        account_id: &str,
        principal: &str,
    ) -> Result<(), AwsError> {
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
        self.admins.invalidate(principal);
        let result = result.map(|_| ()).map_err(|e| {
            organizations_error!(
                "RegisterDelegatedAdministrator",
                e,
                RegisterDelegatedAdministratorError
            )
        });
        attempts.settle(result, &ErrorKind::AccountAlreadyRegistered)
    }

    /// Deregisters `account_id` for `principal`; an account that is no longer registered counts
    /// as done, because that is the state the caller wants. That also covers a retry after an
    /// attempt that deregistered but lost its answer.
    pub async fn deregister_delegated_admin(
        &self,
        account_id: &str,
        principal: &str,
    ) -> Result<(), AwsError> {
        let result = self
            .organizations
            .deregister_delegated_administrator()
            .account_id(account_id)
            .service_principal(principal)
            .send()
            .await;
        self.admins.invalidate(principal);
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = organizations_error!(
                    "DeregisterDelegatedAdministrator",
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
        }
    }
}
