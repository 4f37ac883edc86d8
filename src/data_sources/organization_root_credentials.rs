//! Data source `centralroot_organization_root_credentials`: the root credentials of every active
//! member account, audited with bounded concurrency. An account that cannot be audited (an SCP
//! denying root tasks, a suspended account) is reported with its `error` rather than failing
//! the read, so a `check` block can assert on `accounts_not_audited` as well.

use async_trait::async_trait;

use crate::aws::{AccountAudit, Aws, DEFAULT_CONCURRENCY, MAX_CONCURRENCY};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::attributes::object;
use crate::framework::data_source::{DataSource, ReadRequest, ReadResponse};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::IntBetween;
use crate::framework::values::string_set;
use crate::types_common::advice::detail;
use crate::types_common::audit_scope;
use crate::types_common::audit_scope::{
    ACCOUNT_IDS, MAX_CONCURRENCY as MAX_CONCURRENCY_ATTR, ORGANIZATIONAL_UNIT_IDS, audit_members,
};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::root_credentials::{
    null_attributes, report_attributes, report_object_type,
};

/// The name configurations address this data source by.
pub const TYPE_NAME: &str = "centralroot_organization_root_credentials";

/// What the data source may ask of AWS: its page's Permissions section, its share of the
/// provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[(Step::Read, audit_scope::CALLS)]);

const ID: &str = "id";
const ACCOUNTS: &str = "accounts";
const ACCOUNTS_WITH_CREDENTIALS: &str = "accounts_with_credentials";
const ACCOUNTS_NOT_AUDITED: &str = "accounts_not_audited";
const ACCOUNT_ID: &str = "account_id";
const NAME: &str = "name";
const ERROR: &str = "error";

/// The data source.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrganizationRootCredentialsDataSource;

fn account_type() -> Type {
    report_object_type(&[
        (ACCOUNT_ID, Type::String),
        (NAME, Type::String),
        (ERROR, Type::String),
    ])
}

fn account_value(audit: &AccountAudit) -> Value {
    let ids = [
        (ACCOUNT_ID, Value::from(audit.account_id.as_str())),
        (NAME, Value::from(audit.name.as_str())),
    ];
    match &audit.result {
        Ok(report) => object(
            ids.into_iter()
                .chain(report_attributes(report))
                .chain([(ERROR, Value::Null)]),
        ),
        Err(err) => object(
            ids.into_iter()
                .chain(null_attributes())
                .chain([(ERROR, Value::from(detail(err).as_str()))]),
        ),
    }
}

/// The computed attributes from the audits (sorted by account id).
fn computed_attributes(audits: &[AccountAudit]) -> [(&'static str, Value); 4] {
    let with = audits
        .iter()
        .filter(|a| a.result.as_ref().is_ok_and(|r| r.has_credentials()))
        .map(|a| a.account_id.as_str());
    let not_audited = audits
        .iter()
        .filter(|a| a.result.is_err())
        .map(|a| a.account_id.as_str());
    [
        (ID, Value::from("organization")),
        (
            ACCOUNTS,
            Value::List(audits.iter().map(account_value).collect()),
        ),
        (ACCOUNTS_WITH_CREDENTIALS, string_set(with)),
        (ACCOUNTS_NOT_AUDITED, string_set(not_audited)),
    ]
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "The root user credentials of every active member account of the organization \
                 (ListAccounts; the management account is left out: it has no root session), \
                 each read through its own root session with IAMAuditRootUserCredentials. An \
                 account that cannot be audited is reported with `error` instead of failing the \
                 read.",
            )
            .attribute(
                ID,
                Attribute::computed(Type::String).description("Always `organization`."),
            )
            .attribute(
                ACCOUNT_IDS,
                Attribute::optional(Type::set(Type::String)).description(
                    "Audit only these member accounts (those not active members are left out). \
                     All active members when null.",
                ),
            )
            .attribute(
                ORGANIZATIONAL_UNIT_IDS,
                Attribute::optional(Type::set(Type::String)).description(
                    "Audit only the accounts in these organizational units, child units \
                     included (recursively). With `account_ids` too, only accounts in both. All \
                     units when null.",
                ),
            )
            .attribute(
                MAX_CONCURRENCY_ATTR,
                Attribute::optional(Type::Number)
                    .description(format!(
                        "How many accounts are audited at once, from 1 to {MAX_CONCURRENCY}; \
                         default {DEFAULT_CONCURRENCY}. When AWS throttles, the provider \
                         lowers how many root sessions work at once (halving, then growing back \
                         by one as calls succeed), opens root sessions at the rate AWS let \
                         through, and the throttled call retries (the provider's \
                         `max_retries`). An account without root credentials costs two calls \
                         (`AssumeRoot` and `GetAccountSummary`); one with credentials, one list \
                         per kind it holds and one call per root access key besides."
                    ))
                    .validator(IntBetween::new(1, MAX_CONCURRENCY as i64)),
            )
            .attribute(
                ACCOUNTS,
                Attribute::computed(Type::list(account_type())).description(
                    "One element per audited account, sorted by account ID: `account_id`, \
                     `name`, `error` (null when audited; why not otherwise, with the other \
                     attributes null), and the attributes of \
                     centralroot_member_root_credentials (`password`, `password_created`, \
                     `access_keys`, `signing_certificates`, `mfa_devices`, `has_credentials`).",
                ),
            )
            .attribute(
                ACCOUNTS_WITH_CREDENTIALS,
                Attribute::computed(Type::set(Type::String))
                    .description("IDs of the audited accounts whose root user has any credential."),
            )
            .attribute(
                ACCOUNTS_NOT_AUDITED,
                Attribute::computed(Type::set(Type::String)).description(
                    "IDs of the accounts that could not be audited (see their `error`).",
                ),
            ),
    )
}

#[async_trait]
impl DataSource<Aws> for OrganizationRootCredentialsDataSource {
    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        match audit_members(ctx.provider_data(), &req.config).await {
            Ok(audits) => {
                let mut state = req.config.clone();
                if let Value::Object(attrs) = &mut state {
                    for (name, value) in computed_attributes(&audits) {
                        attrs.insert(name.to_owned(), value);
                    }
                }
                resp.state = state;
            }
            Err(diagnostic) => resp.diagnostics.push(diagnostic),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{AwsError, ErrorKind, Operation, RootCredentialReport, TaskPolicy};
    use crate::framework::values::ValueExt;

    #[test]
    fn values_have_the_schema_type_and_the_summaries() {
        let audits = vec![
            AccountAudit {
                account_id: "222222222222".into(),
                name: "a".into(),
                result: Ok(RootCredentialReport {
                    mfa_devices: vec!["m".into()],
                    ..RootCredentialReport::default()
                }),
            },
            AccountAudit {
                account_id: "333333333333".into(),
                name: "b".into(),
                result: Err(AwsError::of(
                    Operation::AssumeRoot(TaskPolicy::AuditRootUserCredentials),
                    ErrorKind::DeniedByServiceControlPolicy,
                )),
            },
            AccountAudit {
                account_id: "444444444444".into(),
                name: "c".into(),
                result: Ok(RootCredentialReport::default()),
            },
        ];
        let value = object(
            [
                (ACCOUNT_IDS, Value::Null),
                (ORGANIZATIONAL_UNIT_IDS, Value::Null),
                (MAX_CONCURRENCY_ATTR, Value::Null),
            ]
            .into_iter()
            .chain(computed_attributes(&audits)),
        );
        let ty = schema().value_type();
        let encoded = crate::cty::msgpack::encode(&value, &ty);
        assert!(encoded.is_ok(), "{value:?} is not a {ty:?}: {encoded:?}");
        assert_eq!(
            value.attr(ACCOUNTS_WITH_CREDENTIALS),
            &string_set(["222222222222"])
        );
        assert_eq!(
            value.attr(ACCOUNTS_NOT_AUDITED),
            &string_set(["333333333333"])
        );
    }
}
