//! Which Terraform CLIs the end-to-end tests run.
//!
//! A test of every CLI runs with each of: Terraform 1.15 (`CENTRALROOT_TF_1_15`), Terraform 1.0
//! (`CENTRALROOT_TF_1_0`), and any `terraform` or `tofu` named by `CENTRALROOT_TF_EXTRA`. The first
//! two fall back to what `scripts/install-terraform.sh` puts in `.tools/bin/`; when one is missing
//! the test binary fails before any test runs, because a suite that skips its end-to-end half
//! looks green and proves nothing.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Which product a CLI is: they differ in registry host and in a few messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Terraform,
    OpenTofu,
}

/// One CLI the tests run.
#[derive(Debug, Clone)]
pub struct Terraform {
    /// Where it came from, for messages: the environment variable or fallback path.
    pub origin: String,
    pub path: PathBuf,
    pub flavor: Flavor,
    /// `(major, minor, patch)` as the CLI reports it.
    pub version: (u32, u32, u32),
}

impl Terraform {
    /// Whether this CLI is at least `major.minor`, for features that came with a later release.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.version.0, self.version.1) >= (major, minor)
    }

    /// The registry host that unqualified provider sources (`centralroot/centralroot`) resolve to.
    pub fn registry_host(&self) -> &'static str {
        match self.flavor {
            Flavor::Terraform => "registry.terraform.io",
            Flavor::OpenTofu => "registry.opentofu.org",
        }
    }

    /// The provider's full address as this CLI writes it in JSON output and state.
    pub fn provider_address(&self) -> String {
        format!("{}/centralroot/centralroot", self.registry_host())
    }
}

impl fmt::Display for Terraform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor, patch) = self.version;
        let name = match self.flavor {
            Flavor::Terraform => "Terraform",
            Flavor::OpenTofu => "OpenTofu",
        };
        write!(f, "{name} {major}.{minor}.{patch} ({})", self.origin)
    }
}

/// The pinned CLIs: environment variable, fallback under the package root, expected `major.minor`.
const PINNED: [(&str, &str, (u32, u32)); 2] = [
    ("CENTRALROOT_TF_1_15", ".tools/bin/terraform-1.15", (1, 15)),
    ("CENTRALROOT_TF_1_0", ".tools/bin/terraform-1.0", (1, 0)),
];

/// Names a CLI for any Terraform-compatible binary, in addition to the pinned ones.
const EXTRA: &str = "CENTRALROOT_TF_EXTRA";

/// Every CLI the end-to-end tests run, discovered and probed once per test process (at its
/// start, to name the trials).
pub fn terraforms() -> &'static [Terraform] {
    static ALL: OnceLock<Vec<Terraform>> = OnceLock::new();
    ALL.get_or_init(discover)
}

fn discover() -> Vec<Terraform> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for (var, fallback, expected) in PINNED {
        let (origin, path) = match non_empty_env(var) {
            Some(path) => (var.to_string(), PathBuf::from(path)),
            None => (fallback.to_string(), root.join(fallback)),
        };
        assert!(
            path.is_file(),
            "Terraform {}.{} for the end-to-end tests is missing: {} does not exist \
             ({var} is {}). Run scripts/install-terraform.sh, or scripts/test.sh which runs it.",
            expected.0,
            expected.1,
            path.display(),
            if origin == var { "set to it" } else { "unset" },
        );
        let tf = probe(origin, path);
        assert_eq!(
            (tf.version.0, tf.version.1),
            expected,
            "{var} must name Terraform {}.{}, found {tf}",
            expected.0,
            expected.1,
        );
        all.push(tf);
    }
    if let Some(path) = non_empty_env(EXTRA) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "{EXTRA}={} does not exist", path.display());
        all.push(probe(EXTRA.to_string(), path));
    }
    all
}

fn non_empty_env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|value| !value.is_empty())
}

/// Asks a CLI what it is. The first line of `version` reads `Terraform v1.15.5` or `OpenTofu v1.10.0`.
fn probe(origin: String, path: PathBuf) -> Terraform {
    let output = Command::new(&path)
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("cannot run {} ({origin}): {err}", path.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout.lines().next().unwrap_or_default();
    let parsed = first.split_once(" v").and_then(|(name, version)| {
        let flavor = match name {
            "Terraform" => Flavor::Terraform,
            "OpenTofu" => Flavor::OpenTofu,
            _ => return None,
        };
        let mut numbers = version.split(['.', '-']).map(str::parse::<u32>);
        match (numbers.next(), numbers.next(), numbers.next()) {
            (Some(Ok(major)), Some(Ok(minor)), Some(Ok(patch))) => {
                Some((flavor, (major, minor, patch)))
            }
            _ => None,
        }
    });
    let Some((flavor, version)) = parsed else {
        panic!(
            "{} ({origin}) is not a Terraform or OpenTofu CLI: `version` exited with {} and printed {stdout:?}, stderr {:?}",
            path.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr),
        );
    };
    Terraform {
        origin,
        path,
        flavor,
        version,
    }
}
