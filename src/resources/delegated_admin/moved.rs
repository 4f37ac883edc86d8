//! `moved` blocks from hashicorp/aws's `aws_organizations_delegated_administrator`.

use super::TYPE_NAME;
use super::model::{Registration, RegistrationId};
use super::validation::is_service_principal;
use super::{ID, SERVICE_PRINCIPAL};
use crate::aws::DelegatedAdmin;
use crate::framework::resource::{MoveSource, MoveStateRequest, MoveStateResponse};
use crate::types_common::delegated_admin::{
    ACCOUNT_ID, ARN, DELEGATION_ENABLED_DATE, EMAIL, JOINED_METHOD, JOINED_TIMESTAMP, NAME, STATUS,
};
use crate::types_common::moved::{self, MoveError};
use crate::types_common::root_task::is_account_id;

/// The hashicorp/aws type whose state `moved` blocks bring here.
pub(super) const MOVE_SOURCE: MoveSource = MoveSource {
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

/// Reads the source state of a `moved` block.
pub(super) fn move_state(req: MoveStateRequest, resp: &mut MoveStateResponse) {
    moved::answer(&req, resp, TYPE_NAME, &MOVE_SOURCE, |req| {
        moved_registration(&req.source_state, req.source_identity.as_ref())
            .map(|registration| registration.to_value())
    });
}

#[cfg(test)]
mod tests {
    use crate::framework::values::ValueExt;
    use crate::resources::delegated_admin::DelegatedAdminResource;
    use crate::resources::test_support::{
        STATE_5, STATE_6, error_text, fixture, move_request, moved_fixture, refused_move,
    };

    #[tokio::test]
    async fn delegated_admins_move_from_both_hashicorp_aws_versions() {
        for fixture_state in [STATE_5, STATE_6] {
            let (state, resp) = moved_fixture(
                &DelegatedAdminResource,
                fixture_state,
                "aws_organizations_delegated_administrator",
            )
            .await;
            assert!(!resp.diagnostics.has_errors(), "{}", error_text(&resp));
            for name in [
                "id",
                "account_id",
                "service_principal",
                "arn",
                "email",
                "name",
                "status",
                "joined_method",
                "joined_timestamp",
                "delegation_enabled_date",
            ] {
                assert_eq!(
                    resp.state.attr(name).as_str(),
                    state[name].as_str(),
                    "{name}"
                );
            }
        }
    }

    #[tokio::test]
    async fn unreadable_sources_are_refused_naming_what_is_accepted() {
        let (admin, identity) = fixture(STATE_6, "aws_organizations_delegated_administrator");
        let mut bad_id = admin.clone();
        bad_id["id"] = serde_json::json!("222222222222/sso.amazonaws.com");
        let mut other_identity = identity.clone().expect("6.x has an identity");
        other_identity["delegated_account_id"] = serde_json::json!("333333333333");
        let cases = [
            (
                move_request("aws_organizations_delegated_administrator", bad_id, None),
                "222222222222/iam.amazonaws.com",
            ),
            (
                move_request(
                    "aws_organizations_delegated_administrator",
                    admin,
                    Some(other_identity),
                ),
                "delegated_account_id",
            ),
        ];
        for (req, mention) in cases {
            refused_move(&DelegatedAdminResource, req, mention).await;
        }
    }
}
