//! What the password recovery resource and action share: how they describe what they need and
//! what they did, so that both say it in the same words.

use crate::aws::LoginProfileCreation;
use crate::framework::diagnostics::Diagnostic;

/// The description of their `account_id`, which refusals of the root session point at.
pub const ACCOUNT_ID_DESCRIPTION: &str = "The 12-digit ID of a member account (not the management account, which has no root \
     session). When AWS refuses the root session, the error on this argument lists what to \
     enable: both IAM organization features, trusted access for IAM, and a caller that is the \
     management account or the IAM delegated administrator.";

/// What AWS requires, for their descriptions.
pub const REQUIREMENTS: &str = "The provider must run as the management account or as the IAM delegated administrator, \
     with trusted access for IAM and both IAM organization features enabled \
     (RootCredentialsManagement and RootSessions: AWS ties the recovery of a root password to \
     RootSessions, and by some readings to both).";

/// The warning of a recovery that found a login profile already there.
pub fn already_there(account_id: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("Account {account_id} already had a login profile"),
        format!(
            "AWS answered EntityAlreadyExists: the root user of account {account_id} has a login \
             profile already, so it could recover its password before (or it still has one). \
             Nothing was changed. Ending recovery (destroying the resource) deletes that login \
             profile, and any password set through it."
        ),
    )
}

/// One line on what a recovery did, for progress events.
pub fn outcome(account_id: &str, creation: &LoginProfileCreation) -> String {
    let at = match creation.created() {
        "" => String::new(),
        created => format!(" (created {created})"),
    };
    match creation {
        LoginProfileCreation::Created(_) => format!(
            "{account_id}: login profile created{at}: the root user can now set a password \
             with \"Forgot password\" on the sign-in page, from the account's root email"
        ),
        LoginProfileCreation::AlreadyThere(_) => format!(
            "{account_id}: a login profile was already there{at}: password recovery was \
             already possible; nothing changed"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outcome_says_what_changed_and_when() {
        let created = LoginProfileCreation::Created("2026-01-02T03:04:05Z".into());
        assert_eq!(
            outcome("222222222222", &created),
            "222222222222: login profile created (created 2026-01-02T03:04:05Z): the root user \
             can now set a password with \"Forgot password\" on the sign-in page, from the \
             account's root email"
        );
        let there = LoginProfileCreation::AlreadyThere(String::new());
        assert!(
            outcome("222222222222", &there).ends_with(
                "already there: password recovery was \
                                                       already possible; nothing changed"
            ),
            "{}",
            outcome("222222222222", &there)
        );
    }
}
