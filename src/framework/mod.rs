//! A small provider framework after terraform-plugin-framework.
//!
//! Layout:
//! - [`schema`]: schemas of providers, resources and data sources.
//! - [`validators`], [`plan_modifiers`]: reusable per-attribute behaviour.
//! - [`diagnostics`]: errors and warnings with attribute paths.
//! - [`provider`], [`resource`], [`data_source`], [`ephemeral_resource`], [`action`],
//!   [`list_resource`]: the traits a provider implements; [`move_state`]: what a resource
//!   receives from a `moved` block.
//! - [`context`]: the provider data and cancellation token every operation receives.
//! - [`values`]: helpers over [`crate::cty::Value`].
//! - [`attributes`]: typed reads of a type's attributes, for its model struct.
//! - [`server`]: the engine running each RPC's behaviour, independent of the wire.
//!
//! The wire side (protobuf decoding and encoding) lives in [`crate::tfplugin6`].
//!
//! # Writing a resource
//!
//! Implement [`resource::Resource`] for a unit struct: `schema` (attributes with their
//! [`validators`] and [`plan_modifiers`]), then `create`, `read`, `update` and `delete`, each
//! filling its response (state, diagnostics). Opt into `import_state`, `modify_plan`,
//! `validate_config` or `upgrade_state` only when needed. Register it with its full type name
//! in the provider's `resources()` list. Inside an operation, `ctx.provider_data()` is what the provider built at
//! configure time and `ctx.cancellation()` is cancelled on `StopProvider`. Record each remote
//! change in the response's `state` as soon as it is confirmed: if a later step fails, or
//! `StopProvider` drops the operation at an await point, that state is what Terraform stores.
//!
//! The engine already handles: schema validation with attribute paths, default planning
//! (unknown computed values, defaults, prior values kept on no-op, requires-replace paths),
//! the check that a plan honours the configuration, the checks after apply (state present,
//! wholly known, equal to every known planned value), state upgrade for the current schema
//! version, and interruption. Report failures as diagnostics on the attribute they concern.
//!
//! # Writing an ephemeral resource
//!
//! Implement [`ephemeral_resource::EphemeralResource`] (Terraform ≥ 1.10) and register it in
//! the provider's `ephemeral_resources()`. `open` receives a wholly known configuration and
//! fills in the computed attributes of `resp.result`, which starts as the configuration; the
//! engine refuses a result with unknown values or a changed configured value. The result
//! reaches other provider blocks and write-only arguments but never plan or state, so it is
//! the place for credentials (mark them `sensitive`). Set `renew_at` only if `renew` can
//! extend what was opened: a renewal cannot change the result, so anything that expires
//! and cannot be extended (an `AssumeRoot` session) is documented with its lifetime instead.
//! Put in `private` what `close` needs; `close` always receives the private data `open`
//! answered, a renewal's only reaches the next renewal. An `open` that fails is never
//! closed, so release what it acquired before returning the error.
//!
//! # Writing an action
//!
//! Implement [`action::Action`] (Terraform ≥ 1.14) and register it in the provider's
//! `actions()`. `validate_config` and `plan` see a configuration that may hold unknown values;
//! `invoke` sees it wholly known. Report each step with `progress.send(..)` as it is done
//! (one line per change made), and record failures in `resp.diagnostics`: the engine sends
//! them as the single completion once `invoke` returns, or with its "Operation interrupted"
//! error when `StopProvider` drops the action at an await point, so the progress lines are
//! the record of what was done. Actions have no state: make `invoke` safe to run again.
//!
//! # Opting in to adoption capabilities
//!
//! Each capability is off until a type opts in; Terraform versions without it never ask.
//! - **Resource identity** (Terraform ≥ 1.12): return an
//!   [`IdentitySchema`](schema::IdentitySchema) (version 0) from
//!   [`Resource::identity_schema`](resource::Resource::identity_schema). Each identity
//!   attribute is read from the state attribute of the same name, or the one named with
//!   [`IdentityAttribute::state_attribute`](schema::IdentityAttribute::state_attribute); when
//!   that is not enough, set `identity` in the response or override
//!   [`Resource::identity_from_state`](resource::Resource::identity_from_state). The engine
//!   answers an identity in every read, plan, apply and import, never an all-null one
//!   ("Missing Resource Identity After …"), refuses one that changes a stored attribute
//!   ("Unexpected Identity Change"), and reads stored identities of version 0 in
//!   UpgradeResourceIdentity.
//! - **Import by identity**: `import_state` also runs for `import { identity = {…} }`, with
//!   [`ImportStateRequest::identity`](resource::ImportStateRequest::identity) set, `id` empty,
//!   and the identity already written into the state; fill in what an attribute that is only
//!   optional for import left out. The engine has checked the attributes required for import.
//! - **`terraform query`** (Terraform ≥ 1.14): implement
//!   [`ListResource`](list_resource::ListResource) under the name of a resource type that has an
//!   identity, with the schema of its `config {}` block, and return it from
//!   [`Provider::list_resources`](provider::Provider::list_resources). Push each object as soon
//!   as its page arrives and stop when `push` returns `false`; a result's identity may be left
//!   to the engine when its `resource_object` is set.
//! - **Generated configuration** (`-generate-config-out`, Terraform ≥ 1.14): served for every
//!   type: the state without computed-only attributes and values equal to their default.
//!   Override [`Resource::generate_config`](resource::Resource::generate_config) when the plan
//!   after the import needs more (or less).
//! - **`moved` from another provider** (Terraform ≥ 1.8): list the source types in
//!   [`Resource::moved_from`](resource::Resource::moved_from) and translate their JSON state in
//!   [`Resource::move_state`](resource::Resource::move_state), without any remote call. The
//!   engine refuses other sources with a diagnostic naming what each type accepts, and checks
//!   the result is wholly known and of the schema.

pub mod action;
pub mod attributes;
pub mod context;
pub mod data_source;
pub mod diagnostics;
pub mod ephemeral_resource;
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
