//! What the plan of a removal lists in `to_remove`, and how apply reads it back.
//!
//! Terraform plans every change twice: in the plan, and again at apply, in a new provider
//! process, where a known value that differs from the reviewed plan is an error ("Provider
//! produced inconsistent final plan"). So a list must come out the same both times:
//! - an update (credentials came back, or `credential_types` changed) lists from the state
//!   Terraform hands to both plans: `remaining` as the refresh found it, or, when the kinds
//!   changed, every credential the refresh found (kept in the private data beside the state).
//!   It calls nothing.
//! - a create has no state yet: it audits the account (for a `for_each` over the organization
//!   data source, the audit that read already), and the plan at apply audits again. They agree
//!   unless the account's credentials changed in between, which Terraform then reports as an
//!   inconsistent final plan, before anything is deleted.
//!
//! Apply removes what the plan lists, and no other credential.

use serde::{Deserialize, Serialize};

use crate::aws::{Aws, CredentialKind, RootCredential, RootCredentialReport, concerns_one_account};
use crate::cty::{AttributePath, Value};
use crate::framework::attributes;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::resource::ModifyPlanResponse;
use crate::framework::values::ValueExt;
use crate::types_common::advice;
use crate::types_common::evidence::ROOT_SESSION;
use crate::types_common::removal::{self, ACCOUNT_ID, Removal, TARGETS};

use super::{REMAINING, TO_REMOVE};

/// What a refresh leaves beside the state for the plans that follow (its private data).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Refreshed {
    /// Every root credential the refresh found, of every kind, as `to_remove` names them;
    /// `None` when it could not audit the account.
    found: Option<Vec<String>>,
}

impl Refreshed {
    /// What a refresh that audited `report` leaves.
    pub(super) fn audited(report: &RootCredentialReport) -> Self {
        Self {
            found: Some(report.credentials().iter().map(removal::label).collect()),
        }
    }

    /// What a refresh that could not audit the account leaves.
    pub(super) fn not_audited() -> Self {
        Self { found: None }
    }

    /// As private data.
    pub(super) fn to_private(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The private data of the last refresh; `None` after a create, an update or an upgrade,
    /// which leave none.
    fn from_private(private: &[u8]) -> Option<Self> {
        serde_json::from_slice(private).ok()
    }

    /// What the refresh found of `kinds`, when it audited.
    fn of_kinds(
        &self,
        kinds: &std::collections::BTreeSet<CredentialKind>,
    ) -> Option<Vec<RootCredential>> {
        let found = self.found.as_ref()?;
        Some(
            found
                .iter()
                .filter_map(|name| removal::labelled(name))
                .filter(|credential| kinds.contains(&credential.kind()))
                .collect(),
        )
    }
}

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
/// update from `prior` and its private data `prior_private`), and turns a plan without change
/// into an update when credentials of the selected kinds are back. A plan that cannot list
/// them leaves `to_remove` unknown, with a warning; an unchanged removal whose refresh could
/// not audit its account plans nothing (the refresh warned).
pub(super) async fn list_removals(
    aws: &Aws,
    prior: &Value,
    prior_private: &[u8],
    resp: &mut ModifyPlanResponse,
) {
    // A replacement is planned again as a create, which lists what the new account holds.
    if !resp.requires_replace.is_empty() {
        return;
    }
    if prior.is_null() {
        return list_for_create(aws, resp).await;
    }
    let changed = !Value::semantically_equal(prior, &resp.planned_state);
    let refreshed = Refreshed::from_private(prior_private);
    let remaining = listed_in(prior, REMAINING);
    let nothing_back = remaining.as_ref().is_some_and(Vec::is_empty);
    let unaudited = refreshed.as_ref().is_some_and(|r| r.found.is_none());
    if !changed && (nothing_back || unaudited) {
        return;
    }
    // Kinds not known yet: to_remove stays unknown, as the default plan left it.
    let (Ok(planned), Ok(before)) = (
        Removal::from_value(&resp.planned_state),
        Removal::from_value(prior),
    ) else {
        return;
    };
    let list = if !changed {
        remaining
    } else if let Some(found) = refreshed.as_ref().and_then(|r| r.of_kinds(&planned.kinds)) {
        Some(found)
    } else if planned.kinds.is_subset(&before.kinds) {
        remaining.map(|left| {
            left.into_iter()
                .filter(|c| planned.kinds.contains(&c.kind()))
                .collect()
        })
    } else {
        None
    };
    let Some(list) = list else {
        return resp.diagnostics.push(cannot_list(
            &planned.account_id,
            "the kinds selected now include some that the last refresh did not record",
            "plan again with a refresh",
            String::new(),
        ));
    };
    let plan = &mut resp.planned_state;
    let _ = plan.set_attr(TO_REMOVE, removal::labels(&list));
    if !changed {
        let _ = plan.set_attr(REMAINING, Value::unknown());
        let _ = plan.set_attr(ROOT_SESSION, Value::unknown());
    }
}

/// The credentials a state lists in `name`; `None` when unknown or unreadable.
fn listed_in(state: &Value, name: &'static str) -> Option<Vec<RootCredential>> {
    attributes::strings(state, name)
        .ok()?
        .iter()
        .map(|label| removal::labelled(label))
        .collect()
}

/// A create: what the account holds now, of the selected kinds.
async fn list_for_create(aws: &Aws, resp: &mut ModifyPlanResponse) {
    // An account or kinds not known yet: to_remove stays unknown, as the default plan left it.
    let Ok(planned) = Removal::from_value(&resp.planned_state) else {
        return;
    };
    match aws.audit_account(&planned.account_id).await {
        Ok(report) => {
            let found = report.of_kinds(&planned.kinds);
            let _ = resp
                .planned_state
                .set_attr(TO_REMOVE, removal::labels(&found));
        }
        Err(err) if concerns_one_account(&err) => resp.diagnostics.push(cannot_list(
            &planned.account_id,
            &format!(
                "the plan could not read its root credentials ({})",
                err.summary()
            ),
            "plan again once the cause is gone: an organization feature or trusted access that \
             this same apply turns on, for example, is on at the next plan",
            format!("\n\n{}", advice::detail(&err)),
        )),
        Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
    }
}

/// The warning of a plan that cannot list what apply removes from `account_id`, because of
/// `why`; `fix` says how to list it, `detail` adds what AWS said.
fn cannot_list(account_id: &str, why: &str, fix: &str, detail: String) -> Diagnostic {
    Diagnostic::warning(
        format!("Account {account_id}: the plan cannot list the credentials to remove"),
        format!(
            "For account {account_id}, {why}, so {TO_REMOVE} is known only after apply, and \
             apply removes every credential of the selected kinds that its root session finds. \
             To review them before they are deleted, {fix}.{detail}"
        ),
    )
    .at(AttributePath::root(ACCOUNT_ID))
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
        seed.features.push(Feature::RootCredentialsManagement);
        sandbox(seed, FaultConfig::default()).await
    }

    fn state(kinds: &[&str], to_remove: Value, remaining: Value, session: Value) -> Value {
        object([
            ("id", Value::from(MEMBER)),
            (ACCOUNT_ID, Value::from(MEMBER)),
            (CREDENTIAL_TYPES, string_set(kinds.iter().copied())),
            (TO_REMOVE, to_remove),
            (REMAINING, remaining),
            (ROOT_SESSION, session),
        ])
    }

    const KINDS: [&str; 2] = ["access_keys", "password"];

    async fn plan(
        ctx: &crate::framework::Context<Aws>,
        prior: &Value,
        private: &Refreshed,
        planned: Value,
    ) -> ModifyPlanResponse {
        let mut resp = ModifyPlanResponse {
            planned_state: planned,
            ..ModifyPlanResponse::default()
        };
        list_removals(ctx.provider_data(), prior, &private.to_private(), &mut resp).await;
        resp
    }

    fn labels(names: &[&str]) -> Value {
        Value::List(names.iter().map(|n| Value::from(*n)).collect())
    }

    fn found(names: &[&str]) -> Refreshed {
        Refreshed {
            found: Some(names.iter().map(|n| (*n).to_owned()).collect()),
        }
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
        let mut planned = state(&KINDS, Value::unknown(), Value::unknown(), Value::unknown());
        planned.set_attr("id", Value::unknown()).unwrap();
        let resp = plan(&ctx, &Value::Null, &Refreshed::default(), planned).await;
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
    async fn an_update_lists_from_the_refresh_and_calls_nothing() {
        let (handle, ctx) = organization().await;
        // Nothing back: no change.
        let prior = state(&KINDS, labels(&["password"]), labels(&[]), Value::Null);
        let resp = plan(&ctx, &prior, &found(&[]), prior.clone()).await;
        assert_eq!(resp.planned_state, prior);
        assert!(resp.diagnostics.is_empty());

        // Back since the last apply: an update listing what the refresh found.
        let prior = state(&KINDS, labels(&[]), labels(&["password"]), Value::Null);
        let refreshed = found(&["password", "mfa_device:m"]);
        let resp = plan(&ctx, &prior, &refreshed, prior.clone()).await;
        let planned = &resp.planned_state;
        assert_eq!(planned.attr(TO_REMOVE), &labels(&["password"]));
        assert!(planned.attr(REMAINING).is_unknown());
        assert!(planned.attr(ROOT_SESSION).is_unknown());

        // More kinds selected: the refresh's whole audit lists them.
        let mut wider = state(
            &["access_keys", "mfa_devices", "password"],
            Value::unknown(),
            Value::unknown(),
            Value::unknown(),
        );
        let resp = plan(&ctx, &prior, &refreshed, wider.clone()).await;
        assert_eq!(
            resp.planned_state.attr(TO_REMOVE),
            &labels(&["password", "mfa_device:m"])
        );
        // ... and without it (no refresh since the last apply), the plan cannot list them.
        let resp = plan(&ctx, &prior, &Refreshed::default(), wider.clone()).await;
        assert!(resp.planned_state.attr(TO_REMOVE).is_unknown());
        let warning = resp.diagnostics.iter().next().expect("a warning");
        assert!(
            warning.detail.contains("plan again with a refresh"),
            "{}",
            warning.detail
        );
        // Fewer kinds: what is left of them is enough.
        wider
            .set_attr(CREDENTIAL_TYPES, string_set(["password"]))
            .unwrap();
        let resp = plan(&ctx, &prior, &Refreshed::default(), wider).await;
        assert_eq!(resp.planned_state.attr(TO_REMOVE), &labels(&["password"]));

        assert_eq!(handle.sandbox().requests().total, 0, "no call at all");
    }

    #[tokio::test]
    async fn an_unchanged_removal_whose_refresh_could_not_audit_plans_nothing() {
        let (_handle, ctx) = organization().await;
        let prior = state(&KINDS, labels(&[]), labels(&["password"]), Value::Null);
        let resp = plan(&ctx, &prior, &Refreshed::not_audited(), prior.clone()).await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert_eq!(resp.planned_state, prior);
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
        let planned = state(&KINDS, Value::unknown(), Value::unknown(), Value::unknown());
        let resp = plan(&ctx, &Value::Null, &Refreshed::default(), planned).await;
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
    }
}
