//! Adoption of both resources: import by identity, plans that keep what import recorded,
//! generated configuration, moves from hashicorp/aws and the list types, against the
//! sandbox where AWS is involved.

use tokio::sync::mpsc;

use crate::aws::Aws;
use crate::cty::Value;
use crate::framework::Context;
use crate::framework::list_resource::{
    ListItem, ListRequest, ListResource, ListResponse, ListResults,
};
use crate::framework::resource::{
    GenerateConfigRequest, GenerateConfigResponse, ImportStateRequest, ImportStateResponse,
    ModifyPlanRequest, ModifyPlanResponse, MoveStateRequest, MoveStateResponse, Resource,
};
use crate::framework::values::ValueExt;
use crate::list_resources::delegated_admin::DelegatedAdminList;
use crate::list_resources::organization_features::OrganizationFeaturesList;
use crate::resources::delegated_admin::DelegatedAdminResource;
use crate::resources::organization_features::OrganizationFeaturesResource;
use crate::resources::test_support::{sandbox, seed_with_trusted_access};
use centralroot_sandbox::Seed;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::{Delegation, Feature, TrustedAccess};

const STATE_5: &str = include_str!("../../tests/fixtures/hashicorp-aws/state-5.100.0.tfstate");
const STATE_6: &str =
    include_str!("../../tests/fixtures/hashicorp-aws/state-6.x-constructed.tfstate");
const ACCESS_ANALYZER: &str = "access-analyzer.amazonaws.com";

/// The stored instance of `type_name` in a fixture state: its attributes and its identity.
fn fixture(state: &str, type_name: &str) -> (serde_json::Value, Option<serde_json::Value>) {
    let state: serde_json::Value = serde_json::from_str(state).expect("fixture is JSON");
    let resource = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == type_name)
        .expect("fixture has the type");
    let instance = &resource["instances"][0];
    (
        instance["attributes"].clone(),
        instance.get("identity").cloned(),
    )
}

fn move_request(
    type_name: &str,
    state: serde_json::Value,
    identity: Option<serde_json::Value>,
) -> MoveStateRequest {
    MoveStateRequest {
        source_provider_address: "registry.terraform.io/hashicorp/aws".into(),
        source_type_name: type_name.into(),
        source_schema_version: 0,
        source_state: state,
        source_private: b"null".to_vec(),
        source_identity: identity,
    }
}

async fn moved(resource: &dyn Resource<Aws>, req: MoveStateRequest) -> MoveStateResponse {
    let mut resp = MoveStateResponse::default();
    resource.move_state(req, &mut resp).await;
    resp
}

fn error_text(resp: &MoveStateResponse) -> String {
    resp.diagnostics
        .iter()
        .map(|d| format!("{} {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn features_move_from_both_hashicorp_aws_versions() {
    for fixture_state in [STATE_5, STATE_6] {
        let (state, identity) = fixture(fixture_state, "aws_iam_organizations_features");
        let resp = moved(
            &OrganizationFeaturesResource,
            move_request("aws_iam_organizations_features", state, identity),
        )
        .await;
        assert!(!resp.diagnostics.has_errors(), "{}", error_text(&resp));
        assert_eq!(resp.state.attr("id").as_str(), Some("o-aa111bb222"));
        assert_eq!(
            resp.state.attr("organization_id").as_str(),
            Some("o-aa111bb222")
        );
        assert_eq!(
            resp.state
                .attr("enabled_features")
                .elements()
                .map(<[Value]>::len),
            Some(2)
        );
        assert_eq!(
            resp.state.attr("enable_trusted_access").as_bool(),
            Some(false)
        );
        assert!(resp.state.is_wholly_known());
    }
}

#[tokio::test]
async fn delegated_admins_move_from_both_hashicorp_aws_versions() {
    for fixture_state in [STATE_5, STATE_6] {
        let (state, identity) = fixture(fixture_state, "aws_organizations_delegated_administrator");
        let resp = moved(
            &DelegatedAdminResource,
            move_request(
                "aws_organizations_delegated_administrator",
                state.clone(),
                identity,
            ),
        )
        .await;
        assert!(!resp.diagnostics.has_errors(), "{}", error_text(&resp));
        for name in [
            "id",
            "account_id",
            "service_principal",
            "arn",
            "email",
            "name",
            "status",
            "joined_method",
            "joined_timestamp",
            "delegation_enabled_date",
        ] {
            assert_eq!(
                resp.state.attr(name).as_str(),
                state[name].as_str(),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn unreadable_sources_are_refused_naming_what_is_accepted() {
    let (features, _) = fixture(STATE_5, "aws_iam_organizations_features");
    let (admin, identity) = fixture(STATE_6, "aws_organizations_delegated_administrator");
    let mut bad_feature = features.clone();
    bad_feature["enabled_features"] = serde_json::json!(["RootSessions", "Nonsense"]);
    let mut bad_id = admin.clone();
    bad_id["id"] = serde_json::json!("222222222222/sso.amazonaws.com");
    let mut other_identity = identity.clone().expect("6.x has an identity");
    other_identity["delegated_account_id"] = serde_json::json!("333333333333");
    let mut newer = move_request("aws_iam_organizations_features", features.clone(), None);
    newer.source_schema_version = 1;
    let cases: Vec<(&dyn Resource<Aws>, MoveStateRequest, &str)> = vec![
        (
            &OrganizationFeaturesResource,
            move_request("aws_iam_organizations_features", bad_feature, None),
            "\"Nonsense\"",
        ),
        (&OrganizationFeaturesResource, newer, "schema version 1"),
        (
            &OrganizationFeaturesResource,
            move_request(
                "aws_iam_organizations_features",
                serde_json::json!({}),
                None,
            ),
            "\"id\"",
        ),
        (
            &DelegatedAdminResource,
            move_request("aws_organizations_delegated_administrator", bad_id, None),
            "222222222222/iam.amazonaws.com",
        ),
        (
            &DelegatedAdminResource,
            move_request(
                "aws_organizations_delegated_administrator",
                admin,
                Some(other_identity),
            ),
            "delegated_account_id",
        ),
    ];
    for (resource, req, mention) in cases {
        let resp = moved(resource, req).await;
        let text = error_text(&resp);
        assert!(resp.diagnostics.has_errors(), "{mention}");
        assert!(resp.state.is_null());
        assert!(text.contains(mention), "{mention}: {text}");
        assert!(text.contains("from hashicorp/aws"), "{text}");
    }
}

fn features_state(trusted: Option<bool>) -> Value {
    crate::framework::attributes::object([
        ("id", Value::from("o-sandbox1234")),
        ("organization_id", Value::from("o-sandbox1234")),
        (
            "enabled_features",
            crate::framework::values::string_set(["RootSessions"]),
        ),
        (
            "enable_trusted_access",
            trusted.map_or(Value::Null, Value::Bool),
        ),
    ])
}

async fn plan_features(ctx: &Context<Aws>, prior: Value, config: Value, proposed: Value) -> Value {
    let mut resp = ModifyPlanResponse {
        planned_state: proposed,
        requires_replace: Vec::new(),
        planned_private: Vec::new(),
        planned_identity: Value::Null,
        diagnostics: crate::framework::diagnostics::Diagnostics::new(),
    };
    let req = ModifyPlanRequest {
        config,
        prior_state: prior,
        prior_private: Vec::new(),
        prior_identity: Value::Null,
    };
    OrganizationFeaturesResource
        .modify_plan(ctx, req, &mut resp)
        .await;
    resp.planned_state
}

#[tokio::test]
async fn trusted_access_left_out_keeps_what_the_state_holds() {
    let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
    let mut unknown = features_state(None);
    unknown
        .set_attr("enable_trusted_access", Value::unknown())
        .expect("object");
    for prior in [true, false] {
        let planned = plan_features(
            &ctx,
            features_state(Some(prior)),
            features_state(None),
            unknown.clone(),
        )
        .await;
        assert_eq!(planned.attr("enable_trusted_access").as_bool(), Some(prior));
    }
    let created = plan_features(&ctx, Value::Null, features_state(None), unknown).await;
    assert_eq!(created.attr("enable_trusted_access").as_bool(), Some(false));
    let configured = plan_features(
        &ctx,
        features_state(Some(true)),
        features_state(Some(false)),
        features_state(Some(false)),
    )
    .await;
    assert_eq!(
        configured.attr("enable_trusted_access").as_bool(),
        Some(false)
    );
}

fn empty_state(resource: &dyn Resource<Aws>) -> Value {
    resource.schema().empty_value()
}

async fn import_by_identity(
    resource: &dyn Resource<Aws>,
    ctx: &Context<Aws>,
    identity: Value,
) -> ImportStateResponse {
    let schema = resource.identity_schema().expect("an identity");
    let mut state = empty_state(resource);
    schema.write_into_state(&identity, &mut state);
    let mut resp = ImportStateResponse {
        state,
        private: Vec::new(),
        identity: Value::Null,
        diagnostics: crate::framework::diagnostics::Diagnostics::new(),
    };
    let req = ImportStateRequest {
        id: String::new(),
        identity,
    };
    resource.import_state(ctx, req, &mut resp).await;
    resp
}

#[tokio::test]
async fn import_by_identity_fills_in_the_default_principal() {
    let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
    let identity = crate::framework::attributes::object([
        ("account_id", Value::from("222222222222")),
        ("service_principal", Value::Null),
    ]);
    let resp = import_by_identity(&DelegatedAdminResource, &ctx, identity).await;
    assert!(!resp.diagnostics.has_errors());
    assert_eq!(
        resp.state.attr("id").as_str(),
        Some("222222222222/iam.amazonaws.com")
    );
    assert_eq!(
        resp.state.attr("service_principal").as_str(),
        Some("iam.amazonaws.com")
    );

    let bad = crate::framework::attributes::object([
        ("account_id", Value::from("2222")),
        ("service_principal", Value::from(ACCESS_ANALYZER)),
    ]);
    let resp = import_by_identity(&DelegatedAdminResource, &ctx, bad).await;
    assert!(resp.diagnostics.has_errors());
}

#[tokio::test]
async fn features_import_by_identity_checks_the_organization() {
    let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
    let identity =
        |id: &str| crate::framework::attributes::object([("organization_id", Value::from(id))]);
    let resp = import_by_identity(
        &OrganizationFeaturesResource,
        &ctx,
        identity("o-sandbox1234"),
    )
    .await;
    assert!(!resp.diagnostics.has_errors());
    assert_eq!(resp.state.attr("id").as_str(), Some("o-sandbox1234"));
    assert_eq!(
        resp.state.attr("enable_trusted_access").as_bool(),
        Some(true)
    );
    let resp = import_by_identity(
        &OrganizationFeaturesResource,
        &ctx,
        identity("o-other123456"),
    )
    .await;
    assert!(resp.diagnostics.has_errors());
}

#[tokio::test]
async fn no_configuration_is_generated_for_an_organization_without_features() {
    let mut resp = GenerateConfigResponse {
        config: Value::Null,
        diagnostics: crate::framework::diagnostics::Diagnostics::new(),
    };
    let mut none = features_state(Some(true));
    none.set_attr(
        "enabled_features",
        crate::framework::values::string_set(Vec::<&str>::new()),
    )
    .expect("object");
    OrganizationFeaturesResource
        .generate_config(GenerateConfigRequest { state: none }, &mut resp)
        .await;
    assert!(resp.diagnostics.has_errors());
}

/// An organization with features on, trusted access for IAM and Access Analyzer, and three
/// delegated administrators, one of them for Access Analyzer.
fn adopted_seed() -> Seed {
    let mut seed = seed_with_trusted_access();
    seed.trusted_access.push(TrustedAccess {
        service_principal: ACCESS_ANALYZER.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    for (account, principal) in [
        ("222222222222", "iam.amazonaws.com"),
        ("333333333333", "iam.amazonaws.com"),
        ("444444444444", ACCESS_ANALYZER),
    ] {
        seed.delegated_administrators.push(Delegation {
            account_id: account.into(),
            service_principal: principal.into(),
            delegation_enabled_date: 1_700_000_100,
        });
    }
    seed
}

/// Runs a listing with room for `capacity` results and collects what it pushed, up to `limit`.
async fn list(
    list: &dyn ListResource<Aws>,
    ctx: &Context<Aws>,
    config: Value,
    limit: usize,
) -> (Vec<Value>, ListResponse) {
    let (sender, mut receiver) = mpsc::channel(1);
    let results = ListResults::new(sender);
    let req = ListRequest {
        config,
        include_resource_object: true,
        limit: limit as i64,
    };
    let mut resp = ListResponse::default();
    let collect = async {
        let mut found = Vec::new();
        while let Some(item) = receiver.recv().await {
            if let ListItem::Result(result) = item {
                found.push(result.resource_object);
            }
            if found.len() == limit {
                break;
            }
        }
        drop(receiver);
        found
    };
    let listing = async {
        list.list(ctx, req, &results, &mut resp).await;
        drop(results);
    };
    let (found, ()) = tokio::join!(collect, listing);
    (found, resp)
}

fn principal_config(principal: Option<&str>) -> Value {
    crate::framework::attributes::object([(
        "service_principal",
        principal.map_or(Value::Null, Value::from),
    )])
}

#[tokio::test]
async fn delegated_admins_are_listed_for_every_principal_or_one() {
    let (handle, ctx) = sandbox(adopted_seed(), FaultConfig::default()).await;
    let (all, resp) = list(&DelegatedAdminList, &ctx, principal_config(None), 100).await;
    assert!(!resp.diagnostics.has_errors());
    let ids: Vec<&str> = all.iter().filter_map(|s| s.attr("id").as_str()).collect();
    assert_eq!(
        ids,
        [
            "222222222222/iam.amazonaws.com",
            "333333333333/iam.amazonaws.com",
            "444444444444/access-analyzer.amazonaws.com"
        ]
    );
    assert!(
        all.iter()
            .all(|s| s.attr("name").as_str().is_some_and(|n| !n.is_empty()))
    );
    let (one, _) = list(
        &DelegatedAdminList,
        &ctx,
        principal_config(Some(ACCESS_ANALYZER)),
        100,
    )
    .await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].attr("account_id").as_str(), Some("444444444444"));
    let writes: u64 = handle
        .sandbox()
        .requests()
        .operations
        .iter()
        .filter(|(op, _)| !op.starts_with("List") && !op.starts_with("Describe"))
        .map(|(_, count)| count.total)
        .sum();
    assert_eq!(writes, 0);
}

#[tokio::test]
async fn a_listing_stops_at_the_limit() {
    let (handle, ctx) = sandbox(adopted_seed(), FaultConfig::default()).await;
    let (found, resp) = list(&DelegatedAdminList, &ctx, principal_config(None), 1).await;
    assert!(!resp.diagnostics.has_errors());
    assert_eq!(found.len(), 1);
    // The first principal's page answered the one result: the other principal is never
    // listed.
    let listings = handle
        .sandbox()
        .requests()
        .operations
        .get("ListDelegatedAdministrators")
        .map_or(0, |c| c.total);
    assert_eq!(listings, 1);
}

#[tokio::test]
async fn the_features_are_listed_once_and_only_when_enabled() {
    let (_handle, ctx) = sandbox(adopted_seed(), FaultConfig::default()).await;
    let config = Value::Object(Default::default());
    let (found, resp) = list(&OrganizationFeaturesList, &ctx, config.clone(), 100).await;
    assert!(!resp.diagnostics.has_errors());
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].attr("organization_id").as_str(),
        Some("o-sandbox1234")
    );
    assert_eq!(found[0].attr("enable_trusted_access").as_bool(), Some(true));
    assert_eq!(
        found[0]
            .attr("enabled_features")
            .elements()
            .map(<[Value]>::len),
        Some(2)
    );

    let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
    let (none, resp) = list(&OrganizationFeaturesList, &ctx, config, 100).await;
    assert!(!resp.diagnostics.has_errors());
    assert!(none.is_empty());
}
