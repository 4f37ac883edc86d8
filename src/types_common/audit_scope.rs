//! The organization audit as the types that take its scope from their configuration run it:
//! the data source `centralroot_organization_root_credentials` and the list type
//! `centralroot_root_credentials_removal`. Both read the same three arguments, audit the members
//! they select with bounded concurrency (through the per-run audit cache), and report a failure
//! that concerns the caller the same way.

use std::collections::BTreeSet;

use crate::aws::{AccountAudit, Aws, DEFAULT_CONCURRENCY, ErrorKind, Operation, calls};
use crate::cty::{AttributePath, Value};
use crate::framework::attributes::{self, AttributeError};
use crate::framework::diagnostics::Diagnostic;

use super::Targets;

/// What [`audit_members`] may call: the units' accounts, and the audit of the organization.
pub const CALLS: &[&[Operation]] = &[calls::ACCOUNTS_IN_UNITS, calls::AUDIT_ORGANIZATION];

/// Only these member accounts; every active member when null.
pub const ACCOUNT_IDS: &str = "account_ids";
/// Only the accounts in these organizational units, child units included; all when null.
pub const ORGANIZATIONAL_UNIT_IDS: &str = "organizational_unit_ids";
/// How many accounts are audited at once; [`DEFAULT_CONCURRENCY`] when null.
pub const MAX_CONCURRENCY: &str = "max_concurrency";

fn optional_strings(
    config: &Value,
    name: &'static str,
) -> Result<Option<BTreeSet<String>>, AttributeError> {
    match config.get_attr(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => Ok(Some(
            attributes::strings(config, name)?.into_iter().collect(),
        )),
    }
}

/// The configured [`MAX_CONCURRENCY`], or the default.
pub fn concurrency(config: &Value) -> usize {
    config
        .get_attr(MAX_CONCURRENCY)
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_CONCURRENCY)
}

/// Audits the active members `config` selects (every one by default; the management account
/// is never audited), sorted by account ID. A member that cannot be audited is in the list with
/// its error; a failure that concerns the caller or the listing of the organization is the
/// diagnostic to report.
pub async fn audit_members(aws: &Aws, config: &Value) -> Result<Vec<AccountAudit>, Diagnostic> {
    let invalid = |err: AttributeError| {
        Diagnostic::error("Invalid configuration", err.to_string()).at(err.path())
    };
    let accounts = optional_strings(config, ACCOUNT_IDS).map_err(invalid)?;
    let units = optional_strings(config, ORGANIZATIONAL_UNIT_IDS).map_err(invalid)?;
    let only = match units {
        None => accounts,
        Some(units) => {
            let units: Vec<String> = units.into_iter().collect();
            let in_units = aws.accounts_in_units(&units).await.map_err(|err| {
                Targets::NONE
                    .diagnostic(&err)
                    .at(AttributePath::root(ORGANIZATIONAL_UNIT_IDS))
            })?;
            Some(match accounts {
                Some(chosen) => in_units.intersection(&chosen).cloned().collect(),
                None => in_units,
            })
        }
    };
    aws.audit_organization(only.as_ref(), concurrency(config))
        .await
        .map_err(|err| {
            let mut diagnostic = Targets::NONE.diagnostic(&err);
            if err.kind == ErrorKind::AccessDenied && err.operation == Operation::ListAccounts {
                diagnostic.detail = format!(
                    "Listing the organization's accounts needs the management account or the \
                     delegated administrator for iam.amazonaws.com as the provider's caller (a \
                     member account is refused).\n\n{}",
                    diagnostic.detail
                );
            }
            diagnostic
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::attributes::object;
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use centralroot_sandbox::FaultConfig;
    use centralroot_sandbox::seed::{Feature, OrganizationalUnit};

    fn config(accounts: Option<&[&str]>, units: Option<&[&str]>) -> Value {
        let set = |ids: Option<&[&str]>| {
            ids.map_or(Value::Null, |ids| {
                crate::framework::values::string_set(ids.iter().copied())
            })
        };
        object([
            (ACCOUNT_IDS, set(accounts)),
            (ORGANIZATIONAL_UNIT_IDS, set(units)),
            (MAX_CONCURRENCY, Value::Null),
        ])
    }

    #[tokio::test]
    async fn the_scope_is_the_accounts_named_within_the_units_named() {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootCredentialsManagement);
        seed.organizational_units.push(OrganizationalUnit {
            id: "ou-abcd-11111111".into(),
            name: "wave".into(),
            parent_id: String::new(),
        });
        for account in &mut seed.accounts {
            if ["222222222222", "333333333333"].contains(&account.id.as_str()) {
                account.parent_id = "ou-abcd-11111111".into();
            }
        }
        let (_handle, ctx) = sandbox(seed, FaultConfig::default()).await;
        let aws = ctx.provider_data();
        let ids = |audits: Vec<AccountAudit>| -> Vec<String> {
            audits.into_iter().map(|a| a.account_id).collect()
        };
        let every = audit_members(aws, &config(None, None)).await.unwrap();
        assert_eq!(
            ids(every),
            ["222222222222", "333333333333", "444444444444"],
            "every member, the management account left out"
        );
        let in_unit = audit_members(aws, &config(None, Some(&["ou-abcd-11111111"])))
            .await
            .unwrap();
        assert_eq!(ids(in_unit), ["222222222222", "333333333333"]);
        let both = audit_members(
            aws,
            &config(
                Some(&["333333333333", "444444444444"]),
                Some(&["ou-abcd-11111111"]),
            ),
        )
        .await
        .unwrap();
        assert_eq!(ids(both), ["333333333333"]);
        assert_eq!(concurrency(&config(None, None)), DEFAULT_CONCURRENCY);

        let unknown_unit = audit_members(aws, &config(None, Some(&["ou-abcd-99999999"])))
            .await
            .unwrap_err();
        assert_eq!(
            unknown_unit.attribute,
            Some(AttributePath::root(ORGANIZATIONAL_UNIT_IDS))
        );
    }
}
