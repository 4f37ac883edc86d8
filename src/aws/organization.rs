//! The organization the provider's credentials belong to, described once per provider process.

use tokio::sync::OnceCell;

use super::{Aws, AwsError, ErrorKind, Operation};

/// What `DescribeOrganization` says about the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// `o-…`
    pub id: String,
    /// The organization's ARN.
    pub arn: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// The management account's 12-digit id.
    pub management_account_id: String,
    /// The management account's email address.
    pub management_account_email: String,
}

/// Where an account stands in the caller's organization, as `DescribeAccount` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    /// In the organization, in this state: `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, or
    /// `CLOSED` during the 90 days a closed account can still be reopened.
    Member(String),
    /// Not in the organization (`AccountNotFound`): it left, or it was closed for good.
    Gone,
}

/// Holds the organization once described. The management account of an organization never
/// changes, so one `DescribeOrganization` per provider process is enough; a failed call is not
/// remembered, so the next caller asks again.
#[derive(Debug, Default)]
pub struct OrganizationCache {
    cell: OnceCell<Organization>,
}

impl Aws {
    /// The caller's organization, described on first use and remembered afterwards.
    pub async fn organization(&self) -> Result<Organization, AwsError> {
        let organization = self
            .organization
            .cell
            .get_or_try_init(|| self.describe_organization_uncached())
            .await?;
        Ok(organization.clone())
    }

    /// The organization when `account_id` is its management account, for the checks that
    /// refuse it before AWS would: `None` when it is a member, and also when the organization
    /// cannot be described, so that AWS decides on the call itself.
    pub async fn organization_managed_from(&self, account_id: &str) -> Option<Organization> {
        match self.organization().await {
            Ok(org) => (org.management_account_id == account_id).then_some(org),
            Err(err) => {
                tracing::debug!(%err, "skipping the management account check");
                None
            }
        }
    }

    /// Where `account_id` stands in the organization (`DescribeAccount`).
    pub async fn membership(&self, account_id: &str) -> Result<Membership, AwsError> {
        let answer = self
            .organizations
            .describe_account()
            .account_id(account_id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::DescribeAccount, e, None));
        match answer {
            Ok(output) => {
                let account = output.account();
                // `State` replaces `Status`, which AWS is retiring; either may be absent.
                let state = account
                    .and_then(|a| a.state().map(|s| s.as_str().to_owned()))
                    .or_else(|| account.and_then(|a| a.status().map(|s| s.as_str().to_owned())))
                    .unwrap_or_default();
                Ok(Membership::Member(state))
            }
            Err(err) if err.kind == ErrorKind::AccountNotFound => Ok(Membership::Gone),
            Err(err) => Err(err),
        }
    }

    async fn describe_organization_uncached(&self) -> Result<Organization, AwsError> {
        let output = self
            .organizations
            .describe_organization()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::DescribeOrganization, e, None))?;
        let org = output.organization();
        let text = |f: fn(&aws_sdk_organizations::types::Organization) -> Option<&str>| {
            org.and_then(f).unwrap_or_default().to_owned()
        };
        let organization = Organization {
            id: text(|o| o.id()),
            arn: text(|o| o.arn()),
            feature_set: org
                .and_then(|o| o.feature_set())
                .map(|f| f.as_str().to_owned())
                .unwrap_or_default(),
            management_account_id: text(|o| o.master_account_id()),
            management_account_email: text(|o| o.master_account_email()),
        };
        tracing::debug!(
            organization_id = %organization.id,
            management_account = %organization.management_account_id,
            "described the organization"
        );
        Ok(organization)
    }
}
