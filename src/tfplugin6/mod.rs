//! Terraform plugin protocol 6: the generated code and the gRPC service that maps each RPC
//! to the framework engine.
//!
//! Layout:
//! - the generated messages, `provider_server` and `provider_client` (re-exported here);
//! - [`convert`]: protobuf ↔ framework conversions (DynamicValue, diagnostics, schemas, and
//!   the answers made of diagnostics alone);
//! - [`service`]: the `provider_server::Provider` implementation. Each served RPC delegates
//!   to its group's file ([`schemas`], [`validate`], [`provider_rpcs`], [`resources`],
//!   [`data_sources`], [`ephemeral_resources`], [`actions`], [`list_resources`]),
//!   which looks the type up once in the engine ([`crate::framework::server`]), decodes the
//!   request, calls the engine and encodes its answer; unsupported RPCs answer in [`service`]
//!   itself or in [`unsupported`].

mod generated {
    //! Generated code for the Terraform plugin protocol 6 (`proto/tfplugin6.proto`).
    //!
    //! Messages, the `Provider` server trait (`provider_server`) and a client
    //! (`provider_client`, used by the tests). Nothing here is written by hand.

    #![allow(
        missing_docs,
        clippy::all,
        clippy::pedantic,
        clippy::large_enum_variant,
        rustdoc::all
    )]

    tonic::include_proto!("tfplugin6");
}

pub use generated::*;

pub mod actions;
pub mod convert;
pub mod data_sources;
pub mod ephemeral_resources;
pub mod list_resources;
pub mod provider_rpcs;
pub mod resources;
pub mod schemas;
pub mod service;
pub mod unsupported;
pub mod validate;

pub use service::{ProviderService, grpc_service, grpc_service_for};
