//! Resource policies (bucket and queue policies) as far as the sandbox reads them: what makes a
//! lock-out. A statement denies an action to everyone when its `Effect` is `Deny`, its
//! `Principal` is `"*"` (or `{"AWS": "*"}`), one of its `Action` patterns matches the action and
//! it has no `Condition`; such a statement refuses the account's own administrators too. Only
//! the account's root user (here: a root session with the unlock task policy) gets past it.
//! Statements with conditions, `NotPrincipal` or `NotAction` are not evaluated, and allow
//! statements grant nothing an administrator lacks, so neither refuses anyone here.

use super::error::{ApiError, Service};
use super::identity::Caller;
use serde_json::Value;

/// The `AccessDenied` of `service` for `caller` and `action`, saying `why`.
pub fn denied(service: Service, caller: &Caller, action: &str, why: &str) -> ApiError {
    let principal = match caller {
        Caller::RootSession { account_id, .. } => format!("arn:aws:iam::{account_id}:root"),
        other => format!("arn:aws:iam::{}:user/sandbox-admin", other.account_id()),
    };
    ApiError::access_denied(
        service,
        format!("User: {principal} is not authorized to perform: {action} {why}"),
    )
}

/// Whether `caller` may call `action` on `resource` (an ARN) of the account `owner`, whose
/// resource policy is `policy`: only the owner's own principals may, and of them only its
/// root user when the policy denies everyone.
pub fn check_access(
    service: Service,
    caller: &Caller,
    action: &str,
    (owner, resource): (&str, &str),
    policy: Option<&str>,
) -> Result<(), ApiError> {
    let on = format!("on resource: {resource}");
    if owner != caller.account_id() {
        return Err(denied(service, caller, action, &on));
    }
    let locked = policy.is_some_and(|policy| denies_everyone(policy, action));
    if locked && !caller.is_root_session() {
        return Err(denied(
            service,
            caller,
            action,
            &format!("{on} with an explicit deny in a resource-based policy"),
        ));
    }
    Ok(())
}

/// Whether `policy` (JSON text) denies `action` (e.g. `s3:GetBucketPolicy`) to every principal.
/// Text that is not a policy denies nothing.
pub fn denies_everyone(policy: &str, action: &str) -> bool {
    let Ok(document) = serde_json::from_str::<Value>(policy) else {
        return false;
    };
    let statements = match &document["Statement"] {
        Value::Array(statements) => statements.iter().collect(),
        statement @ Value::Object(_) => vec![statement],
        _ => Vec::new(),
    };
    statements.into_iter().any(|statement| {
        statement["Effect"] == "Deny"
            && statement.get("Condition").is_none()
            && names_everyone(&statement["Principal"])
            && strings(&statement["Action"]).any(|pattern| matches(pattern, action))
    })
}

/// Whether a `Principal` element is everyone: `"*"`, `{"AWS": "*"}` or `{"AWS": ["*"]}`.
fn names_everyone(principal: &Value) -> bool {
    principal == "*" || strings(&principal["AWS"]).any(|p| p == "*")
}

/// A string or an array of strings, as policy elements are written.
fn strings(value: &Value) -> impl Iterator<Item = &str> {
    let items: Vec<&str> = match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    items.into_iter()
}

/// IAM's action matching: case-insensitive, `*` for any run of characters, `?` for one.
fn matches(pattern: &str, action: &str) -> bool {
    fn glob(pattern: &[u8], text: &[u8]) -> bool {
        match (pattern.first(), text.first()) {
            (None, None) => true,
            (Some(b'*'), _) => {
                glob(&pattern[1..], text) || (!text.is_empty() && glob(pattern, &text[1..]))
            }
            (Some(b'?'), Some(_)) => glob(&pattern[1..], &text[1..]),
            (Some(p), Some(t)) if p.eq_ignore_ascii_case(t) => glob(&pattern[1..], &text[1..]),
            _ => false,
        }
    }
    glob(pattern.as_bytes(), action.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deny_of_everyone_without_condition_locks_out() {
        let deny = crate::seed::unlock::deny_everyone("s3");
        assert!(denies_everyone(&deny, "s3:GetBucketPolicy"));
        assert!(!denies_everyone(&deny, "sqs:GetQueueAttributes"));
        let reads = r#"{"Statement": {"Effect": "Deny", "Principal": {"AWS": ["*"]},
                        "Action": ["s3:Get*"], "Resource": "*"}}"#;
        assert!(denies_everyone(reads, "s3:getbucketpolicy"));
        assert!(!denies_everyone(reads, "s3:DeleteBucketPolicy"));
        let conditional = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*",
                              "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;
        assert!(!denies_everyone(conditional, "s3:GetBucketPolicy"));
        let one_role = r#"{"Statement": [{"Effect": "Deny",
                           "Principal": {"AWS": "arn:aws:iam::222222222222:role/x"}, "Action": "*"}]}"#;
        assert!(!denies_everyone(one_role, "s3:GetBucketPolicy"));
        let allow = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}"#;
        assert!(!denies_everyone(allow, "s3:GetBucketPolicy"));
        assert!(!denies_everyone("not json", "s3:GetBucketPolicy"));
        assert!(matches("sqs:*QueueAttributes", "sqs:SetQueueAttributes"));
        assert!(matches("s3:?etBucketPolicy", "s3:GetBucketPolicy"));
        assert!(!matches("s3:Put*", "s3:GetBucketPolicy"));
    }
}
