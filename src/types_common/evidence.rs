//! The root session of a change, as resources keep it in state and actions print it, so that an
//! auditor can join the change to CloudTrail: the `AssumeRoot` event carries the session's access
//! key id and task policy ARN, and the member's events made in the session the same access key
//! id. Never a secret.

use crate::aws::SessionEvidence;
use crate::cty::{Type, Value};
use crate::framework::attributes::object;
use crate::framework::schema::Attribute;

/// The attribute holding the root session of the last change.
pub const ROOT_SESSION: &str = "root_session";

/// The session's temporary access key id.
pub const ACCESS_KEY_ID: &str = "access_key_id";
/// The ARN of the task policy the session was limited to.
pub const TASK_POLICY_ARN: &str = "task_policy_arn";
/// When AWS granted the session, RFC 3339.
pub const OPENED_AT: &str = "opened_at";

/// What auditors read in each field, appended to each type's own description.
const FIELDS: &str = "`access_key_id` is the session's temporary access key ID (CloudTrail's \
                      `AssumeRoot` event names it in `responseElements.credentials.accessKeyId`, \
                      and the member account's events made in the session in \
                      `userIdentity.accessKeyId`), `task_policy_arn` the task policy it was \
                      limited to (`requestParameters.taskPolicyArn.arn`), and `opened_at` when \
                      AWS granted it (RFC 3339). Never a secret.";

/// The type of [`ROOT_SESSION`].
pub fn root_session_type() -> Type {
    Type::object([
        (ACCESS_KEY_ID, Type::String),
        (TASK_POLICY_ARN, Type::String),
        (OPENED_AT, Type::String),
    ])
}

/// The computed [`ROOT_SESSION`] attribute, described as `what` then its fields.
pub fn root_session_attribute(what: &str) -> Attribute {
    Attribute::computed(root_session_type()).description(format!("{what} {FIELDS}"))
}

/// `session` as the value of [`ROOT_SESSION`].
pub fn root_session_value(session: &SessionEvidence) -> Value {
    object([
        (ACCESS_KEY_ID, Value::from(session.access_key_id.as_str())),
        (
            TASK_POLICY_ARN,
            Value::from(session.task_policy_arn.as_str()),
        ),
        (OPENED_AT, Value::from(session.opened_at_rfc3339())),
    ])
}

/// `session` in one line of text, for progress events and diagnostics:
/// `root session ASIA… (arn:…/IAMDeleteRootUserCredentials), opened 2026-…Z`.
pub fn describe(session: &SessionEvidence) -> String {
    format!(
        "root session {} ({}), opened {}",
        session.access_key_id,
        session.task_policy_arn,
        session.opened_at_rfc3339()
    )
}

/// `session` as the progress line of an action that opened it: the account, then
/// [`describe`].
pub fn line(session: &SessionEvidence) -> String {
    format!("{}: {}", session.account_id, describe(session))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::aws::{Partition, TaskPolicy};
    use crate::framework::values::ValueExt;

    fn session() -> SessionEvidence {
        SessionEvidence {
            account_id: "222222222222".into(),
            access_key_id: "ASIAEXAMPLE".into(),
            task_policy: TaskPolicy::DeleteRootUserCredentials,
            task_policy_arn: TaskPolicy::DeleteRootUserCredentials.arn(Partition::Aws),
            opened_at: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        }
    }

    #[test]
    fn the_value_and_the_line_name_the_key_the_policy_and_the_time() {
        let value = root_session_value(&session());
        assert_eq!(value.attr(ACCESS_KEY_ID).as_str(), Some("ASIAEXAMPLE"));
        assert_eq!(
            value.attr(TASK_POLICY_ARN).as_str(),
            Some("arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials")
        );
        assert_eq!(value.attr(OPENED_AT).as_str(), Some("2023-11-14T22:13:20Z"));
        let ty = root_session_type();
        let wire = crate::cty::msgpack::encode(&value, &ty).expect("of its type");
        assert_eq!(crate::cty::msgpack::decode(&wire, &ty), Ok(value));
        assert_eq!(
            describe(&session()),
            "root session ASIAEXAMPLE \
             (arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials), opened \
             2023-11-14T22:13:20Z"
        );
    }
}
