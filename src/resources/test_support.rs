//! What the resources' tests share: a sandbox and a context holding the clients of its
//! management account, for the tests of what they record when AWS fails halfway (one attempt
//! per call, so an injected fault is final); the states hashicorp/aws writes, for the tests of
//! `moved` blocks; and import by identity as the engine runs it.

use std::collections::BTreeSet;
use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use tokio_util::sync::CancellationToken;

use crate::aws::{Aws, Endpoints, Feature, IAM_SERVICE_PRINCIPAL, PropagationWait};
use crate::cty::Value;
use crate::framework::Context;
use crate::framework::provider::Provider;
use crate::framework::resource::{
    CreateRequest, CreateResponse, ImportStateRequest, ImportStateResponse, ModifyPlanRequest,
    ModifyPlanResponse, MoveStateRequest, MoveStateResponse, ReadRequest, ReadResponse, Resource,
    UpdateRequest, UpdateResponse,
};
use crate::provider::CentralRootProvider;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::TrustedAccess;
use centralroot_sandbox::{Seed, Server, ServerHandle};

/// The default seed with trusted access for IAM on.
pub fn seed_with_trusted_access() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM_SERVICE_PRINCIPAL.into(),
        date_enabled: 1_700_000_000,
    });
    seed
}

/// A sandbox serving `seed` with `faults` on, and a context for its management account.
pub async fn sandbox(seed: Seed, faults: FaultConfig) -> (ServerHandle, Context<Aws>) {
    let (_, handle) = Server::bind("127.0.0.1:0", seed)
        .await
        .expect("sandbox binds");
    handle.sandbox().set_faults(faults);
    let creds = handle
        .management_credentials()
        .expect("seeded management account");
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new(
                creds.access_key_id,
                creds.secret_access_key,
                None,
                None,
                "test",
            ),
        ))
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .build();
    let url = handle.endpoint_url();
    let endpoints = Endpoints {
        iam: Some(url.clone()),
        organizations: Some(url.clone()),
        sts: Some(url.clone()),
        s3: Some(url.clone()),
        sqs: Some(url),
        ..Endpoints::default()
    };
    let aws = Aws::new(&config, &endpoints, PropagationWait::default());
    (
        handle,
        Context::new(Arc::new(aws), CancellationToken::new()),
    )
}

/// Fails every call of `operation` with HTTP 500.
pub fn fail(operation: &str) -> FaultConfig {
    FaultConfig {
        server_error_every: 1,
        operations: Some(vec![operation.to_owned()]),
        ..FaultConfig::default()
    }
}

/// Runs `create` with `planned` as the plan, as the engine would.
pub async fn create(
    resource: &dyn Resource<Aws>,
    ctx: &Context<Aws>,
    planned: Value,
) -> CreateResponse {
    let mut resp = CreateResponse::default();
    let req = CreateRequest {
        config: Value::Null,
        planned_state: planned,
        planned_private: Vec::new(),
        planned_identity: Value::Null,
    };
    resource.create(ctx, req, &mut resp).await;
    resp
}

/// Plans from `prior` to `config` as the engine would, the response starting from the engine's
/// `proposed` new state (null for a destroy).
pub async fn plan(
    resource: &dyn Resource<Aws>,
    ctx: &Context<Aws>,
    prior: Value,
    config: Value,
    proposed: Value,
) -> ModifyPlanResponse {
    let mut resp = ModifyPlanResponse {
        planned_state: proposed,
        ..ModifyPlanResponse::default()
    };
    let req = ModifyPlanRequest {
        config,
        prior_state: prior,
        prior_private: Vec::new(),
        prior_identity: Value::Null,
    };
    resource.modify_plan(ctx, req, &mut resp).await;
    resp
}

/// Refreshes `state` as the engine would, the response starting from the stored state.
pub async fn refresh(
    resource: &dyn Resource<Aws>,
    ctx: &Context<Aws>,
    state: &Value,
) -> ReadResponse {
    let mut resp = ReadResponse {
        state: state.clone(),
        ..ReadResponse::default()
    };
    let req = ReadRequest {
        state: state.clone(),
        private: Vec::new(),
        identity: Value::Null,
    };
    resource.read(ctx, req, &mut resp).await;
    resp
}

/// Runs `update` from `prior` to `planned`, the response starting null so that a resource
/// relying on the engine's starting value shows.
pub async fn update(
    resource: &dyn Resource<Aws>,
    ctx: &Context<Aws>,
    prior: Value,
    planned: Value,
) -> UpdateResponse {
    let mut resp = UpdateResponse::default();
    let req = UpdateRequest {
        config: Value::Null,
        planned_state: planned,
        prior_state: prior,
        planned_private: Vec::new(),
        planned_identity: Value::Null,
    };
    resource.update(ctx, req, &mut resp).await;
    resp
}

/// The service principal of Access Analyzer, a second service with delegated administrators.
pub const ACCESS_ANALYZER: &str = "access-analyzer.amazonaws.com";

/// A state hashicorp/aws 5.100.0 wrote.
pub const STATE_5: &str = include_str!("../../tests/fixtures/hashicorp-aws/state-5.100.0.tfstate");
/// A state in the shape hashicorp/aws 6.x writes, identities included.
pub const STATE_6: &str =
    include_str!("../../tests/fixtures/hashicorp-aws/state-6.x-constructed.tfstate");

/// The stored instance of `type_name` in a fixture state: its attributes and its identity.
pub fn fixture(state: &str, type_name: &str) -> (serde_json::Value, Option<serde_json::Value>) {
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

/// The request of a `moved` block from hashicorp/aws's `type_name` with `state`.
pub fn move_request(
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

/// Runs `move_state` as the engine would.
pub async fn moved(resource: &dyn Resource<Aws>, req: MoveStateRequest) -> MoveStateResponse {
    let mut resp = MoveStateResponse::default();
    resource.move_state(req, &mut resp).await;
    resp
}

/// Moves the stored instance of hashicorp/aws's `type_name` in the fixture `state` into
/// `resource` as the engine would: the instance's attributes, and the response.
pub async fn moved_fixture(
    resource: &dyn Resource<Aws>,
    state: &str,
    type_name: &str,
) -> (serde_json::Value, MoveStateResponse) {
    let (attributes, identity) = fixture(state, type_name);
    let req = move_request(type_name, attributes.clone(), identity);
    (attributes, moved(resource, req).await)
}

/// The summaries and details of a move's diagnostics, to search and to show.
pub fn error_text(resp: &MoveStateResponse) -> String {
    resp.diagnostics
        .iter()
        .map(|d| format!("{} {}", d.summary, d.detail))
        .collect()
}

/// Moves `req` into `resource`, which must refuse it: no state, and an error that names what
/// it refused (`mention`) and that the source is hashicorp/aws's.
pub async fn refused_move(resource: &dyn Resource<Aws>, req: MoveStateRequest, mention: &str) {
    let resp = moved(resource, req).await;
    let text = error_text(&resp);
    assert!(resp.diagnostics.has_errors(), "{mention}");
    assert!(resp.state.is_null());
    assert!(text.contains(mention), "{mention}: {text}");
    assert!(text.contains("from hashicorp/aws"), "{text}");
}

/// The resource type the provider serves as `type_name`.
fn served(type_name: &str) -> Arc<dyn Resource<Aws>> {
    CentralRootProvider
        .resources()
        .into_iter()
        .find_map(|(name, resource)| (name == type_name).then_some(resource))
        .expect("served")
}

/// Imports `id` into the resource type `type_name` as `terraform import` does: the ID given,
/// the state starting empty.
pub async fn import_by_id(
    type_name: &'static str,
    ctx: &Context<Aws>,
    id: &str,
) -> ImportStateResponse {
    let state = served(type_name).schema().empty_value();
    let req = ImportStateRequest {
        type_name,
        id: id.to_owned(),
        identity: Value::Null,
    };
    import(ctx, state, req).await
}

/// Imports by `identity` into the resource type `type_name` as the engine does: the identity
/// written into an empty state first.
pub async fn import_by_identity(
    type_name: &'static str,
    ctx: &Context<Aws>,
    identity: Value,
) -> ImportStateResponse {
    let resource = served(type_name);
    let schema = resource.identity_schema().expect("an identity");
    let mut state = resource.schema().empty_value();
    schema.write_into_state(&identity, &mut state);
    let req = ImportStateRequest {
        type_name,
        id: String::new(),
        identity,
    };
    import(ctx, state, req).await
}

async fn import(ctx: &Context<Aws>, state: Value, req: ImportStateRequest) -> ImportStateResponse {
    let mut resp = ImportStateResponse {
        state,
        ..ImportStateResponse::default()
    };
    served(req.type_name)
        .import_state(ctx, req, &mut resp)
        .await;
    resp
}

/// `features` as the set the organization's features are compared as.
pub fn feature_set(features: &[Feature]) -> BTreeSet<Feature> {
    features.iter().copied().collect()
}
