//! A release installed into a filesystem mirror by `scripts/install-mirror.sh`, and real
//! Terraform installing the provider from there with no `dev_overrides` and no network.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use base64::Engine;
use centralroot_sandbox::seed::Feature;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::{
    VERSION, binary_name, file_names, platform, read, release_ok, repo, run, sha256_hex, zip_name,
};
use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};

const HOSTS: [&str; 2] = ["registry.terraform.io", "registry.opentofu.org"];

/// `scripts/install-mirror.sh --dist <dist> --layout <layout> <mirror>`; returns the CLI
/// configuration it printed.
#[track_caller]
fn install(dist: &Path, layout: &str, mirror: &Path) -> String {
    let dist = dist.display().to_string();
    let mirror = mirror.display().to_string();
    let output = run(
        &repo().join("scripts/install-mirror.sh"),
        &["--dist", &dist, "--layout", layout, &mirror],
        repo(),
        &[],
    );
    output.assert_success("scripts/install-mirror.sh");
    output.stdout
}

/// Terraform's `h1:` package hash, computed here independently of Terraform: the Go modules
/// "dirhash" version 1 of the package's files (sha256 of the sorted `<sha256 hex>  <name>\n`
/// lines, base64).
fn h1_of_dir(dir: &Path) -> String {
    let mut summary = String::new();
    for name in file_names(dir) {
        let path = dir.join(&name);
        assert!(path.is_file(), "{} is not a plain file", path.display());
        summary.push_str(&format!("{}  {name}\n", sha256_hex(&read(&path))));
    }
    let digest = Sha256::digest(summary.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The version and hashes `.terraform.lock.hcl` records for `address`.
fn locked(lock_file: &str, address: &str) -> (String, Vec<String>) {
    let header = format!("provider \"{address}\" {{");
    let block: Vec<&str> = lock_file
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| *line != "}")
        .collect();
    assert!(
        !block.is_empty(),
        "no {address} in the lock file:\n{lock_file}"
    );
    let quoted = |line: &str| line.split('"').nth(1).map(str::to_string);
    let version = block
        .iter()
        .find(|line| line.trim_start().starts_with("version"))
        .and_then(|line| quoted(line))
        .unwrap_or_else(|| panic!("no version for {address}:\n{lock_file}"));
    let hashes = block
        .iter()
        .skip_while(|line| !line.trim_start().starts_with("hashes"))
        .skip(1)
        .take_while(|line| line.trim() != "]")
        .filter_map(|line| quoted(line))
        .collect();
    (version, hashes)
}

fn terraform_installs_the_release_from_a_filesystem_mirror(tf: &'static Terraform) {
    let temp = TempDir::new().expect("temporary directory");
    let dist = release_ok(&temp.path().join("dist"));
    let mirror = temp.path().join("mirror");
    let packed = temp.path().join("packed");
    let cli_config = install(&dist, "unpacked", &mirror);
    install(&dist, "packed", &packed);

    // Unpacked: the archive's files directly in <host>/<namespace>/<type>/<version>/<platform>/,
    // for Terraform's and OpenTofu's registry host alike.
    let mut package_dirs = HOSTS.iter().map(|host| {
        mirror
            .join(host)
            .join("centralroot/centralroot")
            .join(VERSION)
            .join(platform())
    });
    let package_dir = package_dirs.next().expect("a host");
    let expected_h1 = h1_of_dir(&package_dir);
    for dir in std::iter::once(package_dir.clone()).chain(package_dirs) {
        let mut expected = vec![binary_name(), "LICENSE".to_string()];
        expected.sort();
        assert_eq!(file_names(&dir), expected, "in {}", dir.display());
        let mode = fs::metadata(dir.join(binary_name()))
            .expect("installed binary")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o111,
            0o111,
            "the installed binary is not executable"
        );
        assert_eq!(h1_of_dir(&dir), expected_h1);
    }
    // Packed: the release's archive itself, under the registry's file name.
    for host in HOSTS {
        let zip = packed
            .join(host)
            .join("centralroot/centralroot")
            .join(zip_name());
        assert_eq!(
            read(&zip),
            read(&dist.join(zip_name())),
            "{}",
            zip.display()
        );
    }

    let mirror_path = fs::canonicalize(&mirror).expect("mirror exists");
    assert!(
        cli_config.contains("filesystem_mirror")
            && cli_config.contains(&format!("path    = \"{}\"", mirror_path.display()))
            && cli_config.contains("direct")
            && !cli_config.contains("dev_overrides"),
        "unexpected CLI configuration:\n{cli_config}"
    );
    let quickstart = String::from_utf8(read(&repo().join("examples/quickstart/main.tf")))
        .expect("quickstart is text");
    let packed_flag = format!("-fs-mirror={}", packed.display());
    let platform_flag = format!("-platform={}", platform());

    let mut ws = Workspace::with_cli_config(tf, "release-mirror", &cli_config);
    // Nothing may come from the network: a registry request would go to this closed port.
    ws.set_env("HTTPS_PROXY", "http://127.0.0.1:9");
    ws.set_env("HTTP_PROXY", "http://127.0.0.1:9");
    ws.set_env("NO_PROXY", "127.0.0.1,localhost");
    ws.write_main(&quickstart);

    ws.run_ok(&["init"])
        .assert_output_contains(&format!("Installed centralroot/centralroot v{VERSION}"));
    let installed = ws
        .dir()
        .join(".terraform/providers")
        .join(tf.registry_host())
        .join("centralroot/centralroot")
        .join(VERSION)
        .join(platform())
        .join(binary_name());
    assert!(
        installed.exists(),
        "init did not install {}",
        installed.display()
    );

    let lock_path = ws.dir().join(".terraform.lock.hcl");
    let lock = String::from_utf8(read(&lock_path)).expect("lock file is text");
    let (version, init_hashes) = locked(&lock, &tf.provider_address());
    assert_eq!(version, VERSION);
    assert_eq!(
        init_hashes,
        std::slice::from_ref(&expected_h1),
        "init locked other hashes:\n{lock}"
    );

    // `providers lock` computes the same hash from the release archive (packed mirror).
    fs::remove_file(&lock_path).expect("remove the lock file");
    ws.run_ok(&["providers", "lock", &packed_flag, &platform_flag]);
    let relock = String::from_utf8(read(&lock_path)).expect("lock file is text");
    let (version, lock_hashes) = locked(&relock, &tf.provider_address());
    assert_eq!(version, VERSION);
    assert_eq!(
        lock_hashes, init_hashes,
        "providers lock disagrees with init:\n{relock}"
    );

    // The installed provider does the quickstart's job against the sandbox.
    let sandbox = SandboxFixture::default_seed();
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.apply();
    ws.assert_no_changes();
    let state = sandbox.state();
    let mut features = state.features.clone();
    features.sort();
    assert_eq!(
        features,
        [Feature::RootCredentialsManagement, Feature::RootSessions]
    );
    assert!(
        state
            .trusted_access
            .iter()
            .any(|access| access.service_principal == IAM)
    );
    assert!(
        state
            .delegated_administrators
            .iter()
            .any(|d| d.account_id == MEMBERS[0] && d.service_principal == IAM),
        "{MEMBERS:?}[0] is not the delegated administrator: {:?}",
        state.delegated_administrators
    );
    ws.destroy();
    let state = sandbox.state();
    assert!(state.features.is_empty(), "{:?}", state.features);
    assert!(
        state.delegated_administrators.is_empty(),
        "{:?}",
        state.delegated_administrators
    );
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::each_cli(
        "terraform_installs_the_release_from_a_filesystem_mirror",
        terraform_installs_the_release_from_a_filesystem_mirror,
    )],
);
