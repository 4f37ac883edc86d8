//! Organizations: trusted access, delegated administrators, the organization and its accounts.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::pagination::page;
use super::seed::{Account, Delegation, Organization, ROOT_ID, TrustedAccess, is_account_id};
use super::state::State;
use serde_json::{Map, Value, json};

/// The Organizations operations.
pub const OPERATIONS: [&str; 12] = [
    "EnableAWSServiceAccess",
    "DisableAWSServiceAccess",
    "ListAWSServiceAccessForOrganization",
    "RegisterDelegatedAdministrator",
    "DeregisterDelegatedAdministrator",
    "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount",
    "DescribeOrganization",
    "DescribeAccount",
    "ListAccounts",
    "ListAccountsForParent",
    "ListOrganizationalUnitsForParent",
];

/// The operations that can answer ConcurrentModificationException.
pub fn is_mutating(operation: &str) -> bool {
    matches!(
        operation,
        "EnableAWSServiceAccess"
            | "DisableAWSServiceAccess"
            | "RegisterDelegatedAdministrator"
            | "DeregisterDelegatedAdministrator"
    )
}

type Input = Map<String, Value>;

/// Runs one Organizations operation.
pub fn handle(
    state: &mut State,
    ctx: &Ctx<'_>,
    operation: &str,
    input: &Input,
) -> Result<Value, ApiError> {
    if ctx.caller.is_root_session() {
        return Err(denied());
    }
    let caller = ctx.caller.account_id();
    let organization = state.organization_of(caller).cloned().ok_or_else(|| {
        ApiError::bad_request(
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        )
    })?;
    let management = state.is_management(caller);
    let administrator = management || state.is_delegated_admin(caller, None);
    let allowed = match operation {
        "DescribeOrganization" => true,
        "ListAWSServiceAccessForOrganization"
        | "ListDelegatedAdministrators"
        | "ListDelegatedServicesForAccount"
        | "DescribeAccount"
        | "ListAccounts"
        | "ListAccountsForParent"
        | "ListOrganizationalUnitsForParent" => administrator,
        _ => management,
    };
    if !allowed && OPERATIONS.contains(&operation) {
        return Err(denied());
    }
    let now = ctx.now;
    match operation {
        "EnableAWSServiceAccess" => enable_service_access(state, input, now),
        "DisableAWSServiceAccess" => {
            let principal = service_principal(input)?;
            state
                .model
                .trusted_access
                .retain(|t| t.service_principal != principal);
            Ok(json!({}))
        }
        "ListAWSServiceAccessForOrganization" => {
            let (items, next) = page(&state.model.trusted_access, operation, input)?;
            let items: Vec<Value> = items
                .iter()
                .map(|t| json!({"ServicePrincipal": t.service_principal, "DateEnabled": t.date_enabled}))
                .collect();
            Ok(with_token(json!({"EnabledServicePrincipals": items}), next))
        }
        "RegisterDelegatedAdministrator" => register(state, &organization, input, now),
        "DeregisterDelegatedAdministrator" => deregister(state, input),
        "ListDelegatedAdministrators" => list_delegated(state, &organization, operation, input),
        "ListDelegatedServicesForAccount" => list_delegated_services(state, operation, input),
        "DescribeOrganization" => Ok(describe(state, &organization)),
        "DescribeAccount" => {
            let id = account_id(input)?;
            match state.account(&id).filter(|a| a.in_organization) {
                Some(account) => Ok(json!({"Account": account_json(account, &organization)})),
                None => Err(not_found(&id)),
            }
        }
        "ListAccounts" => {
            let accounts: Vec<Value> = state
                .organization_accounts()
                .map(|a| account_json(a, &organization))
                .collect();
            let (items, next) = page(&accounts, operation, input)?;
            Ok(with_token(json!({"Accounts": items}), next))
        }
        "ListAccountsForParent" => {
            let parent = parent_id(state, input)?;
            let accounts: Vec<Value> = state
                .organization_accounts()
                .filter(|a| a.parent_id() == parent)
                .map(|a| account_json(a, &organization))
                .collect();
            let (items, next) = page(&accounts, operation, input)?;
            Ok(with_token(json!({"Accounts": items}), next))
        }
        "ListOrganizationalUnitsForParent" => {
            let parent = parent_id(state, input)?;
            let units: Vec<Value> = state
                .model
                .organizational_units
                .iter()
                .filter(|u| u.parent() == parent)
                .map(|u| json!({"Id": u.id, "Name": u.name, "Arn": format!("arn:aws:organizations::{}:ou/{}/{}", organization.management_account_id, organization.id, u.id)}))
                .collect();
            let (items, next) = page(&units, operation, input)?;
            Ok(with_token(json!({"OrganizationalUnits": items}), next))
        }
        _ => Err(ApiError::unknown_operation(
            Service::Organizations,
            operation,
        )),
    }
}

/// `ParentId`: the root or a seeded organizational unit.
fn parent_id<'a>(state: &State, input: &'a Input) -> Result<&'a str, ApiError> {
    let parent = input
        .get("ParentId")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("InvalidInputException", "ParentId is required."))?;
    let known = parent == ROOT_ID
        || state
            .model
            .organizational_units
            .iter()
            .any(|u| u.id == parent);
    if known {
        Ok(parent)
    } else {
        Err(ApiError::bad_request(
            "ParentNotFoundException",
            format!("We can't find a root or OU with the ParentId {parent}."),
        ))
    }
}

fn denied() -> ApiError {
    ApiError::access_denied(
        Service::Organizations,
        "You don't have permissions to access this resource.",
    )
}

fn with_token(mut body: Value, next: Option<String>) -> Value {
    if let (Some(token), Value::Object(map)) = (next, &mut body) {
        map.insert("NextToken".to_owned(), Value::from(token));
    }
    body
}

fn service_principal(input: &Input) -> Result<String, ApiError> {
    let principal = input
        .get("ServicePrincipal")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::invalid_input("INPUT_REQUIRED", "You must specify a ServicePrincipal.")
        })?;
    let valid = (1..=128).contains(&principal.len())
        && principal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !valid {
        return Err(ApiError::invalid_input(
            "INVALID_PATTERN",
            format!(
                "ServicePrincipal {principal:?} does not match the pattern [\\w+=,.@-]{{1,128}}."
            ),
        ));
    }
    Ok(principal.to_owned())
}

fn account_id(input: &Input) -> Result<String, ApiError> {
    let id = input
        .get("AccountId")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::invalid_input("INPUT_REQUIRED", "You must specify an AccountId.")
        })?;
    if !is_account_id(id) {
        return Err(ApiError::invalid_input(
            "INVALID_PATTERN",
            format!("AccountId {id:?} must be exactly 12 digits."),
        ));
    }
    Ok(id.to_owned())
}

fn enable_service_access(state: &mut State, input: &Input, now: i64) -> Result<Value, ApiError> {
    let principal = service_principal(input)?;
    if !state.all_features() {
        return Err(ApiError::constraint_violation(
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
            "Trusted access needs an organization with all features enabled.",
        ));
    }
    if !state.trusted_access(&principal) {
        state.model.trusted_access.push(TrustedAccess {
            service_principal: principal.clone(),
            date_enabled: now,
        });
        state.mark_trusted_access_enabled(&principal);
    }
    Ok(json!({}))
}

fn not_found(account: &str) -> ApiError {
    ApiError::bad_request(
        "AccountNotFoundException",
        format!("You specified an account that doesn't exist: {account}."),
    )
}

fn register(
    state: &mut State,
    organization: &Organization,
    input: &Input,
    now: i64,
) -> Result<Value, ApiError> {
    let account = account_id(input)?;
    let principal = service_principal(input)?;
    if account == organization.management_account_id {
        return Err(ApiError::constraint_violation(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            "You cannot register the management account of the organization as a delegated administrator.",
        ));
    }
    if state.organization_of(&account).is_none() {
        return Err(not_found(&account));
    }
    if state.is_delegated_admin(&account, Some(&principal)) {
        return Err(ApiError::bad_request(
            "AccountAlreadyRegisteredException",
            format!(
                "The account {account} is already registered as a delegated administrator for {principal}."
            ),
        ));
    }
    if !state.trusted_access(&principal) {
        return Err(ApiError::constraint_violation(
            "SERVICE_ACCESS_NOT_ENABLED",
            format!(
                "Trusted access for {principal} is not enabled: enable it before registering a delegated administrator."
            ),
        ));
    }
    let registered = state
        .model
        .delegated_administrators
        .iter()
        .filter(|d| d.service_principal == principal)
        .count();
    if state
        .model
        .max_delegated_administrators_per_service
        .is_some_and(|max| registered >= max)
    {
        return Err(ApiError::constraint_violation(
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
            format!("{principal} already has the maximum number of delegated administrators."),
        ));
    }
    state.model.delegated_administrators.push(Delegation {
        account_id: account,
        service_principal: principal,
        delegation_enabled_date: now,
    });
    Ok(json!({}))
}

fn deregister(state: &mut State, input: &Input) -> Result<Value, ApiError> {
    let account = account_id(input)?;
    let principal = service_principal(input)?;
    if state.organization_of(&account).is_none() {
        return Err(not_found(&account));
    }
    let before = state.model.delegated_administrators.len();
    state
        .model
        .delegated_administrators
        .retain(|d| !(d.account_id == account && d.service_principal == principal));
    if state.model.delegated_administrators.len() == before {
        return Err(ApiError::bad_request(
            "AccountNotRegisteredException",
            format!(
                "The account {account} is not registered as a delegated administrator for {principal}."
            ),
        ));
    }
    Ok(json!({}))
}

fn account_arn(organization: &Organization, account: &str) -> String {
    format!(
        "arn:aws:organizations::{}:account/{}/{account}",
        organization.management_account_id, organization.id
    )
}

fn account_json(account: &Account, organization: &Organization) -> Value {
    json!({
        "Id": account.id,
        "Arn": account_arn(organization, &account.id),
        "Email": account.email,
        "Name": account.name,
        "Status": account.status,
        "State": account.status,
        "JoinedMethod": account.joined_method,
        "JoinedTimestamp": account.joined_timestamp,
    })
}

fn list_delegated(
    state: &State,
    organization: &Organization,
    operation: &str,
    input: &Input,
) -> Result<Value, ApiError> {
    let filter = match input.get("ServicePrincipal") {
        None | Some(Value::Null) => None,
        Some(_) => Some(service_principal(input)?),
    };
    // One entry per account; its delegation date is its earliest matching registration.
    let mut entries: Vec<(String, i64)> = Vec::new();
    for delegation in &state.model.delegated_administrators {
        if filter
            .as_deref()
            .is_some_and(|p| p != delegation.service_principal)
        {
            continue;
        }
        match entries
            .iter_mut()
            .find(|(id, _)| *id == delegation.account_id)
        {
            Some((_, date)) => *date = (*date).min(delegation.delegation_enabled_date),
            None => entries.push((
                delegation.account_id.clone(),
                delegation.delegation_enabled_date,
            )),
        }
    }
    let (items, next) = page(&entries, operation, input)?;
    let items: Vec<Value> = items
        .iter()
        .filter_map(|(id, date)| {
            let mut entry = account_json(state.account(id)?, organization);
            if let Value::Object(map) = &mut entry {
                map.insert("DelegationEnabledDate".to_owned(), Value::from(*date));
            }
            Some(entry)
        })
        .collect();
    Ok(with_token(json!({"DelegatedAdministrators": items}), next))
}

/// The services `AccountId` is delegated administrator for, with when each was delegated.
/// AWS answers AccountNotRegisteredException for an account that administers none.
fn list_delegated_services(
    state: &State,
    operation: &str,
    input: &Input,
) -> Result<Value, ApiError> {
    let account = account_id(input)?;
    if state.organization_of(&account).is_none() {
        return Err(not_found(&account));
    }
    let services: Vec<(String, i64)> = state
        .model
        .delegated_administrators
        .iter()
        .filter(|d| d.account_id == account)
        .map(|d| (d.service_principal.clone(), d.delegation_enabled_date))
        .collect();
    if services.is_empty() {
        return Err(ApiError::bad_request(
            "AccountNotRegisteredException",
            "The provided account is not a registered delegated administrator for your organization.",
        ));
    }
    let (items, next) = page(&services, operation, input)?;
    let items: Vec<Value> = items
        .iter()
        .map(|(principal, date)| json!({"ServicePrincipal": principal, "DelegationEnabledDate": date}))
        .collect();
    Ok(with_token(json!({"DelegatedServices": items}), next))
}

fn describe(state: &State, organization: &Organization) -> Value {
    let management = &organization.management_account_id;
    let email = state
        .account(management)
        .map(|a| a.email.clone())
        .unwrap_or_default();
    json!({"Organization": {
        "Id": organization.id,
        "Arn": format!("arn:aws:organizations::{management}:organization/{}", organization.id),
        "FeatureSet": organization.feature_set.as_str(),
        "MasterAccountArn": account_arn(organization, management),
        "MasterAccountId": management,
        "MasterAccountEmail": email,
        "AvailablePolicyTypes": [],
    }})
}
