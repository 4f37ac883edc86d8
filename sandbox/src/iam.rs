//! IAM organization features: enable, disable and list centralized root access.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::seed::{Feature, IAM_SERVICE_PRINCIPAL};
use super::state::State;
use super::wire::query::XmlNode;

/// The IAM organization-feature operations.
pub const OPERATIONS: [&str; 5] = [
    "ListOrganizationsFeatures",
    "EnableOrganizationsRootCredentialsManagement",
    "EnableOrganizationsRootSessions",
    "DisableOrganizationsRootCredentialsManagement",
    "DisableOrganizationsRootSessions",
];

/// Runs one organization-feature operation.
pub fn handle(state: &mut State, ctx: &Ctx<'_>, operation: &str) -> Result<Vec<XmlNode>, ApiError> {
    let change = match operation {
        "ListOrganizationsFeatures" => None,
        "EnableOrganizationsRootCredentialsManagement" => {
            Some((Feature::RootCredentialsManagement, true))
        }
        "EnableOrganizationsRootSessions" => Some((Feature::RootSessions, true)),
        "DisableOrganizationsRootCredentialsManagement" => {
            Some((Feature::RootCredentialsManagement, false))
        }
        "DisableOrganizationsRootSessions" => Some((Feature::RootSessions, false)),
        _ => return Err(ApiError::unknown_operation(Service::Iam, operation)),
    };
    let enabling = matches!(change, Some((_, true)));
    let organization_id = authorize(state, ctx, enabling)?;
    let features = &mut state.model.features;
    match change {
        Some((feature, true)) if !features.contains(&feature) => {
            features.push(feature);
            features.sort();
        }
        Some((feature, false)) => features.retain(|f| *f != feature),
        _ => {}
    }
    Ok(vec![
        XmlNode::text("OrganizationId", organization_id),
        XmlNode::text_list(
            "EnabledFeatures",
            features.iter().map(|f| f.as_str().to_owned()),
        ),
    ])
}

/// The preconditions every feature operation shares; answers the organization id.
fn authorize(state: &State, ctx: &Ctx<'_>, enabling: bool) -> Result<String, ApiError> {
    if ctx.caller.is_root_session() {
        return Err(ApiError::access_denied(
            Service::Iam,
            "root sessions may not manage organization features",
        ));
    }
    let account_id = ctx.caller.account_id();
    let organization = state.organization_of(account_id).ok_or_else(|| {
        ApiError::bad_request(
            "OrganizationNotFoundException",
            "The request failed because your account is not a member of an organization.",
        )
    })?;
    let organization_id = organization.id.clone();
    if !state.all_features() {
        return Err(ApiError::bad_request(
            "OrganizationNotInAllFeaturesModeException",
            "The request failed because your organization does not have all features enabled.",
        ));
    }
    let management = state.is_management(account_id);
    if !management && !state.is_delegated_admin(account_id, Some(IAM_SERVICE_PRINCIPAL)) {
        return Err(ApiError::bad_request(
            "AccountNotManagementOrDelegatedAdministratorException",
            "The request was rejected because the account is not the management account or delegated administrator account for centralized root access.",
        ));
    }
    if !state.trusted_access_visible(IAM_SERVICE_PRINCIPAL, ctx.propagation) {
        return Err(ApiError::bad_request(
            "ServiceAccessNotEnabledException",
            "The request was rejected because trusted access for IAM is not enabled in AWS Organizations.",
        ));
    }
    if enabling && !management {
        return Err(ApiError::bad_request(
            "CallerIsNotManagementAccountException",
            "The request was rejected because the account making the request is not the management account for the organization.",
        ));
    }
    Ok(organization_id)
}
