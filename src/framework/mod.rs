//! A small provider framework after terraform-plugin-framework.
//!
//! Layout:
//! - [`schema`]: schemas of providers, resources and data sources.
//! - [`validators`], [`plan_modifiers`]: reusable per-attribute behaviour.
//! - [`diagnostics`]: errors and warnings with attribute paths.
//! - [`provider`], [`resource`], [`data_source`]: the traits a provider implements.
//! - [`context`]: the provider data and cancellation token every operation receives.
//! - [`values`]: helpers over [`crate::cty::Value`].
//! - [`server`]: the engine running each RPC's behaviour, independent of the wire.
//!
//! The wire side (protobuf decoding and encoding) lives in [`crate::tfplugin6`].
//!
//! # Writing a resource
//!
//! Implement [`resource::Resource`] for a unit struct: `type_name`, `schema` (attributes with
//! their [`validators`] and [`plan_modifiers`]), then `create`, `read`, `update` and `delete`,
//! each filling its response (state, diagnostics). Opt into `import_state`, `modify_plan`,
//! `validate_config` or `upgrade_state` only when needed. Register it in the provider's
//! `resources()` list. Inside an operation, `ctx.provider_data()` is what the provider built at
//! configure time and `ctx.cancellation()` is cancelled on `StopProvider`. Record each remote
//! change in the response's `state` as soon as it is confirmed: if a later step fails, or
//! `StopProvider` drops the operation at an await point, that state is what Terraform stores.
//!
//! The engine already handles: schema validation with attribute paths, default planning
//! (unknown computed values, defaults, prior values kept on no-op, requires-replace paths),
//! the check that a plan honours the configuration, the checks after apply (state present,
//! wholly known, equal to every known planned value), state upgrade for the current schema
//! version, and interruption. Report failures as diagnostics on the attribute they concern.

pub mod context;
pub mod data_source;
pub mod diagnostics;
pub mod list_resource;
pub mod move_state;
pub mod plan_modifiers;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod server;
pub mod validators;
pub mod values;

pub use context::Context;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
