//! Generated code for the go-plugin services (`proto/plugin/*.proto`):
//! controller, stdio and broker, servers and clients.

#![allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all)]

tonic::include_proto!("plugin");
