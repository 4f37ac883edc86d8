//! Data source `centralroot_member_root_credentials`: one member account's root credentials,
//! read through a root session with `IAMAuditRootUserCredentials`.

use std::iter;

use async_trait::async_trait;

use crate::aws::Aws;
use crate::aws::calls;
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::attributes::{self, object};
use crate::framework::data_source::{DataSource, ReadRequest, ReadResponse};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::StringMatches;
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::root_credentials::{report_attributes, with_report_attributes};
use crate::types_common::root_task::{ACCOUNT_ID, TARGETS};

/// The name configurations address this data source by.
pub const TYPE_NAME: &str = "centralroot_member_root_credentials";

/// What the data source may ask of AWS: its page's Permissions section, its share of the
/// provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[(Step::Read, &[calls::AUDIT_ACCOUNT])]);

const ID: &str = "id";

/// The data source.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberRootCredentialsDataSource;

fn schema() -> Schema {
    let block = Block::new()
        .description(
            "The root user credentials of one member account, read through a root session \
             (sts:AssumeRoot with the IAMAuditRootUserCredentials task policy). The provider must \
             run as the management account or as the delegated administrator for \
             iam.amazonaws.com, with the IAM organization feature RootCredentialsManagement \
             enabled (the feature AWS ties to the audit of root credentials by the best current \
             reading; with RootSessions enabled too, every reading is covered).",
        )
        .attribute(
            ID,
            Attribute::computed(Type::String).description("The account ID."),
        )
        .attribute(
            ACCOUNT_ID,
            Attribute::required(Type::String)
                .description("The 12-digit ID of a member account (not the management account).")
                .validator(StringMatches::account_id()),
        );
    Schema::new(0, with_report_attributes(block))
}

#[async_trait]
impl DataSource<Aws> for MemberRootCredentialsDataSource {
    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        let account_id = match attributes::string(&req.config, ACCOUNT_ID) {
            Ok(id) => id,
            Err(err) => {
                resp.diagnostics.push(
                    Diagnostic::error("Invalid configuration", err.to_string()).at(err.path()),
                );
                return;
            }
        };
        match ctx.provider_data().audit_account(&account_id).await {
            Ok(report) => {
                resp.state = object(
                    [
                        (ID, Value::from(account_id.as_str())),
                        (ACCOUNT_ID, Value::from(account_id.as_str())),
                    ]
                    .into_iter()
                    .chain(iter::IntoIterator::into_iter(report_attributes(&report))),
                );
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{RootAccessKey, RootCredentialReport};
    use crate::framework::values::ValueExt;

    #[test]
    fn values_have_the_schema_type() {
        let report = RootCredentialReport {
            password_created: Some("2023-11-14T22:13:20Z".into()),
            access_keys: vec![RootAccessKey {
                id: "AKIA1".into(),
                status: "Active".into(),
                created: "2023-11-14T22:13:20Z".into(),
                last_used: String::new(),
            }],
            signing_certificates: vec![],
            mfa_devices: vec!["mfa".into()],
        };
        let value = object(
            [(ID, Value::from("1")), (ACCOUNT_ID, Value::from("1"))]
                .into_iter()
                .chain(report_attributes(&report)),
        );
        let ty = schema().value_type();
        let encoded = crate::cty::msgpack::encode(&value, &ty);
        assert!(encoded.is_ok(), "{value:?} is not a {ty:?}: {encoded:?}");
        assert_eq!(value.attr("has_credentials").as_bool(), Some(true));
        assert_eq!(value.attr("password").as_bool(), Some(true));
    }
}
