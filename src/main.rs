//! The provider binary. Terraform runs it as a plugin; `sandbox` runs the local AWS emulator.

use std::process::ExitCode;

use tonic::service::Routes;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sandbox") => centralroot_sandbox::cli::main(&args[1..]),
        Some("--version" | "version") => {
            println!(
                "terraform-provider-centralroot {}",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        _ => {
            let provider =
                centralroot::tfplugin6::grpc_service(centralroot::provider::CentralRootProvider);
            centralroot::plugin::main(&args, Routes::new(provider))
        }
    }
}
