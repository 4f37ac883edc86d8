//! PlanResourceChange: default planning and plan modifiers on an ordinary resource, the
//! planned identity, and planning without a configured provider.

use crate::cty::{AttributePath, Value};
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::framework::server::test_support::{
    Lab, OTHER, TestServer, assert_no_diagnostics, configured, created_thing, member,
    member_config, member_identity, proposed, served, summaries, thing, unconfigured,
};
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::with_attrs;

async fn plan(
    server: &TestServer,
    type_name: &str,
    prior: &Value,
    config: Value,
    proposed: Value,
    prior_identity: Value,
) -> ModifyPlanResponse {
    let resource = served(server.resources(), type_name);
    let req = ModifyPlanRequest {
        config,
        prior_state: prior.clone(),
        prior_private: Vec::new(),
        prior_identity,
    };
    server.plan_resource_change(resource, proposed, req).await
}

/// Plans `test_thing` from `prior` to `config` (null: destroy), as Terraform proposes it.
async fn plan_thing(server: &TestServer, prior: &Value, config: Value) -> ModifyPlanResponse {
    let proposed = if config.is_null() {
        Value::Null
    } else {
        proposed(&config, prior)
    };
    plan(server, "test_thing", prior, config, proposed, Value::Null).await
}

/// The configuration of the `test_thing` named `a` with `note`.
fn config(note: &str) -> Value {
    thing(&[("name", Value::from("a")), ("note", Value::from(note))])
}

/// A `test_thing` as its create left it from `config("n1")`.
fn created() -> Value {
    with_attrs(&created_thing("a"), &[("note", Value::from("n1"))])
}

#[tokio::test]
async fn a_create_plans_defaults_and_leaves_computed_values_unknown() {
    let (server, _) = configured(Lab::default()).await;
    let p = plan_thing(&server, &Value::Null, config("n1")).await;
    assert_no_diagnostics(&p.diagnostics);
    let planned = p.planned_state;
    assert!(planned.attr("id").is_unknown() && planned.attr("arn").is_unknown());
    assert_eq!(planned.attr("mode"), &Value::from("standard"));
    assert!(p.requires_replace.is_empty());
}

#[tokio::test]
async fn an_unchanged_configuration_plans_no_change() {
    let (server, _) = configured(Lab::default()).await;
    let p = plan_thing(&server, &created(), config("n1")).await;
    assert_eq!(p.planned_state, created());
    assert!(p.requires_replace.is_empty());
}

#[tokio::test]
async fn an_update_in_place_keeps_the_id_and_leaves_the_arn_unknown() {
    let (server, _) = configured(Lab::default()).await;
    let p = plan_thing(&server, &created(), config("n2")).await;
    let planned = p.planned_state;
    assert_eq!(
        planned.attr("id"),
        &Value::from("thing-1"),
        "UseStateForUnknown"
    );
    assert!(planned.attr("arn").is_unknown());
    assert!(p.requires_replace.is_empty());
}

#[tokio::test]
async fn a_new_name_requires_replacement() {
    let (server, _) = configured(Lab::default()).await;
    let p = plan_thing(&server, &created(), thing(&[("name", Value::from("b"))])).await;
    assert_eq!(p.requires_replace, [AttributePath::root("name")]);
}

#[tokio::test]
async fn a_destroy_plan_passes_through() {
    let (server, _) = configured(Lab::default()).await;
    let p = plan_thing(&server, &created(), Value::Null).await;
    assert_no_diagnostics(&p.diagnostics);
    assert_eq!(p.planned_state, Value::Null);
}

#[tokio::test]
async fn planning_needs_a_configured_provider() {
    let server = unconfigured(Lab::default());
    let config = thing(&[("name", Value::from("a"))]);
    let p = plan_thing(&server, &Value::Null, config).await;
    assert_eq!(summaries(&p.diagnostics), ["Provider Not Configured"]);
}

/// Plans `test_member` from `prior` to `config`, as Terraform proposes it.
async fn plan_member(
    server: &TestServer,
    prior: &Value,
    config: Value,
    prior_identity: Value,
) -> ModifyPlanResponse {
    let proposed = if config.is_null() {
        Value::Null
    } else {
        let mut proposed = config.clone();
        if !prior.is_null() {
            proposed
                .set_attr("id", prior.attr("id").clone())
                .expect("an object");
        }
        proposed
    };
    plan(
        server,
        "test_member",
        prior,
        config,
        proposed,
        prior_identity,
    )
    .await
}

#[tokio::test]
async fn plan_keeps_the_stored_identity() {
    let (server, _) = configured(Lab::default()).await;
    let full = member_identity("111");

    let create = plan_member(
        &server,
        &Value::Null,
        member_config(Value::from("111"), Value::Null),
        Value::Null,
    )
    .await;
    assert_no_diagnostics(&create.diagnostics);
    assert_eq!(create.planned_identity, full);
    let unknown = plan_member(
        &server,
        &Value::Null,
        member_config(Value::unknown(), Value::Null),
        Value::Null,
    )
    .await;
    assert_eq!(
        unknown.planned_identity,
        Value::Null,
        "a create plan whose identity is not known yet plans none (Terraform cannot render it)"
    );

    let prior = member("111", Value::Null);
    let update = plan_member(
        &server,
        &prior,
        member_config(Value::from("111"), Value::from("n")),
        full.clone(),
    )
    .await;
    assert_no_diagnostics(&update.diagnostics);
    assert_eq!(update.planned_identity, full);
    let none_stored = plan_member(
        &server,
        &prior,
        member_config(Value::from("111"), Value::from("n")),
        Value::Null,
    )
    .await;
    assert_eq!(
        none_stored.planned_identity, full,
        "derived from the prior state"
    );
    let destroy = plan_member(&server, &prior, Value::Null, full.clone()).await;
    assert_eq!(destroy.planned_identity, full);

    let changed = plan_member(
        &server,
        &prior,
        member_config(Value::from("111"), Value::from(OTHER)),
        full,
    )
    .await;
    assert_eq!(
        summaries(&changed.diagnostics),
        ["Unexpected Identity Change"]
    );
}
