//! Data source `centralroot_organization_features`: the organization's centralized root access
//! posture (features, IAM trusted access, IAM delegated administrators) for `check` blocks and
//! outputs.
//!
//! A non-compliant organization is data, not an error: with trusted access off (or consolidated
//! billing only) the features read as empty and the flags as false, so a `check` block reports
//! the non-compliance instead of the run failing.

use std::collections::BTreeSet;
use std::iter;

use async_trait::async_trait;

use crate::aws::calls;
use crate::aws::{
    Aws, AwsError, DelegatedAdmin, ErrorKind, Feature, IAM_SERVICE_PRINCIPAL, Organization,
};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::attributes::object;
use crate::framework::data_source::{DataSource, ReadRequest, ReadResponse};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::values::string_set;
use crate::types_common::Targets;
use crate::types_common::delegated_admin::{
    self as admin, ACCOUNT_ID, ARN, DELEGATION_ENABLED_DATE, EMAIL, JOINED_METHOD,
    JOINED_TIMESTAMP, NAME, STATUS,
};
use crate::types_common::permissions::{Permissions, Step};

/// The name configurations address this data source by; the resource of the same name
/// manages what it reads.
pub const TYPE_NAME: &str = "centralroot_organization_features";

/// What the data source may ask of AWS: its page's Permissions section, its share of the
/// provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[(
    Step::Read,
    &[
        calls::ORGANIZATION,
        calls::LIST_FEATURES,
        calls::TRUSTED_ACCESS,
        calls::DELEGATED_ADMINS,
    ],
)]);

const ID: &str = "id";
const ORGANIZATION_ID: &str = "organization_id";
const MANAGEMENT_ACCOUNT_ID: &str = "management_account_id";
const FEATURE_SET: &str = "feature_set";
const ENABLED_FEATURES: &str = "enabled_features";
const ROOT_CREDENTIALS_MANAGEMENT_ENABLED: &str = "root_credentials_management_enabled";
const ROOT_SESSIONS_ENABLED: &str = "root_sessions_enabled";
const IAM_TRUSTED_ACCESS_ENABLED: &str = "iam_trusted_access_enabled";
const DELEGATED_ADMINISTRATORS: &str = "delegated_administrators";

/// The attributes of one `delegated_administrators` element, with their descriptions.
const ADMIN_ATTRIBUTES: [(&str, &str); 8] = [
    (ACCOUNT_ID, "12-digit account ID"),
    (ARN, "account ARN"),
    (NAME, "account name"),
    (EMAIL, "account email address"),
    (
        STATUS,
        "account status (ACTIVE, SUSPENDED, PENDING_CLOSURE)",
    ),
    (JOINED_METHOD, "how the account joined (INVITED or CREATED)"),
    (
        JOINED_TIMESTAMP,
        "when the account joined the organization (RFC 3339)",
    ),
    (
        DELEGATION_ENABLED_DATE,
        "when it became delegated administrator (RFC 3339)",
    ),
];

/// The data source: read-only, so it has a model to write and none to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrganizationFeaturesDataSource;

/// Everything the data source reports, gathered from AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posture {
    /// The organization, with its management account and feature set.
    pub organization: Organization,
    /// The enabled features (empty when IAM refuses to list them, see the module docs).
    pub enabled: BTreeSet<Feature>,
    /// Whether trusted access for `iam.amazonaws.com` is on.
    pub iam_trusted_access: bool,
    /// The delegated administrators for `iam.amazonaws.com`.
    pub admins: Vec<DelegatedAdmin>,
}

fn admin_type() -> Type {
    Type::object(ADMIN_ATTRIBUTES.map(|(name, _)| (name, Type::String)))
}

fn admin_value(details: &DelegatedAdmin) -> Value {
    object(
        iter::once((ACCOUNT_ID, Value::from(details.account_id.as_str())))
            .chain(admin::details(details)),
    )
}

impl Posture {
    /// The data source's state, every attribute known.
    pub fn to_value(&self) -> Value {
        let org = &self.organization;
        let enabled = |feature| Value::Bool(self.enabled.contains(&feature));
        object([
            (ID, Value::from(org.id.as_str())),
            (ORGANIZATION_ID, Value::from(org.id.as_str())),
            (
                MANAGEMENT_ACCOUNT_ID,
                Value::from(org.management_account_id.as_str()),
            ),
            (FEATURE_SET, Value::from(org.feature_set.as_str())),
            (
                ENABLED_FEATURES,
                string_set(self.enabled.iter().map(|f| f.as_str())),
            ),
            (
                ROOT_CREDENTIALS_MANAGEMENT_ENABLED,
                enabled(Feature::RootCredentialsManagement),
            ),
            (ROOT_SESSIONS_ENABLED, enabled(Feature::RootSessions)),
            (
                IAM_TRUSTED_ACCESS_ENABLED,
                Value::Bool(self.iam_trusted_access),
            ),
            (
                DELEGATED_ADMINISTRATORS,
                Value::List(self.admins.iter().map(admin_value).collect()),
            ),
        ])
    }
}

/// Whether a `ListOrganizationsFeatures` failure only means "no feature works here".
fn means_no_features(err: &AwsError) -> bool {
    matches!(
        err.kind,
        ErrorKind::ServiceAccessNotEnabled | ErrorKind::NotAllFeaturesMode
    )
}

async fn gather(aws: &Aws) -> Result<Posture, AwsError> {
    let organization = aws.organization().await?;
    let enabled = match aws.list_features().await {
        Ok(found) => found.enabled,
        Err(err) if means_no_features(&err) => {
            tracing::info!(kind = ?err.kind, "no centralized root access feature can be on");
            BTreeSet::new()
        }
        Err(err) => return Err(err),
    };
    let iam_trusted_access = aws.trusted_access_enabled(IAM_SERVICE_PRINCIPAL).await?;
    let admins = aws.delegated_admins(IAM_SERVICE_PRINCIPAL).await?;
    Ok(Posture {
        organization,
        enabled,
        iam_trusted_access,
        admins: admins.to_vec(),
    })
}

fn computed(ty: Type, description: &str) -> Attribute {
    Attribute::computed(ty).description(description)
}

fn schema() -> Schema {
    let admin_description = format!(
        "The delegated administrators for iam.amazonaws.com, each with: {}.",
        ADMIN_ATTRIBUTES
            .iter()
            .map(|(name, what)| format!("`{name}` ({what})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Schema::new(
        0,
        Block::new()
            .description(
                "The organization's centralized root access posture: enabled features, IAM \
                 trusted access and IAM delegated administrators. Meant for check blocks: a \
                 non-compliant organization reads as data (features empty, flags false), not as \
                 an error.",
            )
            .attribute(ID, computed(Type::String, "The organization ID."))
            .attribute(
                ORGANIZATION_ID,
                computed(
                    Type::String,
                    "The organization ID, `o-` followed by 10 to 32 characters.",
                ),
            )
            .attribute(
                MANAGEMENT_ACCOUNT_ID,
                computed(
                    Type::String,
                    "The 12-digit ID of the organization's management account.",
                ),
            )
            .attribute(
                FEATURE_SET,
                computed(
                    Type::String,
                    "`ALL` or `CONSOLIDATED_BILLING`; centralized root access needs `ALL`.",
                ),
            )
            .attribute(
                ENABLED_FEATURES,
                computed(
                    Type::set(Type::String),
                    "The enabled features (`RootCredentialsManagement`, `RootSessions`); empty \
                     when IAM trusted access is off or the organization has consolidated billing \
                     only.",
                ),
            )
            .attribute(
                ROOT_CREDENTIALS_MANAGEMENT_ENABLED,
                computed(Type::Bool, "Whether RootCredentialsManagement is enabled."),
            )
            .attribute(
                ROOT_SESSIONS_ENABLED,
                computed(Type::Bool, "Whether RootSessions is enabled."),
            )
            .attribute(
                IAM_TRUSTED_ACCESS_ENABLED,
                computed(
                    Type::Bool,
                    "Whether trusted access for iam.amazonaws.com is enabled in AWS Organizations.",
                ),
            )
            .attribute(
                DELEGATED_ADMINISTRATORS,
                computed(Type::list(admin_type()), &admin_description),
            ),
    )
}

#[async_trait]
impl DataSource<Aws> for OrganizationFeaturesDataSource {
    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context<Aws>, _req: ReadRequest, resp: &mut ReadResponse) {
        match gather(ctx.provider_data()).await {
            Ok(posture) => resp.state = posture.to_value(),
            // The data source has no argument a failure could be about.
            Err(err) => Targets::NONE.report(&mut resp.diagnostics, &err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Operation;
    use crate::framework::values::ValueExt;

    fn posture(enabled: &[Feature], admins: Vec<DelegatedAdmin>) -> Posture {
        Posture {
            organization: Organization {
                id: "o-sandbox1234".into(),
                arn: "arn:aws:organizations::111111111111:organization/o-sandbox1234".into(),
                feature_set: "ALL".into(),
                management_account_id: "111111111111".into(),
                management_account_email: "management@example.com".into(),
            },
            enabled: enabled.iter().copied().collect(),
            iam_trusted_access: !enabled.is_empty(),
            admins,
        }
    }

    #[test]
    fn values_have_the_schema_type_and_the_flags() {
        let admin = DelegatedAdmin {
            account_id: "222222222222".into(),
            arn: "arn:aws:organizations::111111111111:account/o-sandbox1234/222222222222".into(),
            email: "222222222222@sandbox.example".into(),
            name: "account-222222222222".into(),
            status: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined_timestamp: "2023-11-14T22:13:20Z".into(),
            delegation_enabled_date: "2023-11-14T22:13:20Z".into(),
        };
        let value = posture(&[Feature::RootSessions], vec![admin]).to_value();
        let ty = schema().value_type();
        // The wire encoding checks the value against the type, attribute by attribute.
        let encoded = crate::cty::msgpack::encode(&value, &ty);
        assert!(encoded.is_ok(), "{value:?} is not a {ty:?}: {encoded:?}");
        assert_eq!(value.attr(ROOT_SESSIONS_ENABLED).as_bool(), Some(true));
        assert_eq!(
            value.attr(ROOT_CREDENTIALS_MANAGEMENT_ENABLED).as_bool(),
            Some(false)
        );
        assert_eq!(value.attr(IAM_TRUSTED_ACCESS_ENABLED).as_bool(), Some(true));
        let admins = value.attr(DELEGATED_ADMINISTRATORS).elements().unwrap();
        assert_eq!(admins[0].attr(ACCOUNT_ID).as_str(), Some("222222222222"));
        assert_eq!(admins[0].attr(STATUS).as_str(), Some("ACTIVE"));

        let empty = posture(&[], Vec::new()).to_value();
        assert!(crate::cty::msgpack::encode(&empty, &ty).is_ok());
        assert_eq!(
            empty.attr(ENABLED_FEATURES).elements().map(<[Value]>::len),
            Some(0)
        );
        assert_eq!(
            empty.attr(IAM_TRUSTED_ACCESS_ENABLED).as_bool(),
            Some(false)
        );
    }

    #[test]
    fn only_the_features_being_unusable_reads_as_no_features() {
        let err = |kind| AwsError::of(Operation::ListOrganizationsFeatures, kind);
        assert!(means_no_features(&err(ErrorKind::ServiceAccessNotEnabled)));
        assert!(means_no_features(&err(ErrorKind::NotAllFeaturesMode)));
        assert!(!means_no_features(&err(
            ErrorKind::NotManagementOrDelegatedAdministrator
        )));
        assert!(!means_no_features(&err(ErrorKind::Throttled)));
    }
}
