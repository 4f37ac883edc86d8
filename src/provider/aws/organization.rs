//! The organization itself (`DescribeOrganization`): its id, management account and feature set.

use super::{Aws, AwsError};

/// What `DescribeOrganization` tells about the caller's organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationInfo {
    /// `o-…`
    pub id: String,
    /// The organization's ARN.
    pub arn: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// The 12-digit id of the management account.
    pub management_account_id: String,
}

impl Aws {
    /// The caller's organization. Any account of the organization may ask, so this works where
    /// the IAM feature calls are refused (member accounts, trusted access off).
    pub async fn describe_organization(&self) -> Result<OrganizationInfo, AwsError> {
        let out = self
            .organizations
            .describe_organization()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DescribeOrganization", e, None))?;
        let org = out.organization();
        Ok(OrganizationInfo {
            id: org.and_then(|o| o.id()).unwrap_or_default().to_owned(),
            arn: org.and_then(|o| o.arn()).unwrap_or_default().to_owned(),
            feature_set: org
                .and_then(|o| o.feature_set())
                .map(|f| f.as_str().to_owned())
                .unwrap_or_default(),
            management_account_id: org
                .and_then(|o| o.master_account_id())
                .unwrap_or_default()
                .to_owned(),
        })
    }
}
