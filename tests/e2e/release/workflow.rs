//! `.github/workflows/release.yml`, read as YAML: version tags trigger it, it builds the
//! Registry's six platforms with `scripts/release.sh`, and only the publishing job, which signs,
//! sees the signing secrets.

use std::path::PathBuf;
use std::process::Command;

use super::repo;
use crate::support::{Case, Cases};

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

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::once(
        "the_release_workflow_builds_every_registry_platform_with_release_sh",
        the_release_workflow_builds_every_registry_platform_with_release_sh,
    )],
);
