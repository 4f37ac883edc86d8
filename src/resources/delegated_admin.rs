//! `centralroot_delegated_admin`: a member account registered as delegated administrator for a
//! service (by default IAM, for centralized root access) through AWS Organizations.
//!
//! A registration has no update: both arguments replace it. Refreshes go through the provider's
//! shared listing ([`Aws::find_delegated_admin`]), so refreshing N registrations costs ⌈N/20⌉
//! `ListDelegatedAdministrators` pages per service principal, not N calls.

use std::fmt;

use async_trait::async_trait;

use crate::cty::{AttributePath, Type, Value};
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::{
    StringMatches, ValidateRequest, Validator, invalid, wrong_type,
};
use crate::framework::values::ValueExt;
use crate::provider::ProviderData;
use crate::provider::aws::{AwsError, DelegatedAdmin, ErrorKind, IAM_SERVICE_PRINCIPAL};

/// The resource type name.
pub const TYPE_NAME: &str = "centralroot_delegated_admin";

/// Organizations' reason when the management account is proposed as delegated administrator.
const CANNOT_REGISTER_MASTER: &str = "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR";

/// The import ID formats, as the error for a malformed one lists them.
const IMPORT_FORMATS: &str = "Use one of:\n  ACCOUNT            e.g. 123456789012 (service principal \
                              iam.amazonaws.com)\n  ACCOUNT/PRINCIPAL  e.g. \
                              123456789012/iam.amazonaws.com\nwhere ACCOUNT is a 12-digit AWS \
                              account ID and PRINCIPAL a service principal such as \
                              iam.amazonaws.com.";

/// `centralroot_delegated_admin`.
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

    /// The registration a state or plan value names, when both arguments are known.
    fn from_value(value: &Value) -> Option<Self> {
        let account_id = value.attr("account_id").as_str()?.to_owned();
        let service_principal = value.attr("service_principal").as_str()?.to_owned();
        Some(Self {
            account_id,
            service_principal,
        })
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
struct ServicePrincipal;

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

/// The state of a registration as AWS lists it.
fn state_value(id: &RegistrationId, admin: &DelegatedAdmin) -> Value {
    let text = |s: &str| Value::String(s.to_owned());
    Value::Object(
        [
            ("id", text(&id.to_string())),
            ("account_id", text(&id.account_id)),
            ("service_principal", text(&id.service_principal)),
            ("arn", text(&admin.arn)),
            ("email", text(&admin.email)),
            ("name", text(&admin.name)),
            ("status", text(&admin.status)),
            ("joined_method", text(&admin.joined_method)),
            ("joined_timestamp", text(&admin.joined_timestamp)),
            (
                "delegation_enabled_date",
                text(&admin.delegation_enabled_date),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    )
}

/// The details of a registration that the listing does not show yet: unknown, so empty.
fn unlisted(account_id: &str) -> DelegatedAdmin {
    DelegatedAdmin {
        account_id: account_id.to_owned(),
        arn: String::new(),
        email: String::new(),
        name: String::new(),
        status: String::new(),
        joined_method: String::new(),
        joined_timestamp: String::new(),
        delegation_enabled_date: String::new(),
    }
}

/// The argument an AWS failure is about, so Terraform points at the right line.
fn attribute_of(err: &AwsError) -> Option<&'static str> {
    match &err.kind {
        ErrorKind::AccountAlreadyRegistered
        | ErrorKind::AccountNotFound
        | ErrorKind::AccountNotRegistered => Some("account_id"),
        ErrorKind::ConstraintViolation(Some(reason)) if reason == CANNOT_REGISTER_MASTER => {
            Some("account_id")
        }
        ErrorKind::ConstraintViolation(Some(reason)) if reason == "SERVICE_ACCESS_NOT_ENABLED" => {
            Some("service_principal")
        }
        ErrorKind::ServiceAccessNotEnabled => Some("service_principal"),
        _ => None,
    }
}

/// Reports `err` as an error, on the argument it concerns when there is one.
fn report(diags: &mut Diagnostics, err: &AwsError) {
    match attribute_of(err) {
        Some(attr) => diags.attribute_error(AttributePath::root(attr), err.summary(), err.detail()),
        None => diags.error(err.summary(), err.detail()),
    }
}

fn computed(description: &str) -> Attribute {
    Attribute::computed(Type::String)
        .description(description)
        .plan_modifier(UseStateForUnknown)
}

#[async_trait]
impl Resource<ProviderData> for DelegatedAdminResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
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
                    "account_id",
                    Attribute::required(Type::String)
                        .description(
                            "The 12-digit ID of the member account to register. The \
                             organization's management account cannot be registered. Changing \
                             it replaces the registration.",
                        )
                        .validator(StringMatches::account_id())
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    "service_principal",
                    Attribute::optional_computed(Type::String)
                        .description(
                            "The service the account administers, as its service principal. \
                             Defaults to iam.amazonaws.com (centralized root access). Changing \
                             it replaces the registration.",
                        )
                        .default_value(Value::String(IAM_SERVICE_PRINCIPAL.to_owned()))
                        .validator(ServicePrincipal)
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    "id",
                    computed("The registration, as ACCOUNT/PRINCIPAL (the import ID)."),
                )
                .attribute("arn", computed("The ARN of the registered account."))
                .attribute(
                    "email",
                    computed("The email address of the registered account."),
                )
                .attribute("name", computed("The name of the registered account."))
                .attribute(
                    "status",
                    computed(
                        "The status of the registered account in the organization: ACTIVE, \
                         SUSPENDED or PENDING_CLOSURE.",
                    ),
                )
                .attribute(
                    "joined_method",
                    computed("How the account joined the organization: INVITED or CREATED."),
                )
                .attribute(
                    "joined_timestamp",
                    computed("When the account joined the organization (RFC 3339)."),
                )
                .attribute(
                    "delegation_enabled_date",
                    computed(
                        "When the account became delegated administrator for the service \
                         (RFC 3339).",
                    ),
                ),
        )
    }

    async fn modify_plan(
        &self,
        ctx: &Context<ProviderData>,
        req: ModifyPlanRequest,
        resp: &mut ModifyPlanResponse,
    ) {
        // Only a new registration can name the management account: an existing one passed
        // this check, and account_id changes replace it, which plans a create.
        if !req.prior_state.is_null() || req.config.is_null() {
            return;
        }
        let Some(account_id) = req.config.attr("account_id").as_str() else {
            return;
        };
        match ctx.provider_data().aws.organization().await {
            Ok(org) if org.management_account_id == account_id => {
                resp.diagnostics.attribute_error(
                    AttributePath::root("account_id"),
                    "The management account cannot be a delegated administrator",
                    format!(
                        "{account_id} is the management account of organization {}, which AWS \
                         Organizations refuses to register \
                         ({CANNOT_REGISTER_MASTER}); it already has every permission a \
                         delegated administrator gets. Choose a member account.",
                        org.id
                    ),
                );
            }
            Ok(_) => {}
            // The check only saves a failed apply; apply reports AWS's own answer.
            Err(err) => tracing::debug!(%err, "skipping the management account check"),
        }
    }

    async fn create(
        &self,
        ctx: &Context<ProviderData>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let Some(id) = RegistrationId::from_value(&req.planned_state) else {
            resp.diagnostics.error(
                "Unknown registration",
                "account_id and service_principal must be known at apply. This is a bug in the \
                 provider, please report it.",
            );
            return;
        };
        let aws = &ctx.provider_data().aws;
        if let Err(err) = aws
            .register_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            report(&mut resp.diagnostics, &err);
            return;
        }
        tracing::info!(registration = %id, "registered delegated administrator");
        match aws
            .find_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(Some(admin)) => resp.state = state_value(&id, &admin),
            Ok(None) => {
                // Registered but not listed yet: keep it in state so Terraform tracks it; the
                // next refresh fills the details in.
                resp.state = state_value(&id, &unlisted(&id.account_id));
                resp.diagnostics.warning(
                    "Registration not listed yet",
                    format!(
                        "{id} was registered, but ListDelegatedAdministrators does not show it \
                         yet, so its details are empty until the next refresh."
                    ),
                );
            }
            Err(err) => {
                resp.state = state_value(&id, &unlisted(&id.account_id));
                report(&mut resp.diagnostics, &err);
            }
        }
    }

    async fn read(&self, ctx: &Context<ProviderData>, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(id) = RegistrationId::from_value(&req.state) else {
            resp.diagnostics.error(
                "Incomplete state",
                "The state of this delegated administrator has no account_id or \
                 service_principal. Remove it from state (terraform state rm) and import it \
                 again.",
            );
            return;
        };
        let aws = &ctx.provider_data().aws;
        match aws
            .find_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(Some(admin)) => resp.state = state_value(&id, &admin),
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
                        err.detail()
                    ),
                );
                resp.state = Value::Null;
            }
            Err(err) => report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(
        &self,
        _ctx: &Context<ProviderData>,
        _req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        // Every argument requires replacement, so Terraform never plans an update.
        resp.diagnostics.error(
            "Update not supported",
            "centralroot_delegated_admin is replaced, never updated. This is a bug in the \
             provider, please report it.",
        );
    }

    async fn delete(
        &self,
        ctx: &Context<ProviderData>,
        req: DeleteRequest,
        resp: &mut DeleteResponse,
    ) {
        let Some(id) = RegistrationId::from_value(&req.state) else {
            return;
        };
        let aws = &ctx.provider_data().aws;
        match aws
            .deregister_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(()) => tracing::info!(registration = %id, "deregistered delegated administrator"),
            // An account that left the organization is no longer anyone's administrator.
            Err(err) if err.kind == ErrorKind::AccountNotFound => {
                tracing::info!(registration = %id, "account left the organization");
            }
            Err(err) => report(&mut resp.diagnostics, &err),
        }
    }

    async fn import_state(
        &self,
        _ctx: &Context<ProviderData>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        let id = match RegistrationId::parse_import(&req.id) {
            Ok(id) => id,
            Err(err) => {
                resp.diagnostics.error(
                    "Invalid import ID",
                    format!(
                        "Cannot import {TYPE_NAME} with ID {:?}: {err}.\n{IMPORT_FORMATS}",
                        req.id
                    ),
                );
                return;
            }
        };
        resp.state.set_attr("id", Value::String(id.to_string()));
        resp.state
            .set_attr("account_id", Value::String(id.account_id.clone()));
        resp.state
            .set_attr("service_principal", Value::String(id.service_principal));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let admin = DelegatedAdmin {
            account_id: "222222222222".into(),
            arn: "arn:aws:organizations::111111111111:account/o-x/222222222222".into(),
            email: "member@example.com".into(),
            name: "member".into(),
            status: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined_timestamp: "2023-11-14T22:13:20Z".into(),
            delegation_enabled_date: "2024-01-02T03:04:05Z".into(),
        };
        let value = state_value(&id, &admin);
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
            value.attr("id").as_str(),
            Some("222222222222/iam.amazonaws.com")
        );
        assert_eq!(
            value.attr("service_principal").as_str(),
            Some("iam.amazonaws.com")
        );
        assert_eq!(value.attr("email").as_str(), Some("member@example.com"));
        assert_eq!(
            value.attr("delegation_enabled_date").as_str(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(RegistrationId::from_value(&value), Some(id));
    }

    #[test]
    fn failures_point_at_the_argument_they_concern() {
        let err = |kind| AwsError {
            operation: "RegisterDelegatedAdministrator",
            kind,
            code: None,
            message: String::new(),
            request_id: None,
        };
        let cases = [
            (ErrorKind::AccountAlreadyRegistered, Some("account_id")),
            (ErrorKind::AccountNotFound, Some("account_id")),
            (
                ErrorKind::ConstraintViolation(Some(CANNOT_REGISTER_MASTER.into())),
                Some("account_id"),
            ),
            (
                ErrorKind::ConstraintViolation(Some("SERVICE_ACCESS_NOT_ENABLED".into())),
                Some("service_principal"),
            ),
            (
                ErrorKind::ConstraintViolation(Some(
                    "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED".into(),
                )),
                None,
            ),
            (ErrorKind::AccessDenied, None),
            (ErrorKind::Throttled, None),
        ];
        for (kind, want) in cases {
            assert_eq!(attribute_of(&err(kind.clone())), want, "{kind:?}");
        }
    }

    #[test]
    fn already_registered_advice_names_both_import_ways() {
        let err = AwsError {
            operation: "RegisterDelegatedAdministrator",
            kind: ErrorKind::AccountAlreadyRegistered,
            code: Some("AccountAlreadyRegisteredException".into()),
            message: "already registered".into(),
            request_id: None,
        };
        let detail = err.detail();
        assert!(
            detail.contains("terraform import <address> <account_id>\n"),
            "{detail}"
        );
        assert!(detail.contains("import {"), "{detail}");
    }
}
