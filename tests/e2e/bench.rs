//! `scripts/bench.sh` runs through, every section, at the smallest sizes and with the test
//! build instead of a release one: a change to the sandbox's ready line once stopped its scale
//! sections at their first request, unseen until the next full benchmark. Its exact figures
//! (request counts, root sessions) must equal their models here too, so a request model that
//! falls behind the code fails the test suite, not the next benchmark.

use std::process::Command;

use crate::support::{Case, Cases, Terraform};

/// The settings of the smallest run: one size per section, the fewest runs the script
/// accepts, the reliability table listed rather than run.
const SMALLEST: &[(&str, &str)] = &[
    ("BENCH_RUNS", "5"),
    ("BENCH_SIZES", "1"),
    ("BENCH_ADMIN_SIZES", "1"),
    ("BENCH_ADMIN_RUNS", "1"),
    ("BENCH_AUDIT_SIZES", "1"),
    ("BENCH_REMOVAL_SIZES", "1"),
    ("BENCH_REMOVAL_RUNS", "1"),
    ("BENCH_THROTTLED_SIZE", "2"),
    ("BENCH_RATE_MEMBERS", "5"),
    ("BENCH_RATE_REMOVALS", "2"),
    ("BENCH_RELIABILITY", "list"),
];

/// The sections the page must hold a row of.
const SECTIONS: &[&str] = &[
    "binary",
    "start",
    "plan vs floor",
    "delegated administrators",
    "organization audit",
    "credential removal",
    "removal, throttled",
    "at AWS's rate",
];

fn the_benchmark_runs_every_section_and_its_exact_figures_match_their_models(
    tf: &'static Terraform,
) {
    let out = tempfile::tempdir().expect("a directory for the page");
    let page_path = out.path().join("performance.md");
    let root = env!("CARGO_MANIFEST_DIR");
    let run = Command::new(format!("{root}/scripts/bench.sh"))
        .current_dir(root)
        .envs(SMALLEST.iter().copied())
        .env(
            "CENTRALROOT_BENCH_BINARY",
            env!("CARGO_BIN_EXE_terraform-provider-centralroot"),
        )
        .env("CENTRALROOT_TF_1_15", &tf.path)
        // Its own binary: building the end-to-end tests again would wait for the build lock
        // of the `cargo test` running this.
        .env(
            "CENTRALROOT_BENCH_E2E",
            std::env::current_exe().expect("the test binary's path"),
        )
        .env("BENCH_OUT", &page_path)
        .output()
        .expect("scripts/bench.sh starts");
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "scripts/bench.sh failed:\n{log}");
    let page = std::fs::read_to_string(&page_path).expect("the page is written");
    let rows: Vec<Vec<&str>> = page
        .lines()
        .filter(|line| line.starts_with("| ") && line.ends_with(" |"))
        .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect())
        .filter(|cells: &Vec<&str>| cells.len() == 6)
        .collect();
    for section in SECTIONS {
        assert!(
            rows.iter().any(|row| row[0] == *section),
            "no row of the section {section:?}:\n{page}"
        );
    }
    let exact: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|row| row[5].starts_with("exact"))
        .collect();
    assert!(exact.len() >= 10, "too few exact figures:\n{page}");
    let off: Vec<String> = exact
        .iter()
        .filter(|row| row[4] != "1.00×")
        .map(|row| format!("{}: {} against {}", row[1], row[2], row[3]))
        .collect();
    assert!(
        off.is_empty(),
        "exact figures off their model:\n{}",
        off.join("\n")
    );
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::on_terraform_1_15(
        "the_benchmark_runs_every_section_and_its_exact_figures_match_their_models",
        the_benchmark_runs_every_section_and_its_exact_figures_match_their_models,
    )],
);
