//! `terraform-provider-centralroot sandbox`, the command the README's quick start and
//! `scripts/demo.sh` run: the binary serves the sandbox crate's command line (whose flags and
//! hostile input the sandbox crate's own tests cover), prints the ready line, answers a signed
//! call and stops cleanly on SIGTERM.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use centralroot_sandbox::child::ChildSandbox;
use std::path::Path;

use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");

fn the_provider_binary_runs_the_sandbox() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let child = ChildSandbox::spawn(Path::new(PROVIDER_BINARY), Some("sandbox"), &[])
            .await
            .expect("the sandbox starts and prints its ready line");
        assert!(
            child
                .ready_line
                .starts_with("export AWS_ENDPOINT_URL='http://127.0.0.1:")
                && child.ready_line.ends_with(
                    " AWS_REGION='us-east-1' # sandbox ready: management account 111111111111"
                ),
            "{}",
            child.ready_line
        );
        let credentials = aws_credential_types::Credentials::new(
            child.credentials.access_key_id.clone(),
            child.credentials.secret_access_key.clone(),
            None,
            None,
            "sandbox-command",
        );
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&child.endpoint_url)
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .build();
        let identity = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .expect("a signed call to the sandbox");
        assert_eq!(identity.account(), Some(MANAGEMENT));
        let (status, rest) = child.stop(libc::SIGTERM).await.expect("stopping it");
        assert!(status.success(), "{status:?}");
        assert_eq!(rest, "", "one line on stdout, nothing else");
    });
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::once(
        "the_provider_binary_runs_the_sandbox",
        the_provider_binary_runs_the_sandbox,
    )],
);
