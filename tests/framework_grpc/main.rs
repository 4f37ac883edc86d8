//! The tfplugin6 gRPC service driven in process over loopback with the generated client:
//! what the wire adds to the engine, whose behaviour is tested beside each RPC in
//! `src/framework/server/`. One module per group of RPCs as `src/tfplugin6/` maps them
//! (`identity` for the identities every resource RPC carries, `service` for unknown types and
//! unsupported RPCs), each with one end-to-end test of every RPC it maps and the wire's own
//! concerns: values that do not decode, bytes Terraform sent and gets back (private data,
//! identities, DynamicValue encodings), the shape of streamed answers, schema encoding, and
//! diagnostics (on the right attribute path, never a gRPC error).

mod actions;
mod data_sources;
mod ephemeral_resources;
mod identity;
mod list_resources;
mod provider_rpcs;
mod resources;
mod schemas;
mod service;
mod support;
