//! The go-plugin transport.

use std::process::ExitCode;

/// Serves the provider as Terraform expects.
pub fn main(_args: &[String]) -> ExitCode {
    eprintln!("the plugin server is not built yet");
    ExitCode::FAILURE
}

pub mod proto;
