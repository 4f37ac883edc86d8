//! The end-to-end harness of `tests/e2e/`: it runs real Terraform (and, on
//! request, OpenTofu) against the freshly built provider.
//!
//! Layout:
//! - [`cases`]: each module's table of tests, turned into one trial per (test, CLI).
//! - [`terraform`]: which CLIs to run (pinned Terraform 1.15 and 1.0, plus `CENTRALROOT_TF_EXTRA`).
//! - [`workspace`]: a temporary working directory with a `dev_overrides` CLI configuration, and the
//!   Terraform commands the tests need.
//! - [`run`]: one command run with a clean environment and a timeout, its output and log, and the
//!   check that Terraform reported no provider consistency error.
//! - [`diagnostics`]: diagnostics from `terraform validate -json`.
//! - [`sandbox`]: an in-process sandbox the Terraform runs talk to, with its controls.
//! - [`permissions`]: every command against the sandbox checked against the permissions its
//!   workspace's types declare.

pub mod cases;
pub mod diagnostics;
pub mod permissions;
pub mod run;
pub mod sandbox;
pub mod terraform;
pub mod workspace;

pub use cases::{Case, Cases, Generated};
pub use diagnostics::Validation;
pub use run::{Run, Running};
pub use sandbox::SandboxFixture;
pub use terraform::Terraform;
pub use workspace::{PlanOutcome, Workspace};
