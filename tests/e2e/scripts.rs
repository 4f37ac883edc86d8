//! The project's shell scripts (`scripts/*.sh`, `.ci/run`) never fail on their own because of
//! `set -o pipefail`: no pipeline of theirs feeds a command that may stop reading before its
//! input ends (`head`, `grep -q`, `awk '… exit'`, `sed q`, `read`). When that command exits
//! first, the one writing into it dies of SIGPIPE, and pipefail makes the whole pipeline fail,
//! at random: `"$tf" version | head -n 1` stopped `scripts/demo.sh` whenever Terraform had not
//! written its second line before `head` exited (issue 18).
//!
//! The check reads each script's syntax tree (brush-parser, a bash parser), command
//! substitutions included, rather than its lines, so quoting, comments and here-documents
//! cannot hide a pipeline or invent one.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use brush_parser::{Parser, ParserOptions, word};
use serde_json::Value;

use crate::support::{Case, Cases};

/// Every script the project runs: `scripts/*.sh` and CI's entry point.
fn scripts() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<PathBuf> = fs::read_dir(root.join("scripts"))
        .expect("read scripts/")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sh"))
        .collect();
    found.sort();
    found.push(root.join(".ci/run"));
    found
}

/// `path` from the package root, for messages.
fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The syntax tree of `source` as JSON, which lets one walk reach every pipeline whatever
/// compound command, function or list holds it.
fn syntax_tree(source: &str) -> Result<Value, String> {
    let options = ParserOptions::default();
    let program = Parser::new(source.as_bytes(), &options)
        .parse_program()
        .map_err(|err| format!("does not parse: {err}"))?;
    serde_json::to_value(&program).map_err(|err| format!("cannot walk its syntax tree: {err}"))
}

/// A word as the shell passes it on, for matching command names and options: quotes removed.
fn unquoted(word: &Value) -> String {
    word["value"]
        .as_str()
        .unwrap_or_default()
        .replace(['"', '\''], "")
}

/// The arguments of a simple command, quotes removed.
fn arguments(command: &Value) -> Vec<String> {
    command["suffix"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item.get("Word").map(unquoted))
        .collect()
}

/// Why `command` (a simple command's tree) may stop reading its input early, if it may.
fn early_reader(command: &Value) -> Option<&'static str> {
    let name = unquoted(&command["word_or_name"]);
    let args = arguments(command);
    let has_short = |letters: &[char]| {
        args.iter()
            .any(|arg| arg.starts_with('-') && !arg.starts_with("--") && arg.contains(letters))
    };
    let has_long = |options: &[&str]| {
        args.iter()
            .any(|arg| options.iter().any(|option| arg.starts_with(option)))
    };
    match name.rsplit('/').next().unwrap_or_default() {
        "head" => Some("head stops reading after what it prints"),
        "read" => Some("read takes one line"),
        "grep" | "egrep" | "fgrep"
            if has_short(&['q', 'm', 'l', 'L'])
                || has_long(&["--quiet", "--silent", "--max-count", "--files-with"]) =>
        {
            Some("grep -q (or -m, -l) stops at the first match")
        }
        "awk" | "gawk" | "mawk" | "nawk" if args.iter().any(|arg| mentions_exit(arg)) => {
            Some("awk may exit before the end of its input")
        }
        "sed" if args.iter().any(|arg| !arg.starts_with('-') && quits(arg)) => {
            Some("sed q quits before the end of its input")
        }
        _ => None,
    }
}

/// Whether an awk program calls `exit`.
fn mentions_exit(program: &str) -> bool {
    program
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|token| token == "exit")
}

/// Whether a sed script has a `q` or `Q` command: the letter where a command starts (after an
/// address, `;`, `{` or a blank) and ends (at a blank, `;`, `}`, an exit code or the end).
fn quits(script: &str) -> bool {
    let chars: Vec<char> = script.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let starts = i == 0
            || matches!(chars[i - 1], ';' | '{' | '}' | ' ' | '$' | '/')
            || chars[i - 1].is_ascii_digit();
        let ends = chars
            .get(i + 1)
            .is_none_or(|&next| matches!(next, ';' | '}' | ' ') || next.is_ascii_digit());
        (c == 'q' || c == 'Q') && starts && ends
    })
}

/// Whether the script turns pipefail on (`set -o pipefail`, `set -euo pipefail`).
fn sets_pipefail(tree: &Value) -> bool {
    let mut found = false;
    walk(tree, &mut |node| {
        if let Some(command) = node.get("Simple")
            && unquoted(&command["word_or_name"]) == "set"
        {
            found |= arguments(command).windows(2).any(|pair| {
                pair[1] == "pipefail"
                    && pair[0].starts_with('-')
                    && !pair[0].starts_with("--")
                    && pair[0].ends_with('o')
            });
        }
    });
    found
}

/// Calls `visit` on every node of `tree`, and on every node of the programs its command
/// substitutions (`$(…)`, backquotes) hold.
fn walk(tree: &Value, visit: &mut dyn FnMut(&Value)) {
    visit(tree);
    match tree {
        Value::Object(fields) => fields.values().for_each(|child| walk(child, visit)),
        Value::Array(items) => items.iter().for_each(|child| walk(child, visit)),
        Value::String(text) if text.contains("$(") || text.contains('`') => {
            for program in substitutions(text) {
                if let Ok(inner) = syntax_tree(&program) {
                    walk(&inner, visit);
                }
            }
        }
        _ => {}
    }
}

/// The programs inside the command substitutions of a word.
fn substitutions(text: &str) -> Vec<String> {
    let Ok(pieces) = word::parse(text, &ParserOptions::default()) else {
        return Vec::new();
    };
    let Ok(pieces) = serde_json::to_value(&pieces) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    collect_substitutions(&pieces, &mut found);
    found
}

fn collect_substitutions(pieces: &Value, found: &mut Vec<String>) {
    match pieces {
        Value::Object(fields) => {
            for (key, child) in fields {
                match (key.as_str(), child) {
                    ("CommandSubstitution" | "BackquotedCommandSubstitution", Value::String(p)) => {
                        found.push(p.clone());
                    }
                    _ => collect_substitutions(child, found),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|child| collect_substitutions(child, found)),
        _ => {}
    }
}

/// Every pipeline of `source` that pipefail can fail at random, with the reason.
fn findings(source: &str) -> Result<Vec<String>, String> {
    let tree = syntax_tree(source)?;
    if !sets_pipefail(&tree) {
        return Ok(Vec::new());
    }
    let mut found = BTreeSet::new();
    walk(&tree, &mut |node| {
        let Some(stages) = node.get("seq").and_then(Value::as_array) else {
            return;
        };
        for stage in stages.iter().skip(1) {
            let Some(command) = stage.get("Simple") else {
                continue;
            };
            if let Some(reason) = early_reader(command) {
                found.insert(format!("`{}`: {reason}", pipeline_text(stages)));
            }
        }
    });
    Ok(found.into_iter().collect())
}

/// A pipeline's simple commands as written, for the message.
fn pipeline_text(stages: &[Value]) -> String {
    stages
        .iter()
        .map(|stage| {
            let command = &stage["Simple"];
            std::iter::once(&command["word_or_name"])
                .chain(
                    command["suffix"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|item| item.get("Word")),
                )
                .filter_map(|word| word["value"].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn no_script_feeds_a_pipe_that_may_close_early_under_pipefail() {
    let mut problems = Vec::new();
    for path in scripts() {
        let source = fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        match findings(&source) {
            Ok(found) => problems.extend(
                found
                    .into_iter()
                    .map(|finding| format!("{}: {finding}", relative(&path))),
            ),
            Err(err) => problems.push(format!("{}: {err}", relative(&path))),
        }
    }
    assert!(
        problems.is_empty(),
        "under `set -o pipefail` these pipelines fail whenever the reader exits first (the \
         writer gets SIGPIPE); read the whole output instead (`sed -n 1p`, `grep -c`, a \
         variable and `${{var%%$'\\n'*}}`):\n  {}",
        problems.join("\n  ")
    );
}

/// The check finds what it is for, and only that.
fn the_check_finds_readers_that_stop_early() {
    let pipefail = "#!/usr/bin/env bash\nset -euo pipefail\n";
    for flagged in [
        // The demo's line (issue 18), inside a command substitution.
        "tf_version=\"$(\"$tf\" version | head -n 1)\" || die \"cannot run $tf\"",
        "f() { curl -fsS \"$url\" | grep -q ready; }",
        "if printf '%s\\n' a b | grep -qE '^a$'; then :; fi",
        "x=`terraform version | awk 'NR == 1 { print $2; exit }'`",
        "terraform version | sed 1q",
        "terraform version | { read -r first; }\nterraform version | read -r first",
        "for f in *; do cat \"$f\" | grep --max-count=1 x; done",
    ] {
        let found = findings(&format!("{pipefail}{flagged}\n")).expect("parses");
        assert!(!found.is_empty(), "not flagged: {flagged}");
    }
    for fine in [
        "\"$tf\" version | sed -n 1p",
        "head -1 \"$out\" | sed -E 's/.*URL=([^ ]+).*/\\1/'",
        "curl -fsS \"$url\" | grep -c ready",
        "curl -fsS \"$url\" | python3 -c 'import json, sys; json.load(sys.stdin)'",
        "x | awk '{ n += $1 } END { print n }'",
        "echo 'a | head -1'  # a | head -1",
        "cat <<'EOF'\nterraform version | head -1\nEOF",
    ] {
        let found = findings(&format!("{pipefail}{fine}\n")).expect("parses");
        assert!(found.is_empty(), "flagged {fine}: {found:?}");
    }
    let without = findings("#!/bin/sh\nset -eu\nterraform version | head -n 1\n").expect("parses");
    assert!(without.is_empty(), "without pipefail head is harmless");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::once(
            "no_script_feeds_a_pipe_that_may_close_early_under_pipefail",
            no_script_feeds_a_pipe_that_may_close_early_under_pipefail,
        ),
        Case::once(
            "the_check_finds_readers_that_stop_early",
            the_check_finds_readers_that_stop_early,
        ),
    ],
);
