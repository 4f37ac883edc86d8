//! What the plan of a removal lists in `to_remove`, and how apply reads it back: the
//! credentials of the selected kinds that the account's audit finds while planning. A create
//! plan audits the account (for a `for_each` over the organization data source, the audit that
//! read already); an update plan reuses the refresh's audit of this run. Apply then removes
//! those and no others.

use crate::aws::{Aws, RootCredential, concerns_one_account};
use crate::cty::{AttributePath, Value};
use crate::framework::attributes;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::resource::ModifyPlanResponse;
use crate::framework::values::ValueExt;
use crate::types_common::advice;
use crate::types_common::evidence::ROOT_SESSION;
use crate::types_common::removal::{self, ACCOUNT_ID, Removal, TARGETS};

use super::{REMAINING, TO_REMOVE};

/// The credentials `planned` lists in `to_remove`: `None` when the plan could not list them
/// (unknown), the text of the first element that names no credential as the error.
pub(super) fn listed(planned: &Value) -> Result<Option<Vec<RootCredential>>, String> {
    let to_remove = planned.attr(TO_REMOVE);
    if !to_remove.is_wholly_known() {
        return Ok(None);
    }
    let names = attributes::strings(planned, TO_REMOVE).map_err(|err| err.to_string())?;
    names
        .iter()
        .map(|name| removal::labelled(name).ok_or_else(|| name.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Fills in `to_remove` of the plan in `resp` (the engine's default plan of a create, or of an
/// update from `prior`), and turns a plan without change into an update when credentials of
/// the selected kinds are back. A plan whose account cannot be read now leaves `to_remove`
/// unknown: with a warning for a create or a changed removal, silently for an unchanged one,
/// whose refresh warned already and which then changes nothing.
pub(super) async fn list_removals(aws: &Aws, prior: &Value, resp: &mut ModifyPlanResponse) {
    // A replacement is planned again as a create, which lists what the new account holds.
    if !resp.requires_replace.is_empty() {
        return;
    }
    let changed = prior.is_null() || !Value::semantically_equal(prior, &resp.planned_state);
    if !changed && attributes::strings(prior, REMAINING).is_ok_and(|left| left.is_empty()) {
        return;
    }
    // An account or kinds not known yet: to_remove stays unknown, as the default plan left it.
    let Ok(planned) = Removal::from_value(&resp.planned_state) else {
        return;
    };
    match aws.audit_account(&planned.account_id).await {
        Ok(report) => {
            let found = report.of_kinds(&planned.kinds);
            if !changed && found.is_empty() {
                return;
            }
            let plan = &mut resp.planned_state;
            let _ = plan.set_attr(TO_REMOVE, removal::labels(&found));
            if !changed {
                let _ = plan.set_attr(REMAINING, Value::unknown());
                let _ = plan.set_attr(ROOT_SESSION, Value::unknown());
            }
        }
        Err(_) if !changed => {}
        Err(err) if concerns_one_account(&err) => {
            let id = &planned.account_id;
            resp.diagnostics.push(
                Diagnostic::warning(
                    format!("Account {id}: the plan cannot list the credentials to remove"),
                    format!(
                        "The plan could not read the root credentials of account {id} ({}), so \
                         {TO_REMOVE} is known only after apply, and apply removes every \
                         credential of the selected kinds that its root session finds. To \
                         review them before they are deleted, plan again once the cause is \
                         gone: an organization feature or trusted access that this same apply \
                         turns on, for example, is on at the next plan.\n\n{}",
                        err.summary(),
                        advice::detail(&err)
                    ),
                )
                .at(AttributePath::root(ACCOUNT_ID)),
            );
        }
        Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::attributes::object;
    use crate::framework::values::string_set;
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use crate::types_common::removal::CREDENTIAL_TYPES;
    use centralroot_sandbox::seed::{AccountPatch, Feature};
    use centralroot_sandbox::{FaultConfig, ServerHandle};

    const MEMBER: &str = "222222222222";

    async fn organization() -> (ServerHandle, crate::framework::Context<Aws>) {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootSessions);
        sandbox(seed, FaultConfig::default()).await
    }

    fn state(to_remove: Value, remaining: Value, session: Value) -> Value {
        object([
            ("id", Value::from(MEMBER)),
            (ACCOUNT_ID, Value::from(MEMBER)),
            (CREDENTIAL_TYPES, string_set(["access_keys", "password"])),
            (TO_REMOVE, to_remove),
            (REMAINING, remaining),
            (ROOT_SESSION, session),
        ])
    }

    async fn plan(
        ctx: &crate::framework::Context<Aws>,
        prior: &Value,
        planned: Value,
    ) -> ModifyPlanResponse {
        let mut resp = ModifyPlanResponse {
            planned_state: planned,
            ..ModifyPlanResponse::default()
        };
        list_removals(ctx.provider_data(), prior, &mut resp).await;
        resp
    }

    fn labels(names: &[&str]) -> Value {
        Value::List(names.iter().map(|n| Value::from(*n)).collect())
    }

    #[tokio::test]
    async fn a_create_lists_what_the_account_holds_of_the_selected_kinds() {
        let (handle, ctx) = organization().await;
        let key = handle
            .sandbox()
            .snapshot()
            .account(MEMBER)
            .unwrap()
            .root
            .access_keys[0]
            .id
            .clone();
        let mut planned = state(Value::unknown(), Value::unknown(), Value::unknown());
        planned.set_attr("id", Value::unknown()).unwrap();
        let resp = plan(&ctx, &Value::Null, planned).await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        let key = format!("access_key:{key}");
        assert_eq!(
            resp.planned_state.attr(TO_REMOVE),
            &labels(&["password", &key])
        );
        assert!(resp.planned_state.attr(REMAINING).is_unknown());
        let log = handle.sandbox().requests();
        assert_eq!(
            log.root_sessions_opened[MEMBER]["IAMAuditRootUserCredentials"],
            1
        );
    }

    #[tokio::test]
    async fn an_unchanged_removal_with_nothing_back_reads_nothing_and_plans_nothing() {
        let (handle, ctx) = organization().await;
        let prior = state(labels(&["password"]), labels(&[]), Value::Null);
        let resp = plan(&ctx, &prior, prior.clone()).await;
        assert_eq!(resp.planned_state, prior);
        assert!(resp.diagnostics.is_empty());
        assert_eq!(handle.sandbox().requests().total, 0, "no call at all");
    }

    #[tokio::test]
    async fn credentials_back_since_the_last_apply_turn_the_plan_into_an_update() {
        let (_handle, ctx) = organization().await;
        let prior = state(labels(&[]), labels(&["password"]), Value::Null);
        let resp = plan(&ctx, &prior, prior.clone()).await;
        let planned = &resp.planned_state;
        assert_eq!(
            planned.attr(TO_REMOVE).elements().map(<[Value]>::len),
            Some(2)
        );
        assert!(planned.attr(REMAINING).is_unknown());
        assert!(planned.attr(ROOT_SESSION).is_unknown());
    }

    #[tokio::test]
    async fn a_create_on_an_account_that_cannot_be_read_warns_and_lists_nothing_yet() {
        let (handle, ctx) = organization().await;
        handle.sandbox().update_account(
            MEMBER,
            AccountPatch {
                assume_root_denied: Some(true),
                ..AccountPatch::default()
            },
        );
        let planned = state(Value::unknown(), Value::unknown(), Value::unknown());
        let resp = plan(&ctx, &Value::Null, planned).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        let warning = resp.diagnostics.iter().next().expect("a warning");
        assert_eq!(
            warning.summary,
            format!("Account {MEMBER}: the plan cannot list the credentials to remove")
        );
        assert!(
            warning.detail.contains("service control policy"),
            "{}",
            warning.detail
        );
        assert!(resp.planned_state.attr(TO_REMOVE).is_unknown());

        // Unchanged, the refresh warned already: nothing more, nothing planned.
        let prior = state(labels(&[]), labels(&["password"]), Value::Null);
        let resp = plan(&ctx, &prior, prior.clone()).await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert_eq!(resp.planned_state, prior);
    }
}
