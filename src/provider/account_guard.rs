//! `allowed_account_ids` and `forbidden_account_ids`: the guard `hashicorp/aws` users put on
//! management-account configurations, with the same meaning. The account the credentials
//! belong to (`sts:GetCallerIdentity`) is checked once, when the provider is configured, so a
//! mismatch stops Terraform before any resource is read or written.

use std::collections::BTreeSet;

use crate::aws::{Aws, CallerIdentity};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::values::ValueExt;
use crate::types_common::advice;
use crate::types_common::root_task::is_account_id;

/// The argument listing the only accounts the credentials may belong to.
pub const ALLOWED: &str = "allowed_account_ids";
/// The argument listing accounts the credentials must not belong to.
pub const FORBIDDEN: &str = "forbidden_account_ids";

/// Which accounts the provider may run as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountGuard {
    /// Only these accounts.
    Allowed(BTreeSet<String>),
    /// Any account but these.
    Forbidden(BTreeSet<String>),
}

/// The known strings of a known set; `None` while the set or an element is unknown.
fn known_ids(value: &Value) -> Option<BTreeSet<String>> {
    value
        .elements()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Whether the argument is written in the configuration, known or not.
fn is_set(config: &Value, name: &str) -> bool {
    !config.attr(name).is_null()
}

/// The validation of both arguments: 12-digit IDs, not both at once, and a warning for an
/// empty list, which (as in `hashicorp/aws`) checks nothing.
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    if is_set(config, ALLOWED) && is_set(config, FORBIDDEN) {
        diags.attribute_error(
            AttributePath::root(FORBIDDEN),
            "Conflicting account guards",
            format!(
                "{ALLOWED} and {FORBIDDEN} cannot both be set: list the accounts the \
                 provider may run as in {ALLOWED}, or the ones it must not run as in \
                 {FORBIDDEN}."
            ),
        );
    }
    for name in [ALLOWED, FORBIDDEN] {
        let value = config.attr(name);
        for id in value.elements().unwrap_or_default() {
            if let Some(text) = id.as_str().filter(|text| !is_account_id(text)) {
                diags.attribute_error(
                    AttributePath::root(name),
                    "Invalid account ID",
                    format!("{name} holds {text:?}, which is not a 12-digit AWS account ID."),
                );
            }
        }
        if value.elements().is_some_and(<[Value]>::is_empty) {
            diags.attribute_warning(
                AttributePath::root(name),
                "Empty account list",
                format!(
                    "{name} is empty, so no account is checked (as in hashicorp/aws). List the \
                     accounts, or remove the argument."
                ),
            );
        }
    }
}

impl AccountGuard {
    /// The guard the configuration sets; `None` when it sets none, when the list is empty, or
    /// while it is unknown (the provider is configured again, with known values, before apply).
    pub fn from_config(config: &Value) -> Option<Self> {
        let allowed = known_ids(config.attr(ALLOWED)).filter(|ids| !ids.is_empty());
        let forbidden = known_ids(config.attr(FORBIDDEN)).filter(|ids| !ids.is_empty());
        match (allowed, forbidden) {
            (Some(ids), _) => Some(Self::Allowed(ids)),
            (None, Some(ids)) => Some(Self::Forbidden(ids)),
            (None, None) => None,
        }
    }

    fn argument(&self) -> &'static str {
        match self {
            Self::Allowed(_) => ALLOWED,
            Self::Forbidden(_) => FORBIDDEN,
        }
    }

    fn ids(&self) -> &BTreeSet<String> {
        match self {
            Self::Allowed(ids) | Self::Forbidden(ids) => ids,
        }
    }

    fn listed(&self) -> String {
        let quoted: Vec<String> = self.ids().iter().map(|id| format!("{id:?}")).collect();
        format!("[{}]", quoted.join(", "))
    }

    /// The error for credentials of an account the guard does not accept, on the argument.
    pub fn check(&self, identity: &CallerIdentity) -> Result<(), Diagnostic> {
        let account = &identity.account_id;
        let listed = self.ids().contains(account);
        let why = match self {
            Self::Allowed(_) if !listed => "which is not in",
            Self::Forbidden(_) if listed => "which is in",
            _ => return Ok(()),
        };
        Err(Diagnostic::error(
            "AWS account not allowed",
            format!(
                "The provider's credentials belong to account {account} ({}), {why} {} = {}. \
                 The provider stopped before reading or changing anything. Run it with the \
                 credentials of the intended account (profile, assume_role or the \
                 environment), or correct {}.",
                identity.arn,
                self.argument(),
                self.listed(),
                self.argument(),
            ),
        )
        .at(AttributePath::root(self.argument())))
    }

    /// Asks AWS which account the clients' credentials belong to and checks it.
    pub async fn enforce(&self, aws: &Aws, diags: &mut Diagnostics) {
        match aws.caller_identity().await {
            Ok(identity) => {
                if let Err(diagnostic) = self.check(&identity) {
                    diags.push(diagnostic);
                }
            }
            Err(err) => diags.attribute_error(
                AttributePath::root(self.argument()),
                "Cannot check the AWS account",
                format!(
                    "{} needs the account of the provider's credentials, and \
                     sts:GetCallerIdentity failed, so the provider stopped before reading or \
                     changing anything.\n\n{}",
                    self.argument(),
                    advice::detail(&err)
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::attributes::object;
    use crate::framework::values::string_set;

    fn config(allowed: Value, forbidden: Value) -> Value {
        object([(ALLOWED, allowed), (FORBIDDEN, forbidden)])
    }

    fn identity(account: &str) -> CallerIdentity {
        CallerIdentity {
            account_id: account.into(),
            arn: format!("arn:aws:iam::{account}:user/terraform"),
            user_id: "AIDAEXAMPLE".into(),
        }
    }

    #[test]
    fn the_guard_reads_known_non_empty_lists_only() {
        let ids = |items: &[&str]| string_set(items.iter().copied());
        let set = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(
            AccountGuard::from_config(&config(ids(&["111111111111"]), Value::Null)),
            Some(AccountGuard::Allowed(set(&["111111111111"])))
        );
        assert_eq!(
            AccountGuard::from_config(&config(Value::Null, ids(&["222222222222"]))),
            Some(AccountGuard::Forbidden(set(&["222222222222"])))
        );
        assert_eq!(
            AccountGuard::from_config(&config(ids(&[]), Value::Null)),
            None
        );
        assert_eq!(
            AccountGuard::from_config(&config(Value::unknown(), Value::Null)),
            None
        );
        assert_eq!(
            AccountGuard::from_config(&config(
                Value::Set(vec![Value::unknown(), Value::from("111111111111")]),
                Value::Null
            )),
            None,
            "an unknown element leaves the check to the configuration before apply"
        );
        assert_eq!(AccountGuard::from_config(&Value::Null), None);
    }

    #[test]
    fn a_mismatch_names_the_account_the_list_and_the_argument() {
        let allowed = AccountGuard::Allowed(["111111111111".to_owned()].into());
        assert_eq!(allowed.check(&identity("111111111111")), Ok(()));
        let err = allowed
            .check(&identity("222222222222"))
            .expect_err("another account");
        assert!(err.is_error());
        assert_eq!(err.attribute, Some(AttributePath::root(ALLOWED)));
        assert!(
            err.detail.contains("account 222222222222"),
            "{}",
            err.detail
        );
        assert!(
            err.detail
                .contains("not in allowed_account_ids = [\"111111111111\"]"),
            "{}",
            err.detail
        );
        assert!(
            err.detail
                .contains("arn:aws:iam::222222222222:user/terraform"),
            "{}",
            err.detail
        );

        let forbidden =
            AccountGuard::Forbidden(["111111111111".to_owned(), "333333333333".to_owned()].into());
        assert_eq!(forbidden.check(&identity("222222222222")), Ok(()));
        let err = forbidden
            .check(&identity("333333333333"))
            .expect_err("a forbidden account");
        assert_eq!(err.attribute, Some(AttributePath::root(FORBIDDEN)));
        assert!(
            err.detail.contains(
                "account 333333333333 (arn:aws:iam::333333333333:user/terraform), which is in \
                 forbidden_account_ids = [\"111111111111\", \"333333333333\"]"
            ),
            "{}",
            err.detail
        );
    }

    #[test]
    fn validation_wants_twelve_digits_one_list_and_warns_on_an_empty_one() {
        let run = |c: &Value| {
            let mut diags = Diagnostics::new();
            validate(c, &mut diags);
            diags
        };
        assert!(run(&config(string_set(["111111111111"]), Value::Null)).is_empty());
        let both = run(&config(
            string_set(["111111111111"]),
            string_set(["222222222222"]),
        ));
        assert_eq!(both.len(), 1, "{both:?}");
        assert!(both.has_errors());
        let bad = run(&config(
            Value::Null,
            string_set(["11111111111", "12345678901a", "222222222222"]),
        ));
        assert_eq!(bad.errors().count(), 2, "{bad:?}");
        assert!(
            bad.errors()
                .all(|d| d.attribute == Some(AttributePath::root(FORBIDDEN)))
        );
        let empty = run(&config(string_set(Vec::<String>::new()), Value::Null));
        assert_eq!(empty.len(), 1);
        assert!(!empty.has_errors(), "an empty list only warns: {empty:?}");
        let unknown = run(&config(Value::unknown(), Value::Null));
        assert!(unknown.is_empty(), "{unknown:?}");
    }
}
