//! `list "centralroot_root_credentials_removal"`: the member accounts whose root user holds
//! credentials, each as the removal that deletes them, so that `terraform query
//! -generate-config-out=FILE` turns the organization audit into the code of its clean-up.
//!
//! The members are audited as the data source `centralroot_organization_root_credentials`
//! audits them (the same arguments, bounded concurrency, one audit per account per run), and
//! each result is the state a refresh of that removal holds: without `credential_types`, exactly
//! what importing the account reads, so the plan after the query shows nothing but the
//! credentials the apply removes. A member that cannot be audited is left out with a warning
//! that names it, and the query goes on.

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::aws::{AccountAudit, Aws, AwsError, CredentialKind, MAX_CONCURRENCY};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::list_resource::{
    ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::{IntBetween, SetElementsOneOf};
use crate::resources::root_credentials_removal::state;
use crate::types_common::audit_scope::{
    self, ACCOUNT_IDS, MAX_CONCURRENCY as MAX_CONCURRENCY_ATTR, ORGANIZATIONAL_UNIT_IDS,
    audit_members,
};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::removal::{self, ALL_KINDS, CREDENTIAL_TYPES, Removal};
use crate::types_common::root_task;

/// What the listing may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[(Step::List, audit_scope::CALLS)]);

/// The list type.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootCredentialsRemovalList;

/// The result for a member holding `found` of the selected `kinds`.
fn result(audit: &AccountAudit, kinds: &BTreeSet<CredentialKind>) -> Option<ListResult> {
    let found = audit.result.as_ref().ok()?.of_kinds(kinds);
    if found.is_empty() {
        return None;
    }
    let labels: Vec<String> = found.iter().map(removal::label).collect();
    let removal = Removal {
        account_id: audit.account_id.clone(),
        kinds: kinds.clone(),
    };
    Some(ListResult {
        identity: Value::Null,
        display_name: format!(
            "{} ({}): {}",
            audit.account_id,
            audit.name,
            labels.join(", ")
        ),
        resource_object: state(&removal, &found),
    })
}

/// The warning for a member whose audit failed with `err`.
fn not_audited(audit: &AccountAudit, err: &AwsError) -> Diagnostic {
    let id = &audit.account_id;
    root_task::not_audited(
        id,
        err,
        format_args!(
            "The root credentials of account {id} ({}) could not be audited, so the query \
             leaves it out: whether it holds any is unknown, and no removal is generated for \
             it. The other members are listed as usual; query again once it can be audited.",
            audit.name
        ),
    )
}

#[async_trait]
impl ListResource<Aws> for RootCredentialsRemovalList {
    fn config_schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Finds the member accounts whose root user holds credentials, each as the \
                     centralroot_root_credentials_removal that removes them: \
                     `terraform query -generate-config-out=FILE` writes one removal and one \
                     `import` block per member, and the plan that follows imports them and \
                     shows, as in-place updates, the credentials the apply deletes. Every \
                     active member is audited (ListAccounts, then a root session with \
                     IAMAuditRootUserCredentials per member, as the data source \
                     centralroot_organization_root_credentials does); the management account \
                     is left out. A member that cannot be audited (a service control policy, \
                     for example) is left out with a warning naming it and the cause, and the \
                     query goes on.",
                )
                .attribute(
                    ACCOUNT_IDS,
                    Attribute::optional(Type::set(Type::String)).description(
                        "Only these member accounts (those not active members are left out). \
                         All active members when null.",
                    ),
                )
                .attribute(
                    ORGANIZATIONAL_UNIT_IDS,
                    Attribute::optional(Type::set(Type::String)).description(
                        "Only the accounts in these organizational units, child units included \
                         (recursively). With `account_ids` too, only accounts in both. All units \
                         when null.",
                    ),
                )
                .attribute(
                    CREDENTIAL_TYPES,
                    Attribute::optional(Type::set(Type::String))
                        .description(
                            "Only members holding credentials of these kinds (`password`, \
                             `access_keys`, `signing_certificates`, `mfa_devices`), each \
                             found as a removal of these kinds only: the generated block sets \
                             the same `credential_types`. Every kind when null; the generated \
                             blocks then leave `credential_types` to its default, and a \
                             result is exactly what importing its account reads.",
                        )
                        .validator(SetElementsOneOf::new(ALL_KINDS)),
                )
                .attribute(
                    MAX_CONCURRENCY_ATTR,
                    Attribute::optional(Type::Number)
                        .description(format!(
                            "How many accounts are audited at once, from 1 to \
                             {MAX_CONCURRENCY}; as for centralroot_organization_root_credentials."
                        ))
                        .validator(IntBetween::new(1, MAX_CONCURRENCY as i64)),
                ),
        )
    }

    async fn list(
        &self,
        ctx: &Context<Aws>,
        req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    ) {
        let kinds = match removal::kinds_of(&req.config) {
            Ok(kinds) => kinds,
            Err(err) => {
                return resp.diagnostics.push(
                    Diagnostic::error("Invalid configuration", err.to_string()).at(err.path()),
                );
            }
        };
        let audits = match audit_members(ctx.provider_data(), &req.config).await {
            Ok(audits) => audits,
            Err(diagnostic) => return resp.diagnostics.push(diagnostic),
        };
        for audit in &audits {
            let sent = match (&audit.result, result(audit, &kinds)) {
                (Err(err), _) => results.warn(not_audited(audit, err)).await,
                (Ok(_), Some(found)) => results.push(found).await,
                (Ok(_), None) => true,
            };
            // Terraform has all it asked for (its limit) or went away.
            if !sent {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::attributes::object;
    use crate::framework::list_resource::ListItem;
    use crate::framework::values::{ValueExt, string_set};
    use crate::list_resources::test_support::list;
    use crate::resources::root_credentials_removal::{RootCredentialsRemovalResource, TYPE_NAME};
    use crate::resources::test_support::{
        import_by_id, refresh, sandbox, seed_with_trusted_access,
    };
    use centralroot_sandbox::seed::{Account, AccountPatch, Feature, RootAccessKey, RootUser};
    use centralroot_sandbox::{FaultConfig, Seed};

    /// Members 222222222222 and 333333333333 hold every kind (the default seed),
    /// 444444444444 none, 555555555555 one access key, 666666666666 refuses root sessions.
    fn seed() -> Seed {
        let mut seed = seed_with_trusted_access();
        seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
        let mut key_only = Account::new("555555555555");
        key_only.root = RootUser {
            access_keys: vec![RootAccessKey {
                id: "AKIAKEYONLY000000001".into(),
                status: "Active".into(),
                created: 1_700_000_000,
                last_used: None,
            }],
            ..RootUser::default()
        };
        let mut denied = Account::new("666666666666");
        denied.assume_root_denied = true;
        seed.accounts.extend([key_only, denied]);
        seed.validated().expect("a valid seed")
    }

    fn config(kinds: Option<&[&str]>) -> Value {
        object([
            (ACCOUNT_IDS, Value::Null),
            (ORGANIZATIONAL_UNIT_IDS, Value::Null),
            (
                CREDENTIAL_TYPES,
                kinds.map_or(Value::Null, |k| string_set(k.iter().copied())),
            ),
            (MAX_CONCURRENCY_ATTR, Value::Null),
        ])
    }

    /// Lists the removals of `kinds` (every kind when `None`), up to `limit`.
    async fn removals(
        ctx: &Context<Aws>,
        kinds: Option<&[&str]>,
        limit: usize,
    ) -> (Vec<Value>, ListResponse) {
        list(&RootCredentialsRemovalList, ctx, config(kinds), limit).await
    }

    fn accounts(found: &[Value]) -> Vec<&str> {
        found
            .iter()
            .filter_map(|state| state.attr("account_id").as_str())
            .collect()
    }

    /// What importing `account_id` and refreshing it reads, as `plan` does after the query.
    async fn imported(ctx: &Context<Aws>, account_id: &str) -> Value {
        let import = import_by_id(TYPE_NAME, ctx, account_id).await;
        let read = refresh(&RootCredentialsRemovalResource, ctx, &import.state).await;
        assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
        read.state
    }

    #[tokio::test]
    async fn members_with_credentials_are_found_as_what_importing_them_reads() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let (found, resp) = removals(&ctx, None, 100).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        assert_eq!(
            accounts(&found),
            ["222222222222", "333333333333", "555555555555"],
            "the clean member and the one not audited are left out"
        );
        for state in &found {
            let account = state.attr("account_id").as_str().unwrap();
            assert_eq!(state, &imported(&ctx, account).await, "{account}");
        }
        let log = handle.sandbox().requests();
        let writes: u64 = log
            .operations
            .iter()
            .filter(|(op, _)| op.starts_with("Delete") || op.starts_with("Deactivate"))
            .map(|(_, count)| count.total)
            .sum();
        assert_eq!(writes, 0, "a query changes nothing");
        assert_eq!(
            log.operations["AssumeRoot"].total, 5,
            "one audit per member, shared with the imports' reads"
        );
    }

    #[tokio::test]
    async fn the_kinds_select_members_and_what_their_removal_removes() {
        let (_handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let (found, _) = removals(&ctx, Some(&["access_keys"]), 100).await;
        assert_eq!(
            accounts(&found),
            ["222222222222", "333333333333", "555555555555"]
        );
        let key_only = &found[2];
        assert_eq!(
            key_only.attr("remaining"),
            &Value::List(vec![Value::from("access_key:AKIAKEYONLY000000001")])
        );
        assert_eq!(
            key_only.attr("credential_types"),
            &string_set(["access_keys"])
        );
        // What a refresh of that removal reads: the generated block, once imported and
        // applied, keeps it.
        let read = refresh(&RootCredentialsRemovalResource, &ctx, key_only).await;
        assert_eq!(&read.state, key_only);

        let (found, _) = removals(&ctx, Some(&["password"]), 100).await;
        assert_eq!(accounts(&found), ["222222222222", "333333333333"]);
        for state in &found {
            assert_eq!(
                state.attr("remaining"),
                &Value::List(vec![Value::from("password")])
            );
        }
    }

    #[tokio::test]
    async fn a_member_that_cannot_be_audited_is_a_warning_not_a_failure() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        handle
            .sandbox()
            .update_account(
                "333333333333",
                AccountPatch {
                    status: Some("SUSPENDED".into()),
                    ..AccountPatch::default()
                },
            )
            .expect("seeded");
        let (sender, mut receiver) = tokio::sync::mpsc::channel(16);
        let results = ListResults::new(sender);
        let req = ListRequest {
            config: config(None),
            include_resource_object: true,
            limit: 100,
        };
        let mut resp = ListResponse::default();
        RootCredentialsRemovalList
            .list(&ctx, req, &results, &mut resp)
            .await;
        drop(results);
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        let mut shown = Vec::new();
        while let Some(item) = receiver.recv().await {
            shown.push(match item {
                ListItem::Result(found) => found.display_name,
                ListItem::Diagnostics(diags) => {
                    let warning = diags.iter().next().expect("one warning");
                    assert!(!diags.has_errors());
                    assert!(
                        warning.detail.contains("leaves it out"),
                        "{}",
                        warning.detail
                    );
                    warning.summary.clone()
                }
            });
        }
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with("222222222222 ("), "{shown:?}");
        assert!(
            shown[1].starts_with("555555555555 ("),
            "suspended members are not audited"
        );
        assert_eq!(
            shown[2],
            "Account 666666666666 not audited: A service control policy denies the call"
        );
    }

    #[tokio::test]
    async fn a_large_organization_costs_one_audit_per_member_and_a_page_per_twenty() {
        // 103 members: the default seed's three, and 100 whose root users hold, by n % 4,
        // everything, a password, two access keys, nothing.
        let (handle, ctx) = sandbox(Seed::large_organization(100), FaultConfig::default()).await;
        let (found, resp) = removals(&ctx, None, 1000).await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert_eq!(
            found.len(),
            2 + 75,
            "every member holding credentials, once"
        );
        let log = handle.sandbox().requests();
        let calls = |operation: &str| log.operations.get(operation).map_or(0, |c| c.total);
        assert_eq!(calls("AssumeRoot"), 103);
        assert_eq!(calls("ListAccounts"), 6, "pages of 20 accounts");
        assert_eq!(calls("DescribeOrganization"), 1, "described once per run");
        assert!(
            log.root_sessions_opened
                .values()
                .all(|by_policy| by_policy.keys().all(|p| p == "IAMAuditRootUserCredentials")),
            "audit sessions only: {:?}",
            log.root_sessions_opened
        );
    }
}
