//! Who the credentials belong to (`sts:GetCallerIdentity`), which needs no permission: AWS
//! answers it for any valid credentials, root sessions included.

use super::{Aws, AwsError, Operation};

/// The principal behind the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The 12-digit account the principal belongs to.
    pub account_id: String,
    /// The principal's ARN: a user, an assumed role's session, or `arn:aws:iam::<account>:root`.
    pub arn: String,
    /// The principal's unique id (for a root session, the account id).
    pub user_id: String,
}

impl Aws {
    /// The principal the configured credentials belong to.
    pub async fn caller_identity(&self) -> Result<CallerIdentity, AwsError> {
        let output = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::GetCallerIdentity, e, None))?;
        let text = |field: Option<&str>| field.unwrap_or_default().to_owned();
        Ok(CallerIdentity {
            account_id: text(output.account()),
            arn: text(output.arn()),
            user_id: text(output.user_id()),
        })
    }
}
