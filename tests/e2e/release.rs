//! Shipping like a registry provider: `scripts/release.sh` writes what the Terraform and OpenTofu
//! registries publish, `scripts/install-mirror.sh` puts it in a filesystem mirror, and real
//! Terraform installs it from there with `terraform init`, without `dev_overrides` or network.
//!
//! The scripts package the debug binary cargo built for the tests (`RELEASE_BINARY`): a release
//! build would cost minutes, and the packaging, checksums, layout and installation are what is
//! under test here, not the optimizer. Everything is written into temporary directories.

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
fn run(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("RELEASE_BINARY")
        .env_remove("RELEASE_SKIP_BUILD")
        .env_remove("RELEASE_DIST_DIR")
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
    run(
        &repo().join("scripts/release.sh"),
        &[],
        repo(),
        &[("RELEASE_BINARY", binary), ("RELEASE_DIST_DIR", dist_root)],
    )
}

/// Releases the test binary into `dist_root` and returns the directory the script printed.
#[track_caller]
fn release_ok(dist_root: &Path) -> PathBuf {
    let output = release(Path::new(PROVIDER_BINARY), dist_root);
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
    let dist = release_ok(&temp.path().join("dist"));

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

    // The checksums cover the archive and the manifest, and verify.
    let sums_text = String::from_utf8(read(&dist.join(&sums))).expect("SHA256SUMS is text");
    let mut listed: Vec<&str> = sums_text
        .lines()
        .filter_map(|line| line.split_once("  ").map(|(_, name)| name))
        .collect();
    listed.sort();
    let mut covered = [zip_name(), manifest.clone()];
    covered.sort();
    assert_eq!(listed, covered, "SHA256SUMS:\n{sums_text}");
    run(Path::new("sha256sum"), &["-c", &sums], &dist, &[]).assert_success("sha256sum -c");

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
