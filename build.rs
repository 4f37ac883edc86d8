//! Generates the gRPC code from `proto/` without needing `protoc` on the machine:
//! protox parses the definitions (it ships the well-known types) and
//! tonic-prost-build turns the descriptors into Rust.

use std::error::Error;

const PROTOS: &[&str] = &[
    "tfplugin6.proto",
    "plugin/grpc_controller.proto",
    "plugin/grpc_stdio.proto",
    "plugin/grpc_broker.proto",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=proto");
    let fds = protox::compile(PROTOS, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(fds)?;
    Ok(())
}
