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

pub mod context;
pub mod data_source;
pub mod diagnostics;
pub mod plan_modifiers;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod server;
pub mod validators;
pub mod values;

pub use context::Context;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
