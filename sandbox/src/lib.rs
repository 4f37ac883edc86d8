//! The local IAM + Organizations + STS (+ S3 and SQS policies) emulator behind `terraform-provider-centralroot sandbox`,
//! a crate of its own in the provider's workspace: it imports nothing from the provider.
//!
//! It speaks the real wire protocols on one listener, verifies SigV4 against seeded
//! credentials, enforces the preconditions of centralized root access and injects faults.
//!
//! # Using it from tests
//! In-process, on an ephemeral port, with SDK clients pointed at it (what this crate's tests,
//! the provider's AWS-layer tests and the end-to-end tests' `SandboxFixture` in
//! `tests/e2e/support/` do; the Terraform runs reach it through `AWS_ENDPOINT_URL`):
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use centralroot_sandbox::{FaultConfig, Seed, Server};
//! let (addr, handle) = Server::bind("127.0.0.1:0", Seed::default_seed()).await?;
//! let endpoint = handle.endpoint_url(); // "http://127.0.0.1:PORT", same for IAM, STS, Organizations
//! let keys = handle.management_credentials(); // or handle.credentials("222222222222")
//! handle.sandbox().set_faults(FaultConfig { throttle_every: 3, ..FaultConfig::default() });
//! let final_model: Seed = handle.shutdown().await?;
//! # let _ = (addr, endpoint, keys, final_model);
//! # Ok(()) }
//! ```
//! [`Server::bind_with_limits`] sets other [`Limits`] (connections, timeouts, body size, STS
//! sessions). The control plane (`/_sandbox/…`, see [`control`]) works the same in process and
//! from the command line; the seed format is described in [`seed`].
//!
//! # The `test-support` feature
//! What only tests use, off in the provider's build: `child::ChildSandbox` runs the sandbox
//! command as a child process (`terraform-provider-centralroot sandbox`, or this crate's own
//! `centralroot-sandbox` binary), parses the ready line and stops it with a signal;
//! `sigv4::sign` signs a request as an SDK does; `Sandbox::sessions` shows the secrets of
//! issued STS credentials. The provider enables it in its `[dev-dependencies]` only.
//!
//! # Layout
//! - [`cli`]: the `sandbox` command line (flags, signals, `--state`); [`ready`]: the ready
//!   line and `--env-file`, shell-quoted.
//! - [`server`]: the axum router on one listener; [`Server::bind`] for in-process use.
//! - [`connections`]: accepting connections within [`limits`]; [`body`]: reading bodies.
//! - [`private_file`]: writing `--state` and `--env-file` atomically, owner-readable only.
//! - [`engine`]: the shared [`Sandbox`] and the request pipeline.
//! - [`sigv4`]: signature verification; [`identity`]: which caller an access key is.
//! - [`seed`]: the JSON model format, its validation, the default and generated seeds;
//!   [`state`]: the live model.
//! - [`scp`]: service control policies, denied as AWS words it.
//! - [`faults`]: injected faults, [`rate_limits`]: token buckets; [`requests`]: request
//!   counters; [`control`]: `/_sandbox/` API.
//! - [`wire`]: awsQuery, awsJson and REST-XML encoding; [`error`]: AWS-shaped errors.
//! - [`iam`], [`iam_root`], [`credential_report`], [`organizations`], [`sts`]: the
//!   operations; [`pagination`]: tokens.
//! - [`s3`], [`sqs`]: the bucket and queue policies of the unlock root tasks, with
//!   [`resource_policy`] deciding which policy locks everyone out.

pub mod body;
#[cfg(feature = "test-support")]
pub mod child;
pub mod cli;
pub mod connections;
pub mod control;
pub mod credential_report;
pub mod engine;
pub mod error;
pub mod faults;
pub mod iam;
pub mod iam_root;
pub mod identity;
pub mod limits;
pub mod organizations;
pub mod pagination;
pub mod private_file;
pub mod rate_limits;
pub mod ready;
pub mod requests;
pub mod resource_policy;
pub mod s3;
pub mod scp;
pub mod seed;
pub mod server;
pub mod sigv4;
pub mod sqs;
pub mod state;
pub mod sts;
pub mod wire;

pub use engine::Sandbox;
pub use faults::FaultConfig;
pub use limits::Limits;
pub use seed::{Credentials, Seed};
pub use server::{Server, ServerHandle};
