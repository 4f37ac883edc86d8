//! Shipping like a registry provider: `scripts/release.sh` writes what the Terraform and OpenTofu
//! registries publish, `scripts/install-mirror.sh` puts it in a filesystem mirror, and real
//! Terraform installs it from there with `terraform init`, without `dev_overrides` or network.
//!
//! The scripts package the debug binary cargo built for the tests (`RELEASE_BINARY`): a release
//! build would cost minutes, and the packaging, checksums, layout and installation are what is
//! under test here, not the optimizer. Everything is written into temporary directories.
//!
//! Signing runs the real `gpg` with a throwaway key in a temporary keyring; `scripts/test.sh`
//! installs gpg where it is missing, and these tests fail, never skip, without it.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use centralroot::sandbox::seed::Feature;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{SandboxFixture, Workspace, each_terraform};

const NAME: &str = "terraform-provider-centralroot";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");
const HOSTS: [&str; 2] = ["registry.terraform.io", "registry.opentofu.org"];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// This machine's platform as the registries name it, e.g. `linux_amd64`.
fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

fn zip_name() -> String {
    format!("{NAME}_{VERSION}_{}.zip", platform())
}

fn binary_name() -> String {
    format!("{NAME}_v{VERSION}")
}

/// A finished script or tool.
struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Output {
    #[track_caller]
    fn assert_success(&self, what: &str) -> &Self {
        assert!(
            self.success,
            "{what} failed:\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `program` in `dir` with `env` added to an environment free of the release variables a
/// developer may have exported.
fn run(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &OsStr)]) -> Output {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("RELEASE_BINARY")
        .env_remove("RELEASE_SKIP_BUILD")
        .env_remove("RELEASE_DIST_DIR")
        .env_remove("RELEASE_GPG_KEY")
        .env_remove("RELEASE_GPG_PASSPHRASE")
        .env_remove("GNUPGHOME")
        // No pinentry may ask a person: a key that needs a passphrase gets it from the test.
        .env_remove("GPG_TTY")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .envs(env.iter().map(|(key, value)| (key, value)))
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", program.display()));
    Output {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `scripts/release.sh` packaging `binary` into `dist_root/<version>/`.
fn release(binary: &Path, dist_root: &Path) -> Output {
    release_with(binary, dist_root, &[], &[])
}

/// [`release`] with arguments and more environment (the signing key, say).
fn release_with(binary: &Path, dist_root: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> Output {
    let mut env = env.to_vec();
    env.push(("RELEASE_BINARY", binary.as_os_str()));
    env.push(("RELEASE_DIST_DIR", dist_root.as_os_str()));
    run(&repo().join("scripts/release.sh"), args, repo(), &env)
}

/// Releases the test binary into `dist_root` and returns the directory the script printed.
#[track_caller]
fn release_ok(dist_root: &Path) -> PathBuf {
    let output = release(Path::new(PROVIDER_BINARY), dist_root);
    assert_released(&output, dist_root)
}

/// Checks that a release succeeded and printed `dist_root/<version>` last; returns that.
#[track_caller]
fn assert_released(output: &Output, dist_root: &Path) -> PathBuf {
    output.assert_success("scripts/release.sh");
    let printed = output.stdout.lines().last().unwrap_or_default();
    let expected = dist_root.join(VERSION);
    assert_eq!(
        fs::canonicalize(printed).ok(),
        fs::canonicalize(&expected).ok(),
        "release.sh printed {printed:?} as the last line, expected {}",
        expected.display()
    );
    expected
}

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

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

/// The names in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("list {}: {err}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// One member of `zip`, through `unzip -p`.
fn unzip_member(zip: &Path, member: &str) -> Vec<u8> {
    let output = Command::new("unzip")
        .arg("-p")
        .arg(zip)
        .arg(member)
        .output()
        .expect("run unzip");
    assert!(output.status.success(), "unzip -p {member} failed");
    output.stdout
}

/// Checks that `dist`'s SHA256SUMS lists exactly `names`, and that `sha256sum -c` accepts it.
#[track_caller]
fn assert_checksums_cover(dist: &Path, names: &[String]) {
    let sums = format!("{NAME}_{VERSION}_SHA256SUMS");
    let text = String::from_utf8(read(&dist.join(&sums))).expect("SHA256SUMS is text");
    let mut listed: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once("  ").map(|(_, name)| name))
        .collect();
    listed.sort_unstable();
    let mut expected: Vec<&str> = names.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected, "SHA256SUMS:\n{text}");
    run(Path::new("sha256sum"), &["-c", &sums], dist, &[]).assert_success("sha256sum -c");
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

#[test]
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

#[test]
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

#[test]
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

#[test]
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

#[test]
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

#[test]
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

#[test]
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

#[test]
fn terraform_installs_the_release_from_a_filesystem_mirror() {
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

    each_terraform(|tf| {
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
    });
}

/// `.github/workflows/<name>` as JSON, read by PyYAML from the tools venv
/// (`scripts/install-tools.sh`). YAML 1.1 reads the key `on` as a boolean; it is renamed back.
fn workflow(name: &str) -> serde_json::Value {
    let python = std::env::var_os("CENTRALROOT_TOOLS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".tools/venv/bin/python"));
    let path = repo().join(".github/workflows").join(name);
    let output = Command::new(&python)
        .args([
            "-c",
            "import json, sys, yaml\n\
             doc = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))\n\
             if True in doc: doc['on'] = doc.pop(True)\n\
             json.dump(doc, sys.stdout)",
        ])
        .arg(&path)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run {}: {err}; run scripts/install-tools.sh or set CENTRALROOT_TOOLS_PYTHON",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "{} does not parse as YAML (or PyYAML is missing: scripts/install-tools.sh):\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the workflow as JSON")
}

/// Every `${{ … }}` expression in `value`'s strings, trimmed.
fn expressions(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => {
            let mut rest = text.as_str();
            while let Some(start) = rest.find("${{") {
                let Some(end) = rest[start..].find("}}") else {
                    found.push(format!("unclosed: {}", &rest[start..]));
                    break;
                };
                found.push(rest[start + 3..start + end].trim().to_owned());
                rest = &rest[start + end + 2..];
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| expressions(item, found)),
        serde_json::Value::Object(map) => map.values().for_each(|item| expressions(item, found)),
        _ => {}
    }
}

/// The `run` scripts of a job's steps, joined.
fn scripts_of(job: &serde_json::Value) -> String {
    job["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_release_workflow_builds_every_registry_platform_with_release_sh() {
    let doc = workflow("release.yml");
    assert_eq!(
        doc["on"],
        serde_json::json!({"push": {"tags": ["v*"]}}),
        "the workflow must run on version tags only"
    );
    let jobs = doc["jobs"].as_object().expect("jobs");

    // Structure: steps either run a script or use a pinned action; needs name existing jobs.
    for (name, job) in jobs {
        assert!(job["runs-on"].is_string(), "{name} has no runs-on");
        for step in job["steps"].as_array().expect("steps") {
            let run = step.get("run").is_some();
            let uses = step["uses"].as_str();
            assert!(
                run != uses.is_some(),
                "{name}: a step needs run or uses: {step}"
            );
            if let Some(action) = uses {
                assert!(action.contains('@'), "{name}: {action} is not pinned");
            }
        }
        for needed in job["needs"].as_str().into_iter() {
            assert!(
                jobs.contains_key(needed),
                "{name} needs unknown job {needed}"
            );
        }
    }

    // The build matrix: the Registry's six platforms, each built and packaged by release.sh
    // for a Rust target that names the same platform.
    let build = &jobs["build"];
    let legs = build["strategy"]["matrix"]["include"]
        .as_array()
        .expect("build.strategy.matrix.include");
    let mut platforms: Vec<&str> = Vec::new();
    for leg in legs {
        let platform = leg["platform"].as_str().expect("platform");
        let target = leg["target"].as_str().expect("target");
        let (os, arch) = platform.split_once('_').expect("os_arch");
        let target_arch = match arch {
            "amd64" => "x86_64-",
            "arm64" => "aarch64-",
            other => panic!("unexpected architecture {other}"),
        };
        let target_os = match os {
            "linux" => "-linux-",
            "darwin" => "-apple-darwin",
            "windows" => "-windows-",
            other => panic!("unexpected OS {other}"),
        };
        assert!(
            target.starts_with(target_arch) && target.contains(target_os),
            "{platform} is built for {target}"
        );
        platforms.push(platform);
    }
    platforms.sort();
    assert_eq!(
        platforms,
        [
            "darwin_amd64",
            "darwin_arm64",
            "linux_amd64",
            "linux_arm64",
            "windows_amd64",
            "windows_arm64"
        ]
    );
    assert!(
        scripts_of(build).contains("scripts/release.sh --target \"${{ matrix.target }}\""),
        "the build legs do not package with release.sh:\n{}",
        scripts_of(build)
    );
    let mut used = Vec::new();
    expressions(build, &mut used);
    for expression in &used {
        assert!(!expression.starts_with("unclosed"), "build: {expression}");
        assert!(
            !expression.contains("secrets."),
            "the build legs must not see secrets: {expression}"
        );
        if let Some(key) = expression.strip_prefix("matrix.") {
            for leg in legs {
                assert!(leg.get(key).is_some(), "a matrix leg has no {key}: {leg}");
            }
        }
    }

    // Publishing: after every leg, checksums over all archives, signed with the imported key,
    // attached to the tag's release.
    let publish = &jobs["publish"];
    assert_eq!(publish["needs"], "build");
    assert_eq!(publish["permissions"]["contents"], "write");
    let script = scripts_of(publish);
    for expected in [
        "gpg --batch --import",
        "RELEASE_GPG_KEY=",
        "scripts/release.sh --checksums-only",
        "gh release create",
    ] {
        assert!(
            script.contains(expected),
            "publish does not run {expected}:\n{script}"
        );
    }
    let mut used = Vec::new();
    expressions(publish, &mut used);
    for expression in &used {
        assert!(!expression.starts_with("unclosed"), "publish: {expression}");
    }
    assert!(
        used.iter().any(|e| e == "secrets.GPG_PRIVATE_KEY"),
        "{used:?}"
    );
    assert!(
        used.iter().any(|e| e == "secrets.GPG_PASSPHRASE"),
        "{used:?}"
    );
    assert_eq!(doc["permissions"]["contents"], "read");
}
