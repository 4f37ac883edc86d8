//! The detached GPG signature of the checksums that a registry needs: made with the key in
//! `RELEASE_GPG_KEY`, verified with `gpg --verify`, broken by any change to the checksums.

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use crate::support::{Case, Cases};

use super::{
    NAME, Output, PROVIDER_BINARY, VERSION, assert_checksums_cover, assert_released, file_names,
    read, release_ok, release_with, run, zip_name,
};

/// A temporary GnuPG home holding one throwaway RSA signing key, the kind the Terraform
/// Registry accepts. The gpg-agent it starts is stopped on drop.
struct Keyring {
    home: TempDir,
    fingerprint: String,
}

impl Keyring {
    fn new(passphrase: &str) -> Self {
        let installed = Command::new("gpg").arg("--version").output();
        assert!(
            installed.is_ok_and(|output| output.status.success()),
            "gpg is not installed; scripts/install-tools.sh installs it"
        );
        let home = TempDir::new().expect("temporary GnuPG home");
        let mut keyring = Self {
            home,
            fingerprint: String::new(),
        };
        keyring
            .gpg(&[
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                passphrase,
                "--quick-gen-key",
                "centralroot release test <release-test@example.invalid>",
                "rsa2048",
                "sign",
                "never",
            ])
            .assert_success("gpg --quick-gen-key");
        let listing = keyring.gpg(&["--with-colons", "--list-secret-keys"]);
        listing.assert_success("gpg --list-secret-keys");
        keyring.fingerprint = listing
            .stdout
            .lines()
            .find_map(|line| line.strip_prefix("fpr:"))
            .and_then(|rest| rest.split(':').find(|field| !field.is_empty()))
            .unwrap_or_else(|| panic!("no fingerprint in:\n{}", listing.stdout))
            .to_owned();
        // The agent caches the passphrase it was just given; a signature must not rely on that.
        keyring.stop_agent();
        keyring
    }

    fn gpg(&self, args: &[&str]) -> Output {
        let mut all = vec!["--batch"];
        all.extend_from_slice(args);
        run(
            Path::new("gpg"),
            &all,
            self.home.path(),
            &[("GNUPGHOME", self.home.path().as_os_str())],
        )
    }

    /// `gpg --verify signature data`.
    fn verify(&self, signature: &Path, data: &Path) -> Output {
        let signature = signature.display().to_string();
        let data = data.display().to_string();
        self.gpg(&["--verify", &signature, &data])
    }

    /// The environment that makes `release.sh` sign with this key.
    fn release_env(&self) -> Vec<(&str, &OsStr)> {
        vec![
            ("GNUPGHOME", self.home.path().as_os_str()),
            ("RELEASE_GPG_KEY", OsStr::new(&self.fingerprint)),
        ]
    }
}

impl Keyring {
    fn stop_agent(&self) {
        // Best effort: a leftover agent only holds a socket in a deleted directory.
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.home.path())
            .output();
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        self.stop_agent();
    }
}

/// Checks that `signature` is a detached binary OpenPGP signature of `data` by `keyring`'s key,
/// and that it no longer verifies once `data` changes.
#[track_caller]
fn assert_signed(keyring: &Keyring, signature: &Path, data: &Path) {
    let bytes = read(signature);
    assert!(
        !bytes.starts_with(b"-----BEGIN"),
        "the signature is ASCII-armoured; the Registry wants it binary"
    );
    // An OpenPGP packet header always has its top bit set.
    assert!(
        bytes.first().is_some_and(|byte| byte & 0x80 != 0),
        "not an OpenPGP packet: {:02x?}",
        &bytes[..bytes.len().min(8)]
    );
    let verified = keyring.verify(signature, data);
    verified.assert_success("gpg --verify");
    assert!(
        verified.stderr.contains("Good signature"),
        "{}",
        verified.stderr
    );

    let original = read(data);
    let mut tampered = original.clone();
    tampered.extend_from_slice(
        b"0000000000000000000000000000000000000000000000000000000000000000  evil.zip\n",
    );
    fs::write(data, &tampered).expect("tamper with the checksums");
    let rejected = keyring.verify(signature, data);
    fs::write(data, &original).expect("restore the checksums");
    assert!(
        !rejected.success && rejected.stderr.contains("BAD signature"),
        "gpg accepted tampered checksums:\n{}",
        rejected.stderr
    );
}

fn release_signs_the_checksums_with_the_given_key() {
    let keyring = Keyring::new("");
    let temp = TempDir::new().expect("temporary directory");
    let dist_root = temp.path().join("dist");
    let output = release_with(
        Path::new(PROVIDER_BINARY),
        &dist_root,
        &[],
        &keyring.release_env(),
    );
    let dist = assert_released(&output, &dist_root);

    let sums = format!("{NAME}_{VERSION}_SHA256SUMS");
    let signature = format!("{sums}.sig");
    let mut expected = vec![
        zip_name(),
        sums.clone(),
        signature.clone(),
        format!("{NAME}_{VERSION}_manifest.json"),
    ];
    expected.sort();
    assert_eq!(file_names(&dist), expected);
    assert_signed(&keyring, &dist.join(&signature), &dist.join(&sums));
}

fn release_signs_with_a_passphrase_protected_key() {
    let passphrase = "correct horse battery staple";
    let keyring = Keyring::new(passphrase);
    let temp = TempDir::new().expect("temporary directory");
    let dist_root = temp.path().join("dist");
    let sums = dist_root
        .join(VERSION)
        .join(format!("{NAME}_{VERSION}_SHA256SUMS"));
    let signature = dist_root
        .join(VERSION)
        .join(format!("{NAME}_{VERSION}_SHA256SUMS.sig"));

    let mut wrong = keyring.release_env();
    wrong.push(("RELEASE_GPG_PASSPHRASE", OsStr::new("wrong horse")));
    let output = release_with(Path::new(PROVIDER_BINARY), &dist_root, &[], &wrong);
    assert!(!output.success, "release.sh signed with a wrong passphrase");
    assert!(
        output.stderr.contains("gpg could not sign"),
        "release.sh did not say why it failed:\n{}",
        output.stderr
    );
    assert!(!signature.exists(), "a failed signing left {signature:?}");

    let mut right = keyring.release_env();
    right.push(("RELEASE_GPG_PASSPHRASE", OsStr::new(passphrase)));
    let output = release_with(Path::new(PROVIDER_BINARY), &dist_root, &[], &right);
    assert_released(&output, &dist_root);
    assert!(
        !output.stdout.contains(passphrase) && !output.stderr.contains(passphrase),
        "release.sh printed the passphrase"
    );
    assert_signed(&keyring, &signature, &sums);
}

fn release_refuses_a_signing_key_it_does_not_have() {
    let keyring = Keyring::new("");
    let temp = TempDir::new().expect("temporary directory");
    let dist_root = temp.path().join("dist");
    let missing = "0123456789ABCDEF0123456789ABCDEF01234567";
    let env = [
        ("GNUPGHOME", keyring.home.path().as_os_str()),
        ("RELEASE_GPG_KEY", OsStr::new(missing)),
    ];
    let output = release_with(Path::new(PROVIDER_BINARY), &dist_root, &[], &env);
    assert!(
        !output.success,
        "release.sh released without its signing key"
    );
    assert!(
        output
            .stderr
            .contains(&format!("RELEASE_GPG_KEY={missing}: no such secret key")),
        "release.sh did not say why it failed:\n{}",
        output.stderr
    );
    assert!(!dist_root.exists(), "release.sh wrote into {dist_root:?}");
}

fn checksums_only_signs_the_archives_gathered_from_every_platform() {
    let keyring = Keyring::new("");
    let temp = TempDir::new().expect("temporary directory");
    let dist_root = temp.path().join("dist");
    let dist = release_ok(&dist_root);
    // Another platform's archive, as the workflow downloads it next to this one.
    let other = format!("{NAME}_{VERSION}_darwin_arm64.zip");
    fs::write(dist.join(&other), b"not really a zip").expect("write another platform's zip");

    let output = release_with(
        Path::new(PROVIDER_BINARY),
        &dist_root,
        &["--checksums-only"],
        &keyring.release_env(),
    );
    assert_released(&output, &dist_root);
    let sums = format!("{NAME}_{VERSION}_SHA256SUMS");
    assert_checksums_cover(
        &dist,
        &[zip_name(), other, format!("{NAME}_{VERSION}_manifest.json")],
    );
    assert_signed(
        &keyring,
        &dist.join(format!("{sums}.sig")),
        &dist.join(&sums),
    );

    // With nothing to list, it refuses rather than sign an empty file.
    let empty_root = temp.path().join("empty");
    let output = release_with(
        Path::new(PROVIDER_BINARY),
        &empty_root,
        &["--checksums-only"],
        &[],
    );
    assert!(!output.success, "release.sh wrote checksums of nothing");
    assert!(output.stderr.contains("to list in"), "{}", output.stderr);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::once(
            "release_signs_the_checksums_with_the_given_key",
            release_signs_the_checksums_with_the_given_key,
        ),
        Case::once(
            "release_signs_with_a_passphrase_protected_key",
            release_signs_with_a_passphrase_protected_key,
        ),
        Case::once(
            "release_refuses_a_signing_key_it_does_not_have",
            release_refuses_a_signing_key_it_does_not_have,
        ),
        Case::once(
            "checksums_only_signs_the_archives_gathered_from_every_platform",
            checksums_only_signs_the_archives_gathered_from_every_platform,
        ),
    ],
);
