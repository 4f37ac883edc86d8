//! The archive, checksums and manifest `scripts/release.sh` writes, for this platform and for a
//! `--target`, and what it refuses to package.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use crate::support::{Case, Cases};

use super::{
    NAME, PROVIDER_BINARY, VERSION, assert_checksums_cover, assert_released, binary_name,
    file_names, read, release, release_ok, release_with, repo, sha256_hex, unzip_member, zip_name,
};

fn release_writes_the_registry_layout() {
    let temp = TempDir::new().expect("temporary directory");
    let dist_root = temp.path().join("dist");
    let output = release(Path::new(PROVIDER_BINARY), &dist_root);
    let dist = assert_released(&output, &dist_root);
    assert!(
        output.stderr.contains("RELEASE_GPG_KEY is not set"),
        "release.sh did not say that it skipped signing:\n{}",
        output.stderr
    );

    let sums = format!("{NAME}_{VERSION}_SHA256SUMS");
    let manifest = format!("{NAME}_{VERSION}_manifest.json");
    let mut expected = vec![zip_name(), sums.clone(), manifest.clone()];
    expected.sort();
    assert_eq!(file_names(&dist), expected);

    // The archive: the binary under its registry name, executable, and the license; nothing else.
    let zip = dist.join(zip_name());
    let listing = Command::new("unzip")
        .arg("-Z")
        .arg(&zip)
        .output()
        .expect("run unzip -Z");
    assert!(listing.status.success(), "unzip -Z failed");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let mut entries: Vec<(&str, &str)> = listing
        .lines()
        .filter(|line| line.starts_with('-') || line.starts_with('d'))
        .map(|line| {
            let mode = line.split_whitespace().next().unwrap_or_default();
            let name = line.split_whitespace().last().unwrap_or_default();
            (name, mode)
        })
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [("LICENSE", "-rw-r--r--"), (&binary_name(), "-rwxr-xr-x")],
        "unexpected archive contents:\n{listing}"
    );
    assert_eq!(
        sha256_hex(&unzip_member(&zip, &binary_name())),
        sha256_hex(&read(Path::new(PROVIDER_BINARY))),
        "the archived binary is not the one given in RELEASE_BINARY"
    );
    assert_eq!(unzip_member(&zip, "LICENSE"), read(&repo().join("LICENSE")));

    assert_checksums_cover(&dist, &[zip_name(), manifest.clone()]);

    let manifest_json: serde_json::Value =
        serde_json::from_slice(&read(&dist.join(&manifest))).expect("manifest is JSON");
    assert_eq!(
        manifest_json,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    // Reproducible: the same binary gives the same archive, byte for byte.
    let again = release_ok(&temp.path().join("again"));
    assert_eq!(
        sha256_hex(&read(&again.join(zip_name()))),
        sha256_hex(&read(&zip)),
        "two releases of the same binary differ"
    );
}

fn release_refuses_a_binary_of_another_version() {
    let temp = TempDir::new().expect("temporary directory");
    let impostor = temp.path().join("impostor");
    fs::write(&impostor, format!("#!/bin/sh\necho '{NAME} 9.9.9'\n")).expect("write impostor");
    fs::set_permissions(&impostor, fs::Permissions::from_mode(0o755)).expect("chmod impostor");

    let dist_root = temp.path().join("dist");
    let output = release(&impostor, &dist_root);
    assert!(
        !output.success,
        "release.sh packaged a 9.9.9 binary as {VERSION}"
    );
    assert!(
        output.stderr.contains(&format!(
            "reports '{NAME} 9.9.9', Cargo.toml says {VERSION}"
        )),
        "release.sh did not say why it failed:\n{}",
        output.stderr
    );
    assert!(!dist_root.exists(), "release.sh wrote into {dist_root:?}");
}

fn release_names_the_archive_after_the_target() {
    let temp = TempDir::new().expect("temporary directory");
    let dist_root = temp.path().join("dist");
    // The test binary stands in for each target's build: only the naming is under test.
    for (target, platform, member) in [
        ("x86_64-unknown-linux-gnu", "linux_amd64", binary_name()),
        ("aarch64-apple-darwin", "darwin_arm64", binary_name()),
        (
            "x86_64-pc-windows-msvc",
            "windows_amd64",
            format!("{}.exe", binary_name()),
        ),
    ] {
        let output = release_with(
            Path::new(PROVIDER_BINARY),
            &dist_root,
            &["--target", target],
            &[],
        );
        let dist = assert_released(&output, &dist_root);
        let zip = dist.join(format!("{NAME}_{VERSION}_{platform}.zip"));
        assert_eq!(
            sha256_hex(&unzip_member(&zip, &member)),
            sha256_hex(&read(Path::new(PROVIDER_BINARY))),
            "{target}: no {member} in {}",
            zip.display()
        );
    }
    // Every platform's archive stays, and the last run's checksums cover them all.
    let mut names: Vec<String> = ["linux_amd64", "darwin_arm64", "windows_amd64"]
        .iter()
        .map(|platform| format!("{NAME}_{VERSION}_{platform}.zip"))
        .collect();
    names.push(format!("{NAME}_{VERSION}_manifest.json"));
    assert_checksums_cover(&dist_root.join(VERSION), &names);

    let output = release_with(
        Path::new(PROVIDER_BINARY),
        &dist_root,
        &["--target", "mips-unknown-linux-gnu"],
        &[],
    );
    assert!(!output.success, "release.sh packaged for mips");
    assert!(
        output
            .stderr
            .contains("unsupported architecture in target mips-unknown-linux-gnu"),
        "{}",
        output.stderr
    );
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::once(
            "release_writes_the_registry_layout",
            release_writes_the_registry_layout,
        ),
        Case::once(
            "release_refuses_a_binary_of_another_version",
            release_refuses_a_binary_of_another_version,
        ),
        Case::once(
            "release_names_the_archive_after_the_target",
            release_names_the_archive_after_the_target,
        ),
    ],
);
