//! What an explicit deny of a service control policy says, read from AWS's message:
//!
//! `User: arn:aws:iam::222222222222:root is not authorized to perform: iam:ListAccessKeys on
//! resource: arn:aws:iam::222222222222:root with an explicit deny in a service control policy:
//! arn:aws:organizations::111111111111:policy/o-exampleorg/service_control_policy/p-examplepolicy`
//!
//! AWS names the policy only in that text (older answers end at "service control policy"), so
//! it is parsed once here; a message of another shape gives no [`ScpDenial`].

use super::AwsError;

/// An explicit deny of a service control policy, as AWS described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpDenial {
    /// The principal refused, e.g. `arn:aws:iam::222222222222:root` in a root session.
    pub principal: String,
    /// The account of that principal, whose policies applied.
    pub account_id: String,
    /// The action refused, e.g. `iam:ListAccessKeys` or `sts:AssumeRoot`.
    pub action: String,
    /// The resource of the action, when AWS named it.
    pub resource: Option<String>,
    /// The policy's ARN, when AWS named it.
    pub policy_arn: Option<String>,
}

impl ScpDenial {
    /// Whether the refused principal is a member's root user, i.e. the call was made inside a
    /// root session.
    pub fn in_root_session(&self) -> bool {
        self.principal.ends_with(":root")
    }

    /// The policy's id (`p-…`), the last part of its ARN.
    pub fn policy_id(&self) -> Option<&str> {
        self.policy_arn.as_deref()?.rsplit('/').next()
    }

    /// Reads `message`, or `None` when it is not an explicit deny of a service control policy.
    pub fn parse(message: &str) -> Option<ScpDenial> {
        const DENY: &str = " with an explicit deny in a service control policy";
        let (request, policy) = message.split_once(DENY)?;
        let policy_arn = policy
            .strip_prefix(':')
            .map(str::trim)
            .and_then(|rest| rest.split_whitespace().next())
            .map(|arn| arn.trim_end_matches('.').to_owned())
            .filter(|arn| arn.starts_with("arn:"));
        let rest = request.strip_prefix("User: ")?;
        let (principal, rest) = rest.split_once(" is not authorized to perform: ")?;
        let (action, resource) = match rest.split_once(" on resource: ") {
            Some((action, resource)) => (action, Some(resource.trim().to_owned())),
            None => (rest, None),
        };
        let account_id = principal.split(':').nth(4)?.to_owned();
        Some(ScpDenial {
            principal: principal.to_owned(),
            account_id,
            action: action.trim().to_owned(),
            resource,
            policy_arn,
        })
    }
}

impl AwsError {
    /// The service control policy that denied the call, as AWS's message describes it.
    pub fn scp_denial(&self) -> Option<ScpDenial> {
        ScpDenial::parse(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "arn:aws:organizations::111111111111:policy/o-exampleorg/\
                          service_control_policy/p-examplepolicy";

    #[test]
    fn a_deny_inside_a_root_session_names_the_policy_the_account_and_the_action() {
        let message = format!(
            "User: arn:aws:iam::222222222222:root is not authorized to perform: \
             iam:ListAccessKeys on resource: arn:aws:iam::222222222222:root with an explicit \
             deny in a service control policy: {POLICY}"
        );
        let denial = ScpDenial::parse(&message).expect("an SCP deny");
        assert_eq!(denial.principal, "arn:aws:iam::222222222222:root");
        assert_eq!(denial.account_id, "222222222222");
        assert_eq!(denial.action, "iam:ListAccessKeys");
        assert_eq!(
            denial.resource.as_deref(),
            Some("arn:aws:iam::222222222222:root")
        );
        assert_eq!(denial.policy_arn.as_deref(), Some(POLICY));
        assert_eq!(denial.policy_id(), Some("p-examplepolicy"));
        assert!(denial.in_root_session());
    }

    #[test]
    fn a_deny_of_assume_root_in_another_partition_and_the_older_message_read_too() {
        let gov = "User: arn:aws-us-gov:sts::333333333333:assumed-role/Terraform/run is not \
                   authorized to perform: sts:AssumeRoot on resource: \
                   arn:aws-us-gov:iam::222222222222:root with an explicit deny in a service \
                   control policy: arn:aws-us-gov:organizations::111111111111:policy/o-x/\
                   service_control_policy/p-noroottask1.";
        let denial = ScpDenial::parse(gov).unwrap();
        assert_eq!(denial.account_id, "333333333333");
        assert_eq!(denial.action, "sts:AssumeRoot");
        assert!(!denial.in_root_session());
        assert_eq!(denial.policy_id(), Some("p-noroottask1"));

        let older = "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: \
                     sts:AssumeRoot on resource: arn:aws:iam::222222222222:root with an explicit \
                     deny in a service control policy";
        let denial = ScpDenial::parse(older).unwrap();
        assert_eq!(denial.policy_arn, None);
        assert_eq!(denial.account_id, "111111111111");

        assert_eq!(ScpDenial::parse("not authorized"), None);
        assert_eq!(
            ScpDenial::parse("with an explicit deny in a service control policy: arn:x"),
            None,
            "no principal"
        );
    }
}
