//! Every HCL snippet of README.md and docs/ (the ```terraform and ```hcl blocks) runs under real
//! Terraform as pasted, against a sandbox, the way its page implies: applied, planned,
//! validated, queried or invoked. A snippet that is not a whole configuration must say on its
//! page what it is added to (the words [`SnippetCase::says`] looks for in the paragraph before it),
//! and runs combined with that: the quick start, an earlier snippet of the page, or the
//! provider's example.
//!
//! Two liberties, both about where AWS is: the snippets that name the sandbox on its default
//! address (`http://127.0.0.1:4566`) get the test sandbox's address instead, and every run has
//! the sandbox's endpoint in `AWS_ENDPOINT_URL` and its management account's keys in the
//! profiles `default` and `management` of an `AWS_CONFIG_FILE`, which is where the snippets
//! expect credentials to come from.

use std::fs;
use std::path::{Path, PathBuf};

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::unlock::deny_everyone;
use centralroot_sandbox::seed::{
    Bucket, Delegation, Feature, OrganizationalUnit, Queue, TrustedAccess,
};

use crate::examples::minimum_version;
use crate::support::sandbox::{IAM, MANAGEMENT};
use crate::support::{Case, Cases, Generated, SandboxFixture, Terraform, Workspace};

/// The organization the snippets name.
const ORGANIZATION: &str = "o-aa111bb222";
/// The unit of the README's first wave, holding two members.
const WAVE_UNIT: &str = "ou-abcd-11111111";
/// Where the snippets expect the sandbox.
const DEFAULT_SANDBOX: &str = "http://127.0.0.1:4566";

/// What the organization holds before a snippet runs.
#[derive(Debug, Clone, Copy)]
enum Org {
    /// As the sandbox starts: nothing enabled.
    Fresh,
    /// Trusted access for IAM and both features on: every root task works.
    Ready,
    /// [`Org::Ready`], and 222222222222 the delegated administrator for IAM: something to
    /// import.
    Adopted,
}

/// What a snippet is added to.
#[derive(Debug, Clone, Copy)]
enum Base {
    /// Nothing: it is a whole configuration.
    Whole,
    /// An earlier snippet (page, ordinal): its files, and its apply first when its case
    /// applies.
    Snippet(&'static str, usize),
    /// The `terraform` block of the provider's example; the snippet is the provider block.
    ProviderBlock,
}

/// How a snippet runs, as its page implies.
#[derive(Debug, Clone, Copy)]
enum Run {
    Apply,
    Plan,
    /// `plan` must import this many objects and change nothing else.
    Imports(usize),
    /// `plan` must find nothing to change.
    NoChanges,
    Validate,
    /// `terraform query` (1.14 and later).
    Query,
    /// `apply -invoke=<action>` (1.14 and later).
    Invoke(&'static str),
    /// `plan -generate-config-out=generated.tf`.
    GenerateConfig,
    /// A CLI configuration that Terraform reads without complaint.
    CliConfig,
}

/// One snippet and how it runs.
#[derive(Debug, Clone, Copy)]
struct SnippetCase {
    page: &'static str,
    /// 0 for the first snippet of the page.
    ordinal: usize,
    /// Words of the paragraph before a snippet that is not whole, saying what it is added to.
    says: &'static str,
    base: Base,
    /// The file it is written to.
    file: &'static str,
    run: Run,
    org: Org,
    /// Whether the configuration needs hashicorp/aws (the stand-in of `tests/e2e/moved.rs`).
    aws: bool,
}

/// A whole configuration, the first snippet of its page.
const fn whole(page: &'static str, run: Run, org: Org) -> SnippetCase {
    added(page, 0, "", Base::Whole, "main.tf", run, org)
}

/// A snippet `base` is added to, which `says` so.
const fn added(
    page: &'static str,
    ordinal: usize,
    says: &'static str,
    base: Base,
    file: &'static str,
    run: Run,
    org: Org,
) -> SnippetCase {
    SnippetCase {
        page,
        ordinal,
        says,
        base,
        file,
        run,
        org,
        aws: false,
    }
}

const README: &str = "README.md";
const INDEX: &str = "docs/index.md";
const ADOPT: &str = "docs/guides/adopt-an-existing-organization.md";
const MIGRATE: &str = "docs/guides/migrating-from-aws-provider.md";
const REMOVE: &str = "docs/guides/remove-root-credentials.md";
const BREAK_GLASS: &str = "docs/guides/break-glass-password-recovery.md";
const RECOVERY: &str = "docs/resources/root_password_recovery.md";
const SANDBOX: &str = "docs/guides/sandbox.md";
const UNLOCK: &str = "docs/guides/unlock-a-bucket-or-queue.md";
const QUICK_START: Base = Base::Snippet(README, 0);
const PROVIDER_EXAMPLE: Base = Base::Snippet(INDEX, 0);
/// What a generated page says before an example that is not a whole configuration.
const ADDED_TO_PROVIDER: &str = "Added to a configuration that sets up the provider";
const IN_THE_PROVIDER_BLOCK: &str = "the provider block of the example above";

/// A generated page's snippet: added to the provider's example.
const fn on_type_page(page: &'static str, ordinal: usize, run: Run, org: Org) -> SnippetCase {
    added(
        page,
        ordinal,
        ADDED_TO_PROVIDER,
        PROVIDER_EXAMPLE,
        "example.tf",
        run,
        org,
    )
}

/// A provider block of the provider's page, in the place of its example's.
const fn provider_block(ordinal: usize) -> SnippetCase {
    added(
        INDEX,
        ordinal,
        IN_THE_PROVIDER_BLOCK,
        Base::ProviderBlock,
        "provider.tf",
        Run::Plan,
        Org::Fresh,
    )
}

/// A list resource's page: its query file beside the provider's example.
const fn list_page(page: &'static str) -> SnippetCase {
    added(
        page,
        0,
        ADDED_TO_PROVIDER,
        PROVIDER_EXAMPLE,
        "list.tfquery.hcl",
        Run::Query,
        Org::Adopted,
    )
}

/// A step of the migration guide, beside the blocks of its step 1.
const fn migration(
    ordinal: usize,
    says: &'static str,
    base: usize,
    file: &'static str,
    run: Run,
) -> SnippetCase {
    SnippetCase {
        aws: true,
        ..added(
            MIGRATE,
            ordinal,
            says,
            Base::Snippet(MIGRATE, base),
            file,
            run,
            Org::Adopted,
        )
    }
}

/// Every snippet of README.md and docs/, in page order.
const SNIPPETS: &[SnippetCase] = &[
    whole(README, Run::Apply, Org::Fresh),
    added(
        README,
        1,
        "Added to the quick start's configuration",
        QUICK_START,
        "wave.tf",
        Run::Apply,
        Org::Fresh,
    ),
    on_type_page(
        "docs/actions/allow_root_password_recovery.md",
        0,
        Run::Invoke("action.centralroot_allow_root_password_recovery.workload"),
        Org::Ready,
    ),
    on_type_page(
        "docs/actions/delete_root_credentials.md",
        0,
        Run::Invoke("action.centralroot_delete_root_credentials.workload"),
        Org::Ready,
    ),
    on_type_page(
        "docs/actions/unlock_s3_bucket_policy.md",
        0,
        Run::Invoke("action.centralroot_unlock_s3_bucket_policy.logs"),
        Org::Ready,
    ),
    on_type_page(
        "docs/actions/unlock_sqs_queue_policy.md",
        0,
        Run::Invoke("action.centralroot_unlock_sqs_queue_policy.orders"),
        Org::Ready,
    ),
    on_type_page(
        "docs/data-sources/caller_identity.md",
        0,
        Run::Apply,
        Org::Fresh,
    ),
    on_type_page(
        "docs/data-sources/member_root_credentials.md",
        0,
        Run::Apply,
        Org::Ready,
    ),
    on_type_page(
        "docs/data-sources/organization_features.md",
        0,
        Run::Apply,
        Org::Ready,
    ),
    on_type_page(
        "docs/data-sources/organization_root_credentials.md",
        0,
        Run::Apply,
        Org::Ready,
    ),
    whole(
        "docs/ephemeral-resources/root_session.md",
        Run::Apply,
        Org::Ready,
    ),
    whole(ADOPT, Run::Plan, Org::Adopted),
    whole(BREAK_GLASS, Run::Apply, Org::Ready),
    added(
        BREAK_GLASS,
        1,
        "beside `main.tf`",
        Base::Snippet(BREAK_GLASS, 0),
        "terraform.tfvars",
        Run::Apply,
        Org::Ready,
    ),
    added(
        BREAK_GLASS,
        2,
        "Added to the same `main.tf`",
        Base::Snippet(BREAK_GLASS, 0),
        "action.tf",
        Run::Invoke("action.centralroot_allow_root_password_recovery.workload"),
        Org::Ready,
    ),
    added(
        ADOPT,
        1,
        "beside `main.tf`",
        Base::Snippet(ADOPT, 0),
        "adopt.tfquery.hcl",
        Run::Query,
        Org::Adopted,
    ),
    added(
        ADOPT,
        2,
        "beside `main.tf`",
        Base::Snippet(ADOPT, 0),
        "generated.tf",
        Run::Imports(1),
        Org::Adopted,
    ),
    added(
        ADOPT,
        3,
        "beside `main.tf`",
        Base::Snippet(ADOPT, 0),
        "imports.tf",
        Run::GenerateConfig,
        Org::Adopted,
    ),
    whole(
        "docs/guides/installing-from-a-mirror.md",
        Run::CliConfig,
        Org::Fresh,
    ),
    SnippetCase {
        aws: true,
        ..whole(MIGRATE, Run::Validate, Org::Adopted)
    },
    migration(
        1,
        "beside the blocks of step 1",
        0,
        "before.tf",
        Run::Validate,
    ),
    migration(2, "beside the blocks of step 1", 0, "after.tf", Run::Plan),
    migration(
        3,
        "beside the new resource blocks",
        2,
        "moved.tf",
        Run::Validate,
    ),
    migration(
        4,
        "beside the new resource blocks",
        2,
        "removed.tf",
        Run::Validate,
    ),
    migration(
        5,
        "beside the new resource blocks",
        2,
        "imports.tf",
        Run::Imports(2),
    ),
    whole(REMOVE, Run::Apply, Org::Ready),
    added(
        REMOVE,
        1,
        ADDED_TO_PROVIDER,
        PROVIDER_EXAMPLE,
        "cleanup.tfquery.hcl",
        Run::Query,
        Org::Ready,
    ),
    added(
        REMOVE,
        2,
        "Added to the first `main.tf`",
        Base::Snippet(REMOVE, 0),
        "action.tf",
        Run::Invoke("action.centralroot_delete_root_credentials.workload"),
        Org::Ready,
    ),
    added(
        SANDBOX,
        0,
        "the block of `sandbox_override.tf`",
        QUICK_START,
        "sandbox_override.tf",
        Run::NoChanges,
        Org::Fresh,
    ),
    whole(
        UNLOCK,
        Run::Invoke("action.centralroot_unlock_s3_bucket_policy.logs"),
        Org::Ready,
    ),
    added(
        UNLOCK,
        1,
        "Added to the same `main.tf`",
        Base::Snippet(UNLOCK, 0),
        "queue.tf",
        Run::Invoke("action.centralroot_unlock_sqs_queue_policy.orders"),
        Org::Ready,
    ),
    whole(INDEX, Run::Plan, Org::Fresh),
    provider_block(1),
    provider_block(2),
    provider_block(3),
    provider_block(4),
    list_page("docs/list-resources/delegated_admin.md"),
    list_page("docs/list-resources/organization_features.md"),
    list_page("docs/list-resources/root_credentials_removal.md"),
    on_type_page(
        "docs/resources/delegated_admin.md",
        0,
        Run::Apply,
        Org::Ready,
    ),
    on_type_page(
        "docs/resources/delegated_admin.md",
        1,
        Run::GenerateConfig,
        Org::Adopted,
    ),
    on_type_page(
        "docs/resources/delegated_admin.md",
        2,
        Run::GenerateConfig,
        Org::Adopted,
    ),
    on_type_page(
        "docs/resources/organization_features.md",
        0,
        Run::Apply,
        Org::Fresh,
    ),
    on_type_page(
        "docs/resources/organization_features.md",
        1,
        Run::GenerateConfig,
        Org::Adopted,
    ),
    on_type_page(
        "docs/resources/organization_features.md",
        2,
        Run::GenerateConfig,
        Org::Adopted,
    ),
    on_type_page(
        "docs/resources/root_credentials_removal.md",
        0,
        Run::Apply,
        Org::Ready,
    ),
    on_type_page(
        "docs/resources/root_credentials_removal.md",
        1,
        Run::GenerateConfig,
        Org::Ready,
    ),
    on_type_page(
        "docs/resources/root_credentials_removal.md",
        2,
        Run::GenerateConfig,
        Org::Ready,
    ),
    on_type_page(RECOVERY, 0, Run::Apply, Org::Ready),
    on_type_page(RECOVERY, 1, Run::GenerateConfig, Org::Ready),
    on_type_page(RECOVERY, 2, Run::GenerateConfig, Org::Ready),
];

/// A fenced HCL block of a page.
#[derive(Debug, Clone)]
struct Snippet {
    page: String,
    ordinal: usize,
    body: String,
    /// The paragraph before it, its lines joined.
    intro: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page under docs/, relative to the repository.
fn pages() -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                found.push(path);
            }
        }
    }
    let mut found = vec![root().join(README)];
    walk(&root().join("docs"), &mut found);
    let mut pages: Vec<String> = found
        .iter()
        .map(|path| {
            path.strip_prefix(root())
                .expect("under the repository")
                .display()
                .to_string()
        })
        .collect();
    pages.sort();
    pages
}

/// The ```terraform and ```hcl blocks of `page`, in order.
fn snippets_of(page: &str) -> Vec<Snippet> {
    let text = fs::read_to_string(root().join(page)).unwrap_or_else(|err| panic!("{page}: {err}"));
    let mut snippets = Vec::new();
    let mut prose: Vec<&str> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let fence = line.trim_end();
        if fence == "```terraform" || fence == "```hcl" {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| l.trim_end() != "```")
                .collect();
            let paragraph = prose
                .rsplit(|l| l.trim().is_empty())
                .find(|p| !p.is_empty());
            snippets.push(Snippet {
                page: page.to_owned(),
                ordinal: snippets.len(),
                body: body.join("\n") + "\n",
                intro: paragraph.unwrap_or_default().join(" "),
            });
            prose.clear();
        } else if fence.starts_with("```") {
            // Another language's block: skip it whole.
            lines
                .by_ref()
                .take_while(|l| l.trim_end() != "```")
                .for_each(drop);
            prose.clear();
        } else {
            prose.push(line);
        }
    }
    snippets
}

fn all_snippets() -> Vec<Snippet> {
    pages().iter().flat_map(|page| snippets_of(page)).collect()
}

fn snippet(page: &str, ordinal: usize) -> Snippet {
    snippets_of(page)
        .into_iter()
        .nth(ordinal)
        .unwrap_or_else(|| panic!("{page} has no snippet {ordinal}"))
}

fn case(page: &str, ordinal: usize) -> SnippetCase {
    *SNIPPETS
        .iter()
        .find(|c| c.page == page && c.ordinal == ordinal)
        .unwrap_or_else(|| panic!("no case for snippet {ordinal} of {page}"))
}

/// The `terraform { … }` block at the start of `text`.
fn terraform_block(text: &str) -> String {
    let start = text.find("terraform {").expect("a terraform block");
    let mut depth = 0usize;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return text[start..=start + i].to_owned() + "\n";
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced terraform block in {text}")
}

/// The files of `case`: its base's, then its own.
fn files(case: &SnippetCase, sandbox_url: &str) -> Vec<(String, String)> {
    let body = snippet(case.page, case.ordinal)
        .body
        .replace(DEFAULT_SANDBOX, sandbox_url);
    let mut files = match case.base {
        Base::Whole => Vec::new(),
        Base::Snippet(page, ordinal) => files(&self::case(page, ordinal), sandbox_url),
        Base::ProviderBlock => vec![(
            "versions.tf".to_owned(),
            terraform_block(&snippet(INDEX, 0).body),
        )],
    };
    files.push((case.file.to_owned(), body));
    files
}

/// The oldest Terraform that runs `case`.
fn oldest(case: &SnippetCase, files: &[(String, String)]) -> (u32, u32) {
    let blocks = minimum_version(files);
    let uses = |keyword: &str| {
        files
            .iter()
            .any(|(_, text)| text.lines().any(|l| l.starts_with(keyword)))
    };
    let needs = match case.run {
        Run::Query | Run::Invoke(_) => (1, 14),
        Run::GenerateConfig | Run::Imports(_) => (1, 5),
        _ if uses("moved {") => (1, 8),
        _ => (1, 0),
    };
    blocks.max(needs)
}

fn seed(org: Org) -> Seed {
    let mut seed = Seed::default_seed();
    if let Some(organization) = seed.organization.as_mut() {
        organization.id = ORGANIZATION.into();
    }
    seed.organizational_units.push(OrganizationalUnit {
        id: WAVE_UNIT.into(),
        name: "wave-1".into(),
        parent_id: String::new(),
    });
    for account in &mut seed.accounts {
        if ["222222222222", "333333333333"].contains(&account.id.as_str()) {
            account.parent_id = WAVE_UNIT.into();
        }
        // What the unlock pages and examples unlock: a bucket S3 redirects to, a queue.
        if account.id == "222222222222" {
            account.buckets = vec![Bucket::new(
                "workload-logs",
                "eu-west-1",
                Some(&deny_everyone("s3")),
            )];
            account.queues = vec![Queue::new(
                "orders",
                "us-east-1",
                Some(&deny_everyone("sqs")),
            )];
        }
    }
    if let Org::Ready | Org::Adopted = org {
        seed.trusted_access.push(TrustedAccess {
            service_principal: IAM.into(),
            date_enabled: 1_700_000_000,
        });
        seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    }
    if let Org::Adopted = org {
        seed.delegated_administrators.push(Delegation {
            account_id: "222222222222".into(),
            service_principal: IAM.into(),
            delegation_enabled_date: 1_700_000_100,
        });
    }
    seed.validated().expect("a valid seed")
}

/// A workspace reaching `sandbox` through the environment and the profiles the snippets name.
fn workspace(
    tf: &'static Terraform,
    sandbox: &SandboxFixture,
    case: &SnippetCase,
    log: &Path,
) -> Workspace {
    let mut ws = if case.aws {
        crate::moved::workspace(tf, sandbox, log)
    } else {
        Workspace::new(tf, "doc-snippet")
    };
    let creds = sandbox.credentials(MANAGEMENT);
    let keys = format!(
        "aws_access_key_id = {}\naws_secret_access_key = {}\n",
        creds.access_key_id, creds.secret_access_key
    );
    ws.write(
        "aws_config",
        &format!("[default]\n{keys}\n[profile management]\n{keys}"),
    );
    let config = ws.dir().join("aws_config");
    ws.set_env("AWS_CONFIG_FILE", &config.display().to_string());
    ws.set_env("AWS_ENDPOINT_URL", &sandbox.endpoint_url());
    ws.set_env("AWS_REGION", "us-east-1");
    ws.watch_requests(std::sync::Arc::clone(sandbox.sandbox()));
    ws
}

/// Runs `case` in `ws` (its base first when the base applies), failing with what Terraform said.
fn run(ws: &Workspace, case: &SnippetCase, sandbox_url: &str) {
    if let Base::Snippet(page, ordinal) = case.base {
        let base = self::case(page, ordinal);
        if let Run::Apply = base.run {
            run(ws, &base, sandbox_url);
        }
    }
    for (name, text) in files(case, sandbox_url) {
        ws.write(&name, &text);
    }
    match case.run {
        Run::Apply => {
            ws.apply();
        }
        Run::Plan => {
            ws.run_ok(&["plan"]);
        }
        Run::Imports(count) => {
            let plan = ws.run_ok(&["plan"]);
            plan.assert_output_contains(&format!(
                "Plan: {count} to import, 0 to add, 0 to change, 0 to destroy."
            ));
        }
        Run::NoChanges => {
            ws.assert_no_changes();
        }
        Run::Validate => {
            let (validation, run) = ws.validate();
            assert!(validation.valid, "{:?}\n{run}", validation.diagnostics);
        }
        Run::Query => {
            ws.run_ok(&["query"]);
        }
        Run::Invoke(action) => {
            ws.run_ok(&["apply", "-auto-approve", &format!("-invoke={action}")]);
        }
        Run::GenerateConfig => {
            ws.run_ok(&["plan", "-generate-config-out=generated.tf"]);
            assert!(
                ws.dir().join("generated.tf").exists(),
                "no configuration generated"
            );
        }
        Run::CliConfig => unreachable!("a CLI configuration has its own workspace"),
    }
}

/// A CLI configuration: Terraform reads it at start and reports any problem with it.
fn run_cli_config(tf: &'static Terraform, case: &SnippetCase) {
    let config = snippet(case.page, case.ordinal).body;
    let ws = Workspace::with_cli_config(tf, "doc-snippet-cli", &config);
    let run = ws.run_ok(&["version"]);
    assert!(
        !run.stderr.contains("problems with the CLI configuration")
            && !run.stdout.contains("problems with the CLI configuration"),
        "{run}"
    );
}

fn every_snippet_has_a_case_and_says_what_it_is_added_to() {
    let snippets = all_snippets();
    let mut problems = Vec::new();
    for snippet in &snippets {
        let Some(case) = SNIPPETS
            .iter()
            .find(|c| c.page == snippet.page && c.ordinal == snippet.ordinal)
        else {
            problems.push(format!(
                "snippet {} of {} has no case in tests/e2e/doc_snippets.rs:\n{}",
                snippet.ordinal, snippet.page, snippet.body
            ));
            continue;
        };
        let whole = matches!(case.base, Base::Whole);
        let declares = snippet.body.contains("required_providers");
        // A whole configuration declares the provider; a fragment is added to one that does.
        if !case.run_is_cli_config() && whole != declares {
            problems.push(format!(
                "snippet {} of {} is {} but {} required_providers",
                snippet.ordinal,
                snippet.page,
                if whole {
                    "run whole"
                } else {
                    "added to another"
                },
                if whole { "lacks" } else { "declares" },
            ));
        }
        if !whole && !snippet.intro.contains(case.says) {
            problems.push(format!(
                "the paragraph before snippet {} of {} does not say {:?} (what it is added to): {:?}",
                snippet.ordinal, snippet.page, case.says, snippet.intro
            ));
        }
    }
    for case in SNIPPETS {
        if !snippets
            .iter()
            .any(|s| s.page == case.page && s.ordinal == case.ordinal)
        {
            problems.push(format!("no snippet {} in {}", case.ordinal, case.page));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        snippets.len() >= 40,
        "found only {} snippets",
        snippets.len()
    );
}

impl SnippetCase {
    fn run_is_cli_config(&self) -> bool {
        matches!(self.run, Run::CliConfig)
    }
}

/// One test per snippet, named after its page and place (`guides_sandbox::snippet_2` for the
/// third of docs/guides/sandbox.md), skipped with a CLI older than what it uses.
fn each_snippet() -> Vec<Generated> {
    SNIPPETS
        .iter()
        .map(|case| {
            let name = format!(
                "{}::snippet_{}",
                case.page
                    .trim_start_matches("docs/")
                    .trim_end_matches(".md")
                    .replace(['/', '-'], "_")
                    .to_lowercase(),
                case.ordinal
            );
            let test = Generated::each_cli(name, move |tf| run_snippet(tf, case));
            match oldest_cli(case) {
                Some((major, minor)) => test.needs(major, minor, came_with(major, minor)),
                None => test,
            }
        })
        .collect()
}

/// The oldest Terraform that runs `case`, when newer than 1.0.
fn oldest_cli(case: &SnippetCase) -> Option<(u32, u32)> {
    if case.run_is_cli_config() {
        return None;
    }
    Some(oldest(case, &files(case, DEFAULT_SANDBOX))).filter(|&oldest| oldest > (1, 0))
}

/// What the snippets use that came with Terraform `major.minor`, for a skip's reason.
fn came_with(major: u32, minor: u32) -> &'static str {
    match (major, minor) {
        (1, 14) => "actions, list resources and `terraform query`",
        (1, 12) => "import blocks naming an identity",
        (1, 10) => "ephemeral resources",
        (1, 8) => "`moved` between resource types",
        (1, 7) => "`removed` blocks",
        (1, 5) => "`import` and `check` blocks",
        _ => "the version its configuration requires",
    }
}

/// Runs one snippet as its page says, against a sandbox of its own.
fn run_snippet(tf: &'static Terraform, case: &SnippetCase) {
    if case.run_is_cli_config() {
        return run_cli_config(tf, case);
    }
    let sandbox = SandboxFixture::start(seed(case.org));
    let url = sandbox.endpoint_url();
    let logs = tempfile::tempdir().expect("a directory for the stand-in's log");
    let ws = workspace(tf, &sandbox, case, &logs.path().join("aws.log"));
    run(&ws, case, &url);
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::once(
        "every_snippet_has_a_case_and_says_what_it_is_added_to",
        every_snippet_has_a_case_and_says_what_it_is_added_to,
    )],
)
.with_generated(each_snippet);
