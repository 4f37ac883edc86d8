//! A sandbox for end-to-end tests: served in-process on its own runtime, reachable by the
//! Terraform runs (through a workspace's environment) and inspectable by the test.

use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::requests::RequestLog;
use centralroot_sandbox::{Credentials, Sandbox, Seed, Server, ServerHandle};
use std::sync::Arc;

use super::Workspace;

/// The sandbox's management account.
pub const MANAGEMENT: &str = "111111111111";
/// Member accounts of the default seed.
pub const MEMBERS: [&str; 3] = ["222222222222", "333333333333", "444444444444"];
/// The IAM service principal.
pub const IAM: &str = "iam.amazonaws.com";

/// A running sandbox; stops when dropped.
pub struct SandboxFixture {
    handle: Option<ServerHandle>,
    runtime: tokio::runtime::Runtime,
}

impl SandboxFixture {
    /// Starts a sandbox on 127.0.0.1:0 holding `seed`.
    pub fn start(seed: Seed) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime for the sandbox");
        let (_, handle) = runtime
            .block_on(Server::bind("127.0.0.1:0", seed))
            .expect("bind the sandbox");
        Self {
            handle: Some(handle),
            runtime,
        }
    }

    /// Starts a sandbox with the default seed (trusted access off, no features).
    pub fn default_seed() -> Self {
        Self::start(Seed::default_seed())
    }

    fn handle(&self) -> &ServerHandle {
        self.handle.as_ref().expect("sandbox running")
    }

    /// The model and its controls (faults, request counters, snapshots).
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        self.handle().sandbox()
    }

    /// The one endpoint URL for IAM, Organizations and STS.
    pub fn endpoint_url(&self) -> String {
        self.handle().endpoint_url()
    }

    /// An AWS SDK configuration for this sandbox signing as `account`, for the calls a test
    /// makes itself.
    pub fn sdk_config(&self, account: &str) -> aws_config::SdkConfig {
        let creds = self.credentials(account);
        let credentials = aws_credential_types::Credentials::new(
            creds.access_key_id,
            creds.secret_access_key,
            None,
            None,
            "e2e",
        );
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(self.endpoint_url())
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
            )
            .build()
    }

    /// The credentials of `account`.
    pub fn credentials(&self, account: &str) -> Credentials {
        self.handle()
            .credentials(account)
            .unwrap_or_else(|| panic!("account {account} is not seeded"))
    }

    /// Points `workspace`'s Terraform runs at this sandbox, as `account` (through the standard
    /// AWS environment variables, which the provider reads through aws-config), and checks each
    /// of them against the permissions of the workspace's types.
    pub fn configure(&self, workspace: &mut Workspace, account: &str) {
        workspace.watch_requests(Arc::clone(self.sandbox()));
        let creds = self.credentials(account);
        workspace.set_env("AWS_ENDPOINT_URL", &self.endpoint_url());
        workspace.set_env("AWS_ACCESS_KEY_ID", &creds.access_key_id);
        workspace.set_env("AWS_SECRET_ACCESS_KEY", &creds.secret_access_key);
        workspace.set_env("AWS_REGION", "us-east-1");
    }

    /// The current model.
    pub fn state(&self) -> Seed {
        self.sandbox().snapshot()
    }

    /// Request counters since the start or the last [`Self::reset_requests`].
    pub fn requests(&self) -> RequestLog {
        self.sandbox().requests()
    }

    /// Successful and failed calls of `operation` since the last reset.
    pub fn calls(&self, operation: &str) -> u64 {
        self.requests()
            .operations
            .get(operation)
            .map_or(0, |count| count.total)
    }

    /// Clears the request counters.
    pub fn reset_requests(&self) {
        self.sandbox().reset_requests();
    }

    /// Injects faults from now on.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.sandbox().set_faults(faults);
    }

    /// Runs async code (e.g. AWS SDK calls) on the sandbox's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl Drop for SandboxFixture {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = self.runtime.block_on(handle.shutdown());
        }
    }
}
