//! A sandbox and a context holding the clients of its management account, for the resources'
//! tests of what they record when AWS fails halfway. One attempt per call, so an injected
//! fault is final.

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use tokio_util::sync::CancellationToken;

use crate::aws::{Aws, Endpoints, IAM_SERVICE_PRINCIPAL, PropagationWait};
use crate::cty::Value;
use crate::framework::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::resource::{
    CreateRequest, CreateResponse, Resource, UpdateRequest, UpdateResponse,
};
use crate::sandbox::faults::FaultConfig;
use crate::sandbox::seed::TrustedAccess;
use crate::sandbox::{Seed, Server, ServerHandle};

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
        sts: Some(url),
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

/// Runs `update` from `prior` to `planned`, the response starting null so that a resource
/// relying on the engine's starting value shows.
pub async fn update(
    resource: &dyn Resource<Aws>,
    ctx: &Context<Aws>,
    prior: Value,
    planned: Value,
) -> UpdateResponse {
    let mut resp = UpdateResponse {
        state: Value::Null,
        private: Vec::new(),
        identity: Value::Null,
        diagnostics: Diagnostics::new(),
    };
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
