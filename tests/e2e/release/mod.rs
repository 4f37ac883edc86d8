//! Shipping like a registry provider: `scripts/release.sh` writes what the Terraform and OpenTofu
//! registries publish, `scripts/install-mirror.sh` puts it in a filesystem mirror, and real
//! Terraform installs it from there with `terraform init`, without `dev_overrides` or network.
//!
//! The scripts package the debug binary cargo built for the tests (`RELEASE_BINARY`): a release
//! build would cost minutes, and the packaging, checksums, layout and installation are what is
//! under test here, not the optimizer. Everything is written into temporary directories.
//!
//! - [`archive`]: the archives, checksums and manifest, for this platform and a `--target`.
//! - [`signing`]: the checksums' GPG signature, with the real `gpg` and a throwaway key in a
//!   temporary keyring (`scripts/install-tools.sh` installs gpg; without it these tests fail,
//!   they never skip).
//! - [`mirror`]: installing a release into a filesystem mirror, and Terraform using it.
//! - [`workflow`]: the GitHub Actions workflow that runs `release.sh` for every platform.

pub mod archive;
pub mod mirror;
pub mod signing;
pub mod workflow;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const NAME: &str = "terraform-provider-centralroot";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");

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
