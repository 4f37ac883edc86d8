//! Data source `centralroot_caller_identity`: the account and principal the provider's
//! credentials belong to (`sts:GetCallerIdentity`, which needs no permission). It shows which
//! account a configuration runs as (the management account or the IAM delegated
//! administrator), and, read through a provider block configured from a
//! `centralroot_root_session`, that the session acts as the member account's root user.

use async_trait::async_trait;

use crate::aws::calls;
use crate::aws::{Aws, CallerIdentity};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::attributes::object;
use crate::framework::data_source::{DataSource, ReadRequest, ReadResponse};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::types_common::Targets;
use crate::types_common::permissions::{Permissions, Step};

/// The name configurations address this data source by.
pub const TYPE_NAME: &str = "centralroot_caller_identity";

/// What the data source may ask of AWS: its page's Permissions section, its share of the
/// provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[(Step::Read, &[calls::CALLER_IDENTITY])]);

const ID: &str = "id";
const ACCOUNT_ID: &str = "account_id";
const ARN: &str = "arn";
const USER_ID: &str = "user_id";

/// The data source: no arguments, four computed attributes.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallerIdentityDataSource;

fn to_value(identity: &CallerIdentity) -> Value {
    object([
        (ID, Value::from(identity.account_id.as_str())),
        (ACCOUNT_ID, Value::from(identity.account_id.as_str())),
        (ARN, Value::from(identity.arn.as_str())),
        (USER_ID, Value::from(identity.user_id.as_str())),
    ])
}

fn computed(description: &str) -> Attribute {
    Attribute::computed(Type::String).description(description)
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "The account and principal the provider's credentials belong to. Shows whether \
                 the provider runs as the management account or as the IAM delegated \
                 administrator; read through a provider block configured from \
                 centralroot_root_session, it shows the member account's root user.",
            )
            .attribute(ID, computed("The account ID, as for account_id."))
            .attribute(
                ACCOUNT_ID,
                computed("The 12-digit ID of the account the credentials belong to."),
            )
            .attribute(
                ARN,
                computed(
                    "The principal's ARN: an IAM user, an assumed role's session, or \
                     arn:aws:iam::<account>:root for a root session.",
                ),
            )
            .attribute(
                USER_ID,
                computed("The principal's unique ID (for a root session, the account ID)."),
            ),
    )
}

#[async_trait]
impl DataSource<Aws> for CallerIdentityDataSource {
    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context<Aws>, _req: ReadRequest, resp: &mut ReadResponse) {
        match ctx.provider_data().caller_identity().await {
            Ok(identity) => resp.state = to_value(&identity),
            // The data source has no argument a failure could be about.
            Err(err) => Targets::NONE.report(&mut resp.diagnostics, &err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::values::ValueExt;

    #[test]
    fn the_value_has_the_schema_type_and_the_identity() {
        let identity = CallerIdentity {
            account_id: "222222222222".into(),
            arn: "arn:aws:iam::222222222222:root".into(),
            user_id: "222222222222".into(),
        };
        let value = to_value(&identity);
        let ty = schema().value_type();
        let encoded = crate::cty::msgpack::encode(&value, &ty);
        assert!(encoded.is_ok(), "{value:?} is not a {ty:?}: {encoded:?}");
        assert_eq!(value.attr(ID).as_str(), Some("222222222222"));
        assert_eq!(
            value.attr(ARN).as_str(),
            Some("arn:aws:iam::222222222222:root")
        );
    }
}
