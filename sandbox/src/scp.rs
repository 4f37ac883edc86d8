//! Service control policies: the explicit deny of a policy attached to the caller's account,
//! answered with AWS's message, which names the policy's ARN.
//!
//! A policy holds one deny statement ([`ServiceControlPolicy`]). It applies to the principals
//! of the account it is attached to: the account's root sessions (unless the statement exempts
//! them with `"Null": {"aws:AssumedRoot": "true"}`) and its administrator and roles, such as an
//! IAM delegated administrator calling `sts:AssumeRoot`. As in AWS, no policy applies to the
//! management account.

use super::error::{ApiError, Service};
use super::identity::{Caller, root_arn};
use super::seed::{DEFAULT_POLICY_ID, ServiceControlPolicy};
use super::state::State;

/// AWS's refusal of `action` on `resource` for `caller`, by the policy `policy_id`.
fn explicit_deny(
    state: &State,
    service: Service,
    caller: &Caller,
    action: &str,
    resource: &str,
    policy_id: &str,
) -> ApiError {
    let partition = &state.model.partition;
    let policy = state
        .model
        .policy_arn(policy_id)
        .unwrap_or_else(|| policy_id.to_owned());
    ApiError::access_denied(
        service,
        format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} with an \
             explicit deny in a service control policy: {policy}",
            caller.arn(partition)
        ),
    )
}

/// The policy attached to the caller's account that denies `action` to the caller, if any.
fn denying_policy<'a>(
    state: &'a State,
    caller: &Caller,
    action: &str,
) -> Option<&'a ServiceControlPolicy> {
    let account_id = caller.account_id();
    if state.organization_of(account_id).is_none() || state.is_management(account_id) {
        return None;
    }
    state
        .account(account_id)?
        .service_control_policy
        .as_ref()
        .filter(|policy| policy.names(action))
        .filter(|policy| !(policy.exempt_root_sessions && caller.is_root_session()))
}

/// The refusal of `action` (`service:Operation`) on `resource` when a service control policy
/// of the caller's account denies it to the caller.
pub fn denial(
    state: &State,
    service: Service,
    caller: &Caller,
    action: &str,
    resource: &str,
) -> Option<ApiError> {
    let policy = denying_policy(state, caller, action)?;
    Some(explicit_deny(
        state, service, caller, action, resource, &policy.id,
    ))
}

/// The refusal of `sts:AssumeRoot` on `target` by its `assume_root_denied` switch, naming the
/// target's policy (or [`DEFAULT_POLICY_ID`]).
pub fn switch_denial(state: &State, caller: &Caller, target: &str) -> Option<ApiError> {
    let account = state.account(target).filter(|a| a.assume_root_denied)?;
    let policy_id = account
        .service_control_policy
        .as_ref()
        .map_or(DEFAULT_POLICY_ID, |p| p.id.as_str());
    let resource = root_arn(&state.model.partition, target);
    Some(explicit_deny(
        state,
        Service::Sts,
        caller,
        "sts:AssumeRoot",
        &resource,
        policy_id,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;

    fn state_with(policy: ServiceControlPolicy, on: &str) -> State {
        let mut seed = Seed::default_seed();
        for account in &mut seed.accounts {
            if account.id == on {
                account.service_control_policy = Some(policy.clone());
            }
        }
        State::new(seed, 10)
    }

    fn root_session(account_id: &str) -> Caller {
        Caller::RootSession {
            account_id: account_id.to_owned(),
            access_key_id: "ASIAEXAMPLE".to_owned(),
            task_policy: crate::identity::TaskPolicy::AuditRootUserCredentials,
            expiration: 0,
        }
    }

    fn administrator(account_id: &str) -> Caller {
        Caller::Account {
            account_id: account_id.to_owned(),
            access_key_id: "AKIAEXAMPLE".to_owned(),
        }
    }

    fn policy(actions: &[&str], exempt: bool) -> ServiceControlPolicy {
        ServiceControlPolicy {
            id: "p-examplepolicy".to_owned(),
            denied_actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            exempt_root_sessions: exempt,
        }
    }

    #[test]
    fn a_deny_names_the_principal_the_action_the_resource_and_the_policy() {
        let state = state_with(policy(&["iam:*"], false), "222222222222");
        let resource = root_arn("aws", "222222222222");
        let refused = denial(
            &state,
            Service::Iam,
            &root_session("222222222222"),
            "iam:ListAccessKeys",
            &resource,
        )
        .expect("denied");
        assert_eq!(refused.code, "AccessDenied");
        assert_eq!(
            refused.message,
            "User: arn:aws:iam::222222222222:root is not authorized to perform: \
             iam:ListAccessKeys on resource: arn:aws:iam::222222222222:root with an explicit deny \
             in a service control policy: \
             arn:aws:organizations::111111111111:policy/o-sandbox1234/service_control_policy/p-examplepolicy"
        );
        assert!(
            denial(
                &state,
                Service::Iam,
                &root_session("333333333333"),
                "iam:ListAccessKeys",
                "*"
            )
            .is_none(),
            "another account"
        );
        assert!(
            denial(
                &state,
                Service::Sts,
                &administrator("222222222222"),
                "sts:AssumeRoot",
                "*"
            )
            .is_none(),
            "another action"
        );
    }

    #[test]
    fn the_assumed_root_exemption_spares_root_sessions_only() {
        let state = state_with(policy(&["*"], true), "222222222222");
        assert!(
            denial(
                &state,
                Service::Iam,
                &root_session("222222222222"),
                "iam:ListAccessKeys",
                "*"
            )
            .is_none()
        );
        let refused = denial(
            &state,
            Service::Sts,
            &administrator("222222222222"),
            "sts:AssumeRoot",
            "arn:aws:iam::333333333333:root",
        )
        .expect("the administrator is no root session");
        assert!(
            refused.message.starts_with(
                "User: arn:aws:iam::222222222222:user/sandbox-admin is not authorized"
            )
        );
    }

    #[test]
    fn no_policy_applies_to_the_management_account() {
        let state = state_with(policy(&["*"], false), "111111111111");
        assert!(
            denial(
                &state,
                Service::Sts,
                &administrator("111111111111"),
                "sts:AssumeRoot",
                "*"
            )
            .is_none()
        );
    }
}
