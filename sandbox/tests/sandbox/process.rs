//! The sandbox binary as a child process: the ready line, signals, `--seed`, `--state`,
//! `--env-file` and the loopback-only `--listen`.

use crate::support::*;
use aws_sdk_iam::types::FeatureType;
use centralroot_sandbox::child::ChildSandbox;
use centralroot_sandbox::{Credentials, Seed};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// The `sandbox` command on its own (`terraform-provider-centralroot sandbox` runs the same code).
const BINARY: &str = env!("CARGO_BIN_EXE_centralroot-sandbox");

fn sdk(child: &ChildSandbox, credentials: &Credentials) -> Clients {
    Clients::from_config(&config(&child.endpoint_url, credentials, None))
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    // Where an earlier version put its temporary file: a symlink there must not be followed.
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("state.tmp")).unwrap();

    let first = ChildSandbox::spawn(Path::new(BINARY), None, &["--state", state_arg])
        .await
        .unwrap();
    assert!(
        first
            .ready_line
            .starts_with("export AWS_ENDPOINT_URL='http://127.0.0.1:"),
        "{}",
        first.ready_line
    );
    assert!(
        first
            .ready_line
            .contains(" AWS_ACCESS_KEY_ID='AKIASANDBOX111111111' ")
    );
    assert!(first.ready_line.contains(" AWS_SECRET_ACCESS_KEY='"));
    assert!(
        first
            .ready_line
            .ends_with(" AWS_REGION='us-east-1' AWS_DEFAULT_REGION='us-east-1' # sandbox ready: management account 111111111111")
    );
    assert_eq!(
        first.credentials,
        Seed::default_seed().management_credentials().unwrap()
    );
    let management = sdk(&first, &first.credentials);
    management
        .orgs
        .enable_aws_service_access()
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    management
        .iam
        .enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap();
    management
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    let (status, rest) = first.stop(libc::SIGTERM).await.unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(rest, "", "one line on stdout, nothing else");
    let saved = Seed::from_json(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved.delegated_administrators.len(), 1);
    let mode = std::fs::metadata(&state).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the state holds every seeded secret");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");

    let second = ChildSandbox::spawn(Path::new(BINARY), None, &["--state", state_arg])
        .await
        .unwrap();
    assert_ne!(second.endpoint_url, "");
    let management = sdk(&second, &second.credentials);
    let features = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap();
    assert_eq!(
        features.enabled_features(),
        [FeatureType::RootCredentialsManagement]
    );
    let admins = management
        .orgs
        .list_delegated_administrators()
        .send()
        .await
        .unwrap();
    assert_eq!(admins.delegated_administrators()[0].id(), Some(MEMBER_A));
    let (status, _) = second.stop(libc::SIGINT).await.unwrap();
    assert!(status.success(), "SIGINT stops cleanly too: {status:?}");
}

#[tokio::test]
async fn seed_file_is_served_and_bad_seeds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"organization": {"id": "o-billingonly01", "feature_set": "CONSOLIDATED_BILLING",
             "management_account_id": "123456789012"},
            "accounts": [{"id": "123456789012", "access_key_id": "AKIAFROMSEEDFILE0001",
                          "secret_access_key": "from-the-seed"}]}"#,
    )
    .unwrap();
    let child = ChildSandbox::spawn(Path::new(BINARY), None, &["--seed", seed.to_str().unwrap()])
        .await
        .unwrap();
    assert_eq!(child.credentials.access_key_id, "AKIAFROMSEEDFILE0001");
    let org = sdk(&child, &child.credentials)
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    let org = org.organization().unwrap();
    assert_eq!(org.id(), Some("o-billingonly01"));
    assert_eq!(org.feature_set().unwrap().as_str(), "CONSOLIDATED_BILLING");
    child.stop(libc::SIGTERM).await.unwrap();

    std::fs::write(&seed, r#"{"accounts": [{"id": "nope"}]}"#).unwrap();
    let output = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--seed"])
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("12 digits"));
    let output = Command::new(BINARY).args(["--bogus"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn env_file_holds_the_ready_line_while_the_sandbox_runs() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("sandbox.env");
    std::fs::write(&env_file, "stale").unwrap();
    let child = ChildSandbox::spawn(
        Path::new(BINARY),
        None,
        &["--env-file", env_file.to_str().unwrap()],
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&env_file).unwrap(),
        format!("{}\n", child.ready_line)
    );
    let mode = std::fs::metadata(&env_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let (status, _) = child.stop(libc::SIGTERM).await.unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!env_file.exists(), "gone once the sandbox stopped");
}

#[tokio::test]
async fn listening_beyond_loopback_needs_the_exposure_flag() {
    let output = Command::new(BINARY)
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--listen 0.0.0.0:0 reaches beyond loopback")
            && stderr.contains("control plane")
            && stderr.contains("well-known keys")
            && stderr.contains("--expose-control-plane-and-keys"),
        "{stderr}"
    );

    // Binding 0.0.0.0:0 sends nothing anywhere; the test talks to no one through it.
    let child = ChildSandbox::spawn(
        Path::new(BINARY),
        None,
        &["--listen", "0.0.0.0:0", "--expose-control-plane-and-keys"],
    )
    .await
    .unwrap();
    assert!(
        child.endpoint_url.starts_with("http://0.0.0.0:"),
        "{}",
        child.ready_line
    );
    let (status, _) = child.stop(libc::SIGTERM).await.unwrap();
    assert!(status.success(), "{status:?}");

    // Loopback names and addresses need no flag (ChildSandbox lets a later --listen win).
    for loopback in ["localhost:0", "127.0.0.2:0"] {
        let child = ChildSandbox::spawn(Path::new(BINARY), None, &["--listen", loopback])
            .await
            .unwrap();
        child.stop(libc::SIGTERM).await.unwrap();
    }
}

#[tokio::test]
async fn seed_and_state_files_with_a_secret_a_shell_would_run_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, seed_running(&marker)).unwrap();
    for flag in ["--seed", "--state"] {
        let output = Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", flag])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{flag}");
        assert!(output.stdout.is_empty(), "{flag}: no ready line");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(
                "account 123456789012: secret_access_key may hold only letters, digits and / + = . _ -"
            ),
            "{flag}: {stderr}"
        );
        assert!(
            !stderr.contains("touch"),
            "{flag}: the secret is not repeated: {stderr}"
        );
    }
    assert!(!marker.exists());
}

#[tokio::test]
async fn bash_sets_the_ready_line_and_env_file_variables_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    // Every character a key or secret may hold beyond letters and digits.
    let secret = "wJalr/XUtn+FEMI=K7.MDENG_bPxR-fiCY";
    std::fs::write(
        &seed,
        serde_json::json!({"accounts": [{"id": "123456789012",
            "access_key_id": "AKIA0123456789ABCDEF", "secret_access_key": secret}]})
        .to_string(),
    )
    .unwrap();
    let env_file = dir.path().join("sandbox.env");
    let child = ChildSandbox::spawn(
        Path::new(BINARY),
        None,
        &[
            "--seed",
            seed.to_str().unwrap(),
            "--env-file",
            env_file.to_str().unwrap(),
        ],
    )
    .await
    .unwrap();
    assert_eq!(child.credentials.secret_access_key, secret);
    let show = r#"printf '%s\n' "$AWS_ENDPOINT_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "$AWS_DEFAULT_REGION""#;
    let expected = format!(
        "{}\nAKIA0123456789ABCDEF\n{secret}\nus-east-1\nus-east-1\n",
        child.endpoint_url
    );
    // As the quick start does (eval of the line read from stdout), and as a script sourcing
    // --env-file does.
    for script in [
        format!(r#"eval "$READY" && {show}"#),
        format!(r#"source "$ENV_FILE" && {show}"#),
    ] {
        let output = Command::new("bash")
            .args(["-c", &script])
            .env("READY", &child.ready_line)
            .env("ENV_FILE", &env_file)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{script}: {output:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            expected,
            "{script}"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "nothing created but the seed and env file: {leftovers:?}"
    );
    let (status, _) = child.stop(libc::SIGTERM).await.unwrap();
    assert!(status.success(), "{status:?}");
}
