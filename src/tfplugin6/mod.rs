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
