//! `centralroot-sandbox [FLAGS]`: the same command as `terraform-provider-centralroot sandbox`
//! [FLAGS], built only with the `test-support` feature for this crate's command-line tests.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    centralroot_sandbox::cli::main(&args)
}
