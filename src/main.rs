//! The provider binary. Terraform runs it as a plugin; `sandbox` runs the local AWS emulator.

use std::io::Write as _;
use std::process::ExitCode;

use tonic::service::Routes;

/// What `--help` prints: Terraform starts the binary itself, a person runs it for the rest.
const USAGE: &str = "\
usage: terraform-provider-centralroot [--debug | --version | --help | sandbox [FLAGS]]

The centralroot provider for Terraform and OpenTofu, which start it themselves.

  --debug          serve the provider for a debugger: prints the TF_REATTACH_PROVIDERS to set
  --version        print the version
  --help, -h, help print this text; `help sandbox` prints the sandbox's flags
  sandbox [FLAGS]  run the local AWS emulator (`sandbox --help` lists its flags)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sandbox") => centralroot_sandbox::cli::main(&args[1..]),
        Some("--help" | "-h" | "help") => match args.get(1).map(String::as_str) {
            Some("sandbox") => centralroot_sandbox::cli::main(&["--help".to_owned()]),
            _ => {
                // A closed pipe (`| head`) is not worth a panic.
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                ExitCode::SUCCESS
            }
        },
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
