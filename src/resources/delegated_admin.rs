//! `centralroot_delegated_admin`: a member account registered as delegated administrator for a
//! service (by default IAM, for centralized root access) through AWS Organizations.
//!
//! A registration has no update: both arguments replace it. Refreshes go through the provider's
//! shared listing ([`Aws::find_delegated_admin`]), so refreshing N registrations costs ⌈N/20⌉
//! `ListDelegatedAdministrators` pages per service principal, not N calls. A create reads its
//! own registration back by account (`ListDelegatedServicesForAccount` and `DescribeAccount`)
//! instead of listing, so creating N costs N registrations and 2N reads, and no listing.

use std::fmt;

use async_trait::async_trait;

use crate::aws::{Aws, DelegatedAdmin, ErrorKind, IAM_SERVICE_PRINCIPAL, Reason};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::attributes::{self, AttributeError};
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, MoveSource, MoveStateRequest,
    MoveStateResponse, ReadRequest, ReadResponse, Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use crate::framework::validators::{
    StringMatches, ValidateRequest, Validator, invalid, wrong_type,
};
use crate::framework::values::ValueExt;
use crate::types_common::advice::{self, Targets};
use crate::types_common::delegated_admin::{
    self as admin, ACCOUNT_ID, ARN, DELEGATION_ENABLED_DATE, DETAILS, EMAIL, JOINED_METHOD,
    JOINED_TIMESTAMP, NAME, STATUS,
};
use crate::types_common::moved::{self, MoveError};

/// The name configurations and import commands address this type by.
pub const TYPE_NAME: &str = "centralroot_delegated_admin";

/// The registration as `ACCOUNT/PRINCIPAL`, the import ID.
const ID: &str = "id";
/// The service the account administers.
const SERVICE_PRINCIPAL: &str = "service_principal";

/// Failures about the account point at `account_id`; a service without trusted access, at the
/// service principal.
const TARGETS: Targets = Targets {
    account: Some(ACCOUNT_ID),
    trusted_access: Some(SERVICE_PRINCIPAL),
    features: None,
};

/// The import ID formats, as the error for a malformed one lists them.
const IMPORT_FORMATS: &str = "Use one of:\n  ACCOUNT            e.g. 123456789012 (service principal \
                              iam.amazonaws.com)\n  ACCOUNT/PRINCIPAL  e.g. \
                              123456789012/iam.amazonaws.com\nwhere ACCOUNT is a 12-digit AWS \
                              account ID and PRINCIPAL a service principal such as \
                              iam.amazonaws.com.";

/// The resource: one registration, replaced whenever an argument changes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DelegatedAdminResource;

/// Which registration a resource instance stands for: its `id`, `ACCOUNT/PRINCIPAL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationId {
    /// The 12-digit member account.
    pub account_id: String,
    /// The service it administers, e.g. `iam.amazonaws.com`.
    pub service_principal: String,
}

/// Why an import ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportIdError {
    /// The account part is not 12 digits.
    #[error("{0:?} is not a 12-digit AWS account ID")]
    AccountId(String),
    /// The principal part is empty or not a service principal.
    #[error("{0:?} is not a service principal such as iam.amazonaws.com")]
    ServicePrincipal(String),
    /// More than one `/`.
    #[error("the ID has more than one \"/\"")]
    TooManyParts,
}

impl RegistrationId {
    /// Parses an import ID: `ACCOUNT` (the IAM service principal) or `ACCOUNT/PRINCIPAL`.
    /// Nothing is trimmed: an ID with spaces is a typo the user should see.
    pub fn parse_import(id: &str) -> Result<Self, ImportIdError> {
        let mut parts = id.split('/');
        let account = parts.next().unwrap_or_default();
        let principal = parts.next();
        if parts.next().is_some() {
            return Err(ImportIdError::TooManyParts);
        }
        if !is_account_id(account) {
            return Err(ImportIdError::AccountId(account.to_owned()));
        }
        let principal = principal.unwrap_or(IAM_SERVICE_PRINCIPAL);
        if !is_service_principal(principal) {
            return Err(ImportIdError::ServicePrincipal(principal.to_owned()));
        }
        Ok(Self {
            account_id: account.to_owned(),
            service_principal: principal.to_owned(),
        })
    }

    /// The registration a state or plan value names; both arguments must be known.
    fn from_value(value: &Value) -> Result<Self, AttributeError> {
        Ok(Self {
            account_id: attributes::string(value, ACCOUNT_ID)?,
            service_principal: attributes::string(value, SERVICE_PRINCIPAL)?,
        })
    }

    /// The state an import records: the arguments, with the details left to the read after it.
    fn import_value(&self) -> Value {
        attributes::object(
            self.identity()
                .into_iter()
                .chain(DETAILS.map(|name| (name, Value::Null))),
        )
    }

    /// The attributes that say which registration this is.
    fn identity(&self) -> [(&'static str, Value); 3] {
        [
            (ID, Value::from(self.to_string())),
            (ACCOUNT_ID, Value::from(self.account_id.as_str())),
            (
                SERVICE_PRINCIPAL,
                Value::from(self.service_principal.as_str()),
            ),
        ]
    }
}

impl fmt::Display for RegistrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.account_id, self.service_principal)
    }
}

/// Whether `id` is a 12-digit account ID.
fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `principal` looks like a service principal: a lowercase DNS name of at least two
/// labels (`iam.amazonaws.com`), at most 128 characters, as Organizations accepts them.
pub fn is_service_principal(principal: &str) -> bool {
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    principal.len() <= 128
        && principal.split('.').count() >= 2
        && principal.split('.').all(label_ok)
}

/// The schema validator for `service_principal`, sharing [`is_service_principal`] with import.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServicePrincipal;

impl Validator for ServicePrincipal {
    fn description(&self) -> String {
        "be a service principal such as iam.amazonaws.com (a lowercase DNS name, no spaces or \"/\")"
            .to_owned()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::String(s) = req.value else {
            return wrong_type(diags, req, "string");
        };
        if !is_service_principal(s) {
            invalid(
                diags,
                req,
                "Invalid Attribute Value",
                format!("Value must {}, got: {s:?}.", self.description()),
            );
        }
    }
}

/// The resource's state: the registration and what the listing says about its account.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Registration {
    id: RegistrationId,
    details: DelegatedAdmin,
}

impl Registration {
    /// A registration AWS confirmed but the listing does not show yet: its details are empty
    /// until a refresh fills them in, so the state has nothing unknown.
    fn unlisted(id: RegistrationId) -> Self {
        let details = DelegatedAdmin {
            account_id: id.account_id.clone(),
            ..DelegatedAdmin::default()
        };
        Self { id, details }
    }

    fn to_value(&self) -> Value {
        attributes::object(
            self.id
                .identity()
                .into_iter()
                .chain(admin::details(&self.details)),
        )
    }
}

/// The state a read returns for `id`, registered with `details`: what listings answer.
pub(crate) fn state_value(id: &RegistrationId, details: &DelegatedAdmin) -> Value {
    Registration {
        id: id.clone(),
        details: details.clone(),
    }
    .to_value()
}

/// The hashicorp/aws type whose state `moved` blocks bring here.
const MOVE_SOURCE: MoveSource = MoveSource {
    provider: moved::HASHICORP_AWS,
    type_name: "aws_organizations_delegated_administrator",
};

/// The state of an `aws_organizations_delegated_administrator`: the same registration under
/// the same attribute names and the same `ACCOUNT/PRINCIPAL` ID. hashicorp/aws 6.x also stores
/// an identity `{account_id (the caller's), delegated_account_id, service_principal}`; when
/// present it must name the same registration as the state.
fn moved_registration(
    source: &serde_json::Value,
    identity: Option<&serde_json::Value>,
) -> Result<Registration, MoveError> {
    let account_id = moved::string(source, ACCOUNT_ID)?;
    if !is_account_id(account_id) {
        return Err(MoveError::invalid(
            ACCOUNT_ID,
            &source[ACCOUNT_ID],
            "expected a 12-digit AWS account ID",
        ));
    }
    let principal = moved::string(source, SERVICE_PRINCIPAL)?;
    if !is_service_principal(principal) {
        return Err(MoveError::invalid(
            SERVICE_PRINCIPAL,
            &source[SERVICE_PRINCIPAL],
            "expected a service principal such as iam.amazonaws.com",
        ));
    }
    let id = RegistrationId {
        account_id: account_id.to_owned(),
        service_principal: principal.to_owned(),
    };
    if let Some(given) = source.get(ID).and_then(serde_json::Value::as_str)
        && given != id.to_string()
    {
        return Err(MoveError::invalid(
            ID,
            &source[ID],
            format!("expected {id}, the account_id and service_principal it stores"),
        ));
    }
    if let Some(identity) = identity.filter(|i| !i.is_null()) {
        for (attribute, expected) in [
            ("delegated_account_id", account_id),
            (SERVICE_PRINCIPAL, principal),
        ] {
            if identity.get(attribute).and_then(serde_json::Value::as_str) != Some(expected) {
                return Err(MoveError::invalid(
                    "identity",
                    identity,
                    format!("expected {attribute} {expected:?}, as in the state"),
                ));
            }
        }
    }
    let text = |name| moved::optional_string(source, name);
    let details = DelegatedAdmin {
        account_id: account_id.to_owned(),
        arn: text(ARN),
        email: text(EMAIL),
        name: text(NAME),
        status: text(STATUS),
        joined_method: text(JOINED_METHOD),
        joined_timestamp: text(JOINED_TIMESTAMP),
        delegation_enabled_date: text(DELEGATION_ENABLED_DATE),
    };
    Ok(Registration { id, details })
}

fn computed(description: &str) -> Attribute {
    Attribute::computed(Type::String)
        .description(description)
        .plan_modifier(UseStateForUnknown)
}

#[async_trait]
impl Resource<Aws> for DelegatedAdminResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(0)
                .attribute(
                    ACCOUNT_ID,
                    IdentityAttribute::required_for_import(Type::String)
                        .description("The 12-digit ID of the registered member account."),
                )
                .attribute(
                    SERVICE_PRINCIPAL,
                    IdentityAttribute::optional_for_import(Type::String).description(
                        "The service the account administers; iam.amazonaws.com when an \
                         `import` block leaves it out.",
                    ),
                ),
        )
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Registers a member account of the organization as delegated administrator \
                     for a service in AWS Organizations; by default for IAM \
                     (iam.amazonaws.com), which lets that account manage centralized root access \
                     instead of the management account. Trusted access for the service must be \
                     enabled first (centralroot_organization_features with \
                     enable_trusted_access = true). Import with the ID ACCOUNT or \
                     ACCOUNT/PRINCIPAL.",
                )
                .attribute(
                    ACCOUNT_ID,
                    Attribute::required(Type::String)
                        .description(
                            "The 12-digit ID of the member account to register. The \
                             organization's management account cannot be registered.",
                        )
                        .validator(StringMatches::account_id())
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    SERVICE_PRINCIPAL,
                    Attribute::optional_computed(Type::String)
                        .description(
                            "The service the account administers, as its service principal; \
                             iam.amazonaws.com is centralized root access.",
                        )
                        .default_value(Value::String(IAM_SERVICE_PRINCIPAL.to_owned()))
                        .validator(ServicePrincipal)
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    ID,
                    computed("The registration, as ACCOUNT/PRINCIPAL (the import ID)."),
                )
                .attribute(ARN, computed("The ARN of the registered account."))
                .attribute(
                    EMAIL,
                    computed("The email address of the registered account."),
                )
                .attribute(NAME, computed("The name of the registered account."))
                .attribute(
                    STATUS,
                    computed(
                        "The status of the registered account in the organization: ACTIVE, \
                         SUSPENDED or PENDING_CLOSURE.",
                    ),
                )
                .attribute(
                    JOINED_METHOD,
                    computed("How the account joined the organization: INVITED or CREATED."),
                )
                .attribute(
                    JOINED_TIMESTAMP,
                    computed("When the account joined the organization (RFC 3339)."),
                )
                .attribute(
                    DELEGATION_ENABLED_DATE,
                    computed(
                        "When the account became delegated administrator for the service \
                         (RFC 3339).",
                    ),
                ),
        )
    }

    async fn modify_plan(
        &self,
        ctx: &Context<Aws>,
        req: ModifyPlanRequest,
        resp: &mut ModifyPlanResponse,
    ) {
        // Only a new registration can name the management account: an existing one passed
        // this check, and account_id changes replace it, which plans a create.
        if !req.prior_state.is_null() || req.config.is_null() {
            return;
        }
        let Ok(Some(account_id)) = attributes::optional_string(&req.config, ACCOUNT_ID) else {
            return;
        };
        match ctx.provider_data().organization().await {
            Ok(org) if org.management_account_id == account_id => {
                resp.diagnostics.attribute_error(
                    AttributePath::root(ACCOUNT_ID),
                    "The management account cannot be a delegated administrator",
                    format!(
                        "{account_id} is the management account of organization {}, which AWS \
                         Organizations refuses to register ({}); it already has every \
                         permission a delegated administrator gets. Choose a member account.",
                        org.id,
                        Reason::CannotRegisterMasterAsDelegatedAdministrator
                    ),
                );
            }
            Ok(_) => {}
            // The check only saves a failed apply; apply reports AWS's own answer.
            Err(err) => tracing::debug!(%err, "skipping the management account check"),
        }
    }

    async fn create(&self, ctx: &Context<Aws>, req: CreateRequest, resp: &mut CreateResponse) {
        let id = match RegistrationId::from_value(&req.planned_state) {
            Ok(id) => id,
            Err(err) => {
                return resp.diagnostics.attribute_error(
                    err.path(),
                    "Unknown registration",
                    format!(
                        "{err}: {ACCOUNT_ID} and {SERVICE_PRINCIPAL} must be known at apply. \
                         This is a bug in the provider, please report it."
                    ),
                );
            }
        };
        let aws = ctx.provider_data();
        let registration = match aws
            .register_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(registration) => registration,
            Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
        };
        tracing::info!(registration = %id, "registered delegated administrator");
        // Recorded before the read, so that a failure or an interruption from here on
        // leaves the registration in state rather than orphaned in AWS.
        resp.state = Registration::unlisted(id.clone()).to_value();
        // The registration is done: Terraform's Ctrl-C only skips the read of its details,
        // which the next refresh makes anyway, and the create succeeds so the object is not
        // tainted. The read is of this one account, not the whole listing, so N creates cost
        // N reads rather than N listings.
        match ctx.unless_cancelled(registration.read()).await {
            Some(Ok(Some(details))) => resp.state = Registration { id, details }.to_value(),
            Some(Ok(None)) => resp.diagnostics.warning(
                "Registration not listed yet",
                format!(
                    "{id} was registered, but ListDelegatedServicesForAccount does not show it \
                     yet, so its details are empty until the next refresh."
                ),
            ),
            Some(Err(err)) => TARGETS.report(&mut resp.diagnostics, &err),
            None => resp.diagnostics.warning(
                "Registration details not read",
                format!(
                    "{id} was registered, and Terraform asked the provider to stop before \
                     its details were read, so they are empty until the next refresh."
                ),
            ),
        }
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        let id = match RegistrationId::from_value(&req.state) {
            Ok(id) => id,
            Err(err) => {
                return resp.diagnostics.error(
                    "Incomplete state",
                    format!(
                        "The state of this delegated administrator is incomplete ({err}). Remove \
                         it from state (terraform state rm) and import it again."
                    ),
                );
            }
        };
        match ctx
            .provider_data()
            .find_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(Some(details)) => resp.state = Registration { id, details }.to_value(),
            Ok(None) => {
                tracing::info!(registration = %id, "delegated administrator no longer registered");
                resp.state = Value::Null;
            }
            Err(err) if err.kind == ErrorKind::OrganizationNotFound => {
                resp.diagnostics.warning(
                    err.summary(),
                    format!(
                        "{id} was removed from state: without an organization there is no \
                         delegated administrator.\n\n{}",
                        advice::detail(&err)
                    ),
                );
                resp.state = Value::Null;
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(&self, _ctx: &Context<Aws>, req: UpdateRequest, resp: &mut UpdateResponse) {
        // Every argument requires replacement, so Terraform never plans an update.
        resp.state = req.prior_state;
        resp.diagnostics.error(
            "Update not supported",
            format!(
                "{TYPE_NAME} is replaced, never updated. This is a bug in the provider, please \
                 report it."
            ),
        );
    }

    async fn delete(&self, ctx: &Context<Aws>, req: DeleteRequest, resp: &mut DeleteResponse) {
        // A state without both arguments never reached AWS: nothing to deregister.
        let Ok(id) = RegistrationId::from_value(&req.state) else {
            return;
        };
        match ctx
            .provider_data()
            .deregister_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(()) => tracing::info!(registration = %id, "deregistered delegated administrator"),
            // An account that left the organization is no longer anyone's administrator.
            Err(err) if err.kind == ErrorKind::AccountNotFound => {
                tracing::info!(registration = %id, "account left the organization");
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn import_state(
        &self,
        _ctx: &Context<Aws>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        // Importing by identity, the engine has written the identity into the state; the
        // same checks as an ID's apply to it, with the same default principal.
        let given = if req.by_identity() {
            match (
                resp.state.attr(ACCOUNT_ID).as_str(),
                resp.state.attr(SERVICE_PRINCIPAL).as_str(),
            ) {
                (Some(account), Some(principal)) => format!("{account}/{principal}"),
                (account, None) => account.unwrap_or_default().to_owned(),
                (None, Some(principal)) => format!("/{principal}"),
            }
        } else {
            req.id.clone()
        };
        match RegistrationId::parse_import(&given) {
            Ok(id) => resp.state = id.import_value(),
            Err(err) => resp.diagnostics.error(
                "Invalid import ID",
                format!("Cannot import {TYPE_NAME} with ID {given:?}: {err}.\n{IMPORT_FORMATS}"),
            ),
        }
    }

    fn moved_from(&self) -> Vec<MoveSource> {
        vec![MOVE_SOURCE]
    }

    async fn move_state(&self, req: MoveStateRequest, resp: &mut MoveStateResponse) {
        let registration = moved::check_version(&req)
            .and_then(|()| moved_registration(&req.source_state, req.source_identity.as_ref()));
        match registration {
            Ok(registration) => resp.state = registration.to_value(),
            Err(err) => moved::report(&mut resp.diagnostics, &req, TYPE_NAME, &MOVE_SOURCE, &err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::AwsError;
    use crate::framework::values::ValueExt;
    use crate::resources::test_support::{create, fail, sandbox, seed_with_trusted_access, update};

    #[test]
    fn import_ids() {
        let ok = |account: &str, principal: &str| {
            Ok(RegistrationId {
                account_id: account.to_owned(),
                service_principal: principal.to_owned(),
            })
        };
        let cases: Vec<(&str, Result<RegistrationId, ImportIdError>)> = vec![
            ("123456789012", ok("123456789012", "iam.amazonaws.com")),
            (
                "123456789012/iam.amazonaws.com",
                ok("123456789012", "iam.amazonaws.com"),
            ),
            (
                "123456789012/access-analyzer.amazonaws.com",
                ok("123456789012", "access-analyzer.amazonaws.com"),
            ),
            (
                "12345678901",
                Err(ImportIdError::AccountId("12345678901".into())),
            ),
            (
                "1234567890123",
                Err(ImportIdError::AccountId("1234567890123".into())),
            ),
            (
                "12345678901a/iam.amazonaws.com",
                Err(ImportIdError::AccountId("12345678901a".into())),
            ),
            ("", Err(ImportIdError::AccountId(String::new()))),
            (
                " 123456789012",
                Err(ImportIdError::AccountId(" 123456789012".into())),
            ),
            (
                "123456789012/",
                Err(ImportIdError::ServicePrincipal(String::new())),
            ),
            (
                "123456789012/iam amazonaws.com",
                Err(ImportIdError::ServicePrincipal("iam amazonaws.com".into())),
            ),
            (
                "123456789012/iam",
                Err(ImportIdError::ServicePrincipal("iam".into())),
            ),
            (
                "123456789012/IAM.amazonaws.com",
                Err(ImportIdError::ServicePrincipal("IAM.amazonaws.com".into())),
            ),
            (
                "123456789012/iam.amazonaws.com/extra",
                Err(ImportIdError::TooManyParts),
            ),
            (
                "123456789012//iam.amazonaws.com",
                Err(ImportIdError::TooManyParts),
            ),
            (
                "arn:aws:organizations::111111111111:account/o-x/123456789012",
                Err(ImportIdError::TooManyParts),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(RegistrationId::parse_import(input), want, "{input:?}");
        }
    }

    #[test]
    fn import_id_round_trips_through_display() {
        let id = RegistrationId::parse_import("222222222222/sso.amazonaws.com").unwrap();
        assert_eq!(id.to_string(), "222222222222/sso.amazonaws.com");
        assert_eq!(RegistrationId::parse_import(&id.to_string()), Ok(id));
    }

    #[test]
    fn service_principals() {
        let cases = [
            ("iam.amazonaws.com", true),
            ("access-analyzer.amazonaws.com", true),
            ("config-multiaccountsetup.amazonaws.com", true),
            ("iam", false),
            ("", false),
            ("iam..amazonaws.com", false),
            (".amazonaws.com", false),
            ("-iam.amazonaws.com", false),
            ("iam.amazonaws.com/x", false),
            ("iam .amazonaws.com", false),
            ("Iam.amazonaws.com", false),
        ];
        for (principal, valid) in cases {
            assert_eq!(is_service_principal(principal), valid, "{principal:?}");
        }
        let long = format!("{}.com", "a".repeat(125));
        assert!(!is_service_principal(&long));
    }

    #[test]
    fn service_principal_validator_reports_on_the_attribute() {
        use crate::framework::validators::test_support::run;
        assert!(
            run(
                &ServicePrincipal,
                Value::String(IAM_SERVICE_PRINCIPAL.into())
            )
            .is_empty()
        );
        let diags = run(&ServicePrincipal, Value::String("iam amazonaws.com".into()));
        let error = diags.errors().next().expect("an error");
        assert_eq!(error.attribute, Some(AttributePath::root("attr")));
        assert!(
            error.detail.contains("iam.amazonaws.com"),
            "{}",
            error.detail
        );
    }

    #[test]
    fn state_value_matches_the_schema_and_the_listing() {
        let schema = DelegatedAdminResource.schema();
        let id = RegistrationId::parse_import("222222222222").unwrap();
        let details = DelegatedAdmin {
            account_id: "222222222222".into(),
            arn: "arn:aws:organizations::111111111111:account/o-x/222222222222".into(),
            email: "member@example.com".into(),
            name: "member".into(),
            status: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined_timestamp: "2023-11-14T22:13:20Z".into(),
            delegation_enabled_date: "2024-01-02T03:04:05Z".into(),
        };
        let value = Registration {
            id: id.clone(),
            details,
        }
        .to_value();
        let Value::Object(attrs) = &value else {
            panic!("not an object: {value:?}");
        };
        let Value::Object(empty) = schema.empty_value() else {
            panic!("schema value is not an object");
        };
        assert_eq!(
            attrs.keys().collect::<Vec<_>>(),
            empty.keys().collect::<Vec<_>>()
        );
        assert!(value.is_wholly_known());
        assert_eq!(
            value.attr(ID).as_str(),
            Some("222222222222/iam.amazonaws.com")
        );
        assert_eq!(
            value.attr(SERVICE_PRINCIPAL).as_str(),
            Some("iam.amazonaws.com")
        );
        assert_eq!(value.attr(EMAIL).as_str(), Some("member@example.com"));
        assert_eq!(
            value.attr(DELEGATION_ENABLED_DATE).as_str(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(RegistrationId::from_value(&value), Ok(id.clone()));

        let unlisted = Registration::unlisted(id.clone()).to_value();
        assert!(unlisted.is_wholly_known());
        assert_eq!(unlisted.attr(ACCOUNT_ID).as_str(), Some("222222222222"));
        assert_eq!(unlisted.attr(ARN).as_str(), Some(""));

        let imported = id.import_value();
        let Value::Object(imported_attrs) = &imported else {
            panic!("not an object: {imported:?}");
        };
        assert_eq!(
            imported_attrs.keys().collect::<Vec<_>>(),
            empty.keys().collect::<Vec<_>>()
        );
        assert!(imported.attr(ARN).is_null());
        assert_eq!(RegistrationId::from_value(&imported), Ok(id));
    }

    #[test]
    fn a_registration_needs_both_arguments_known() {
        let planned = attributes::object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (SERVICE_PRINCIPAL, Value::unknown()),
        ]);
        let err = RegistrationId::from_value(&planned).unwrap_err();
        assert_eq!(err.path(), AttributePath::root(SERVICE_PRINCIPAL));
    }

    #[test]
    fn failures_point_at_the_argument_they_concern() {
        let err = |kind| AwsError::of("RegisterDelegatedAdministrator", kind);
        let cases = [
            (ErrorKind::AccountAlreadyRegistered, Some(ACCOUNT_ID)),
            (ErrorKind::AccountNotFound, Some(ACCOUNT_ID)),
            (
                ErrorKind::ConstraintViolation(Some(
                    Reason::CannotRegisterMasterAsDelegatedAdministrator,
                )),
                Some(ACCOUNT_ID),
            ),
            (
                ErrorKind::ConstraintViolation(Some(Reason::ServiceAccessNotEnabled)),
                Some(SERVICE_PRINCIPAL),
            ),
            (
                ErrorKind::ConstraintViolation(Some(
                    Reason::MaxDelegatedAdministratorsForServiceLimitExceeded,
                )),
                None,
            ),
            (ErrorKind::AccessDenied, None),
            (ErrorKind::Throttled, None),
        ];
        for (kind, want) in cases {
            assert_eq!(
                TARGETS.path(&err(kind.clone())),
                want.map(AttributePath::root),
                "{kind:?}"
            );
        }
    }

    fn planned(account: &str) -> Value {
        attributes::object(
            [
                (ID, Value::unknown()),
                (ACCOUNT_ID, Value::from(account)),
                (SERVICE_PRINCIPAL, Value::from(IAM_SERVICE_PRINCIPAL)),
            ]
            .into_iter()
            .chain(DETAILS.map(|name| (name, Value::unknown()))),
        )
    }

    #[tokio::test]
    async fn a_registration_is_in_state_even_when_the_read_after_it_fails() {
        let (handle, ctx) = sandbox(
            seed_with_trusted_access(),
            fail("ListDelegatedServicesForAccount"),
        )
        .await;
        let resp = create(&DelegatedAdminResource, &ctx, planned("222222222222")).await;
        assert!(resp.diagnostics.has_errors(), "the read failed");
        assert_eq!(
            handle.sandbox().snapshot().delegated_administrators.len(),
            1,
            "registered in AWS"
        );
        let id = RegistrationId::parse_import("222222222222").unwrap();
        assert_eq!(resp.state, Registration::unlisted(id).to_value());
        assert!(resp.state.is_wholly_known());
    }

    #[tokio::test]
    async fn a_stop_keeps_the_registration_and_skips_only_its_read() {
        use centralroot_sandbox::faults::FaultConfig;
        use tokio_util::sync::CancellationToken;
        let (handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let stopped = CancellationToken::new();
        stopped.cancel();
        let ctx = Context::new(ctx.provider_data_arc(), stopped);
        let resp = create(&DelegatedAdminResource, &ctx, planned("222222222222")).await;
        assert!(
            !resp.diagnostics.has_errors(),
            "a completed registration is no error: {:?}",
            resp.diagnostics
        );
        let summaries: Vec<_> = resp
            .diagnostics
            .iter()
            .map(|d| d.summary.as_str())
            .collect();
        assert_eq!(summaries, ["Registration details not read"]);
        assert_eq!(
            handle.sandbox().snapshot().delegated_administrators.len(),
            1,
            "the registration ran although the stop came first"
        );
        let id = RegistrationId::parse_import("222222222222").unwrap();
        assert_eq!(resp.state, Registration::unlisted(id).to_value());
    }

    #[tokio::test]
    async fn update_answers_the_prior_state_whatever_the_response_started_as() {
        use centralroot_sandbox::faults::FaultConfig;
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let id = RegistrationId::parse_import("222222222222").unwrap();
        let prior = Registration::unlisted(id).to_value();
        let resp = update(
            &DelegatedAdminResource,
            &ctx,
            prior.clone(),
            planned("222222222222"),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        assert_eq!(resp.state, prior);
    }
}
