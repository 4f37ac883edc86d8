//! The sandbox guide (`docs/guides/sandbox.md`) as a new user pastes it: its control-plane
//! examples in order, after its own example seed or the built-in one; the fields it calls
//! required; the trusted-access propagation example after the quick start; the ready line it
//! shows, as the sandbox prints it.

use crate::support::*;
use centralroot_sandbox::Seed;
use centralroot_sandbox::ready::ready_line;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const GUIDE: &str = "docs/guides/sandbox.md";

/// A file of the repository, which holds this crate.
fn repo_file(path: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()))
}

/// The fenced blocks of `text` whose info string is one of `languages`, in order.
fn blocks<'a>(text: &'a str, languages: &[&str]) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut lines = text.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let Some(language) = line.trim_end().strip_prefix("```") else {
            continue;
        };
        let start = line.as_ptr() as usize + line.len() - text.as_ptr() as usize;
        let mut end = start;
        for inner in lines.by_ref() {
            if inner.trim_end() == "```" {
                break;
            }
            end += inner.len();
        }
        if languages.contains(&language) {
            found.push(&text[start..end]);
        }
    }
    found
}

/// The guide's example seed: the JSON block of its "Seed format" section.
fn example_seed(guide: &str) -> Value {
    let (_, section) = guide
        .split_once("## Seed format")
        .expect("a Seed format section");
    let block = blocks(section, &["json"])[0];
    serde_json::from_str(block).unwrap_or_else(|err| panic!("{err}: {block}"))
}

/// One request a `curl` command of the guide sends.
#[derive(Debug)]
struct Curl {
    method: String,
    path: String,
    body: Option<String>,
}

/// The words of each command of a shell snippet as bash splits them: a backslash before a
/// newline joins lines, single quotes keep spaces and newlines, `#` starts a comment, and a
/// pipe ends what the command itself sends.
fn commands(snippet: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let (mut words, mut word) = (Vec::new(), None::<String>);
    let (mut quoted, mut comment, mut piped) = (false, false, false);
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if comment || !quoted => {
                comment = false;
                words.extend(word.take().filter(|_| !piped));
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
                piped = false;
            }
            _ if comment => {}
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_default();
            }
            '\\' if !quoted && chars.peek() == Some(&'\n') => {
                chars.next();
            }
            '#' if !quoted && word.is_none() => comment = true,
            '|' if !quoted => piped = true,
            c if c.is_whitespace() && !quoted => words.extend(word.take().filter(|_| !piped)),
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word.filter(|_| !piped));
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// The requests the `curl` commands of `snippet` send to the sandbox on its default address.
fn curls(snippet: &str) -> Vec<Curl> {
    commands(snippet)
        .into_iter()
        .filter(|words| words[0] == "curl")
        .map(|words| {
            let after = |flag: &str| {
                let at = words.iter().position(|w| w == flag)?;
                words.get(at + 1).cloned()
            };
            let path = words
                .iter()
                .find_map(|w| w.strip_prefix("http://127.0.0.1:4566"))
                .unwrap_or_else(|| panic!("a curl to the sandbox: {words:?}"))
                .to_owned();
            let body = after("-d");
            let method = after("-X")
                .unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.to_owned());
            Curl { method, path, body }
        })
        .collect()
}

/// Sends what the guide's `curl` sends, and answers the status and the body.
async fn send(sandbox: &centralroot_sandbox::ServerHandle, curl: &Curl) -> (u16, String) {
    let headers = match curl.body {
        Some(_) => vec![("content-type", "application/json".to_owned())],
        None => Vec::new(),
    };
    let body = curl.body.as_deref().unwrap_or_default().as_bytes();
    let (status, _, answer) = http(sandbox.addr(), &curl.method, &curl.path, &headers, body).await;
    (status, answer)
}

#[tokio::test]
async fn every_control_plane_example_works_after_the_example_seed_or_the_built_in_one() {
    let guide = repo_file(GUIDE);
    let requests: Vec<Curl> = blocks(&guide, &["shell", "sh"])
        .into_iter()
        .flat_map(curls)
        .collect();
    assert!(
        requests
            .iter()
            .any(|curl| curl.path.starts_with("/_sandbox/accounts/")),
        "the guide changes accounts through the control plane: {requests:?}"
    );
    for seed in ["the built-in seed", "the guide's example seed"] {
        let sandbox = start(Seed::default_seed()).await;
        if seed != "the built-in seed" {
            let (status, answer) = control_post(&sandbox, "seed", &example_seed(&guide)).await;
            assert_eq!(status, 200, "{answer}");
        }
        // In the guide's order, as a user pastes them.
        for curl in &requests {
            let (status, answer) = send(&sandbox, curl).await;
            assert_eq!(status, 200, "after {seed}, {curl:?} answered {answer}");
        }
    }
}

/// A seed that sets every field the format has.
fn seed_with_every_field() -> Value {
    json!({
        "organization": {"id": "o-sandbox1234", "feature_set": "ALL",
                         "management_account_id": "111111111111"},
        "accounts": [
            {"id": "111111111111", "name": "management", "email": "m@sandbox.example",
             "access_key_id": "AKIAEVERYFIELD000001", "secret_access_key": "every-field",
             "in_organization": true, "joined_method": "INVITED", "joined_timestamp": 1,
             "status": "ACTIVE", "assume_root_denied": false, "parent_id": "ou-abcd-11111111",
             "service_control_policy": {"id": "p-examplepolicy", "denied_actions": ["iam:*"],
                                        "exempt_root_sessions": true},
             "root": {"login_profile": {"created": 1, "password_reset_required": true},
                      "access_keys": [{"id": "AKIAROOT111111111111", "status": "Active",
                                       "created": 1,
                                       "last_used": {"date": 2, "service_name": "s3",
                                                     "region": "us-east-1"}}],
                      "signing_certificates": [{"id": "CERT1", "status": "Active",
                                                "uploaded": 1, "body": "PEM"}],
                      "mfa_devices": [{"serial_number": "arn:aws:iam::111111111111:mfa/root",
                                       "enabled": 1}]},
             "buckets": [{"name": "every-field-bucket", "region": "us-east-1",
                          "policy": null, "created": 1}],
             "queues": [{"name": "every-field-queue", "region": "us-east-1", "policy": null,
                         "created": 1}]},
            {"id": "222222222222"}
        ],
        "organizational_units": [{"id": "ou-abcd-11111111", "name": "wave",
                                  "parent_id": "r-sand"}],
        "trusted_access": [{"service_principal": IAM, "date_enabled": 1}],
        "delegated_administrators": [{"account_id": "222222222222", "service_principal": IAM,
                                      "delegation_enabled_date": 1}],
        "features": ["RootSessions"],
        "max_delegated_administrators_per_service": 1,
        "root_task_features": {"IAMAuditRootUserCredentials": ["RootSessions"]},
        "partition": "aws"
    })
}

/// Every field of `value` as the guide writes its path (`accounts[].root`), with a copy of
/// `whole` in which that field is removed (from `value` at `at`, every element of a list alike).
fn without_each_field(
    whole: &Value,
    value: &Value,
    path: &str,
    at: &[PathStep],
    found: &mut Vec<(String, Value)>,
) {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields {
                let field = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                let mut here = at.to_vec();
                here.push(PathStep::Field(name.clone()));
                let mut removed = whole.clone();
                remove(&mut removed, &here);
                found.push((field.clone(), removed));
                // Free JSON (policies) and maps keyed by name are not seed fields.
                if !matches!(name.as_str(), "policy" | "root_task_features") {
                    without_each_field(whole, inner, &field, &here, found);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                let mut here = at.to_vec();
                here.push(PathStep::EachItem);
                without_each_field(whole, item, &format!("{path}[]"), &here, found);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Field(String),
    EachItem,
}

fn remove(value: &mut Value, at: &[PathStep]) {
    match (at, value) {
        ([PathStep::Field(name)], Value::Object(fields)) => {
            fields.shift_remove(name);
        }
        ([PathStep::Field(name), rest @ ..], Value::Object(fields)) => {
            // Not every element of a list sets every field.
            if let Some(inner) = fields.get_mut(name) {
                remove(inner, rest);
            }
        }
        ([PathStep::EachItem, rest @ ..], Value::Array(items)) => {
            for item in items {
                remove(item, rest);
            }
        }
        (at, value) => panic!("no {at:?} in {value}"),
    }
}

#[tokio::test]
async fn the_required_fields_are_the_ones_the_guide_names() {
    let guide = repo_file(GUIDE);
    let paragraph = guide
        .split("\n\n")
        .find(|p| p.starts_with("Required fields:"))
        .expect("the guide says which seed fields are required");
    let (required_part, _) = paragraph
        .split_once("Every other field")
        .expect("and that the rest has defaults");
    let named: BTreeSet<String> = required_part
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();

    let every = seed_with_every_field();
    Seed::from_json(&every.to_string()).expect("the seed with every field is valid");
    let mut removals = Vec::new();
    without_each_field(&every, &every, "", &[], &mut removals);
    let mut required = BTreeSet::new();
    for (field, seed) in removals {
        // Required: the format has no default for it. (Validation refuses some seeds without
        // an optional field too, for what the rest then means, e.g. a delegated administrator
        // outside any organization.)
        if serde_json::from_value::<Seed>(seed.clone()).is_err() {
            let leaf = field.rsplit(['.', ']']).next().unwrap();
            let error = Seed::from_json(&seed.to_string()).unwrap_err().to_string();
            assert!(
                error.contains(&format!("`{leaf}`")),
                "without {field}: {error}"
            );
            required.insert(field);
        }
    }
    assert_eq!(named, required, "{paragraph}");

    // The guide's own example leaves out only fields with a default.
    let example = example_seed(&guide);
    Seed::from_json(&example.to_string()).expect("the guide's example seed is valid");
}

#[tokio::test]
async fn the_propagation_example_shows_the_lag_after_the_quick_start() {
    let guide = repo_file(GUIDE);
    let snippets = blocks(&guide, &["shell", "sh"]);
    let at = snippets
        .iter()
        .position(|s| s.contains(r#""trusted_access_propagation_ms": 5000"#))
        .expect("the guide's propagation example");

    // Where the quick start leaves the sandbox: trusted access on, both features, and a
    // delegated administrator, through calls as Terraform made them (a seed holding them
    // would be what reset brings back).
    let sandbox = start(Seed::default_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);
    enable_trusted_access(&sandbox).await;
    enable_root_tasks(&sandbox).await;
    management
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap();

    for curl in curls(snippets[at]) {
        let (status, answer) = send(&sandbox, &curl).await;
        assert_eq!(status, 200, "{curl:?}: {answer}");
    }
    // The apply that follows, as the provider makes it: trusted access on when it is off,
    // then the features.
    let trusted = management
        .orgs
        .list_aws_service_access_for_organization()
        .send()
        .await
        .unwrap();
    if !trusted
        .enabled_service_principals()
        .iter()
        .any(|p| p.service_principal() == Some(IAM))
    {
        enable_trusted_access(&sandbox).await;
    }
    let err = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .expect_err("the example makes IAM lag behind trusted access");
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("ServiceAccessNotEnabledException")
    );

    // What the guide says to look at next shows it.
    let (_, after) = guide.split_at(guide.find(snippets[at]).unwrap() + snippets[at].len());
    let filter = after
        .split("jq '")
        .nth(1)
        .and_then(|rest| rest.split_once('\''))
        .map(|(filter, _)| filter)
        .expect("a jq filter after the propagation example");
    let mut shown = &control_get(&sandbox, "requests").await;
    for step in filter.split('.').filter(|s| !s.is_empty()) {
        shown = &shown[step];
    }
    assert!(
        shown["ServiceAccessNotEnabledException"].as_u64() >= Some(1),
        "{filter}: {shown}"
    );
}

#[test]
fn the_ready_line_is_shown_as_the_sandbox_prints_it() {
    let printed = ready_line("127.0.0.1:4566".parse().unwrap(), &Seed::default_seed());
    for (page, must_show) in [
        (GUIDE, true),
        ("docs/index.md", true),
        ("tests/docs/templates/index.md", true),
        ("README.md", false),
    ] {
        let shown: Vec<String> = repo_file(page)
            .lines()
            .filter(|line| line.contains("# sandbox ready"))
            .map(|line| line.trim_start_matches("# prints: ").to_owned())
            .collect();
        assert!(
            !must_show || !shown.is_empty(),
            "{page} shows the ready line"
        );
        for line in shown {
            assert_eq!(line, printed, "{page}");
        }
    }
}
