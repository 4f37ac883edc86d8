//! The provider block through the engine: every validation rule on its exact path, and
//! configuration building clients without the network.

use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;

use super::CentralRootProvider;
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::{ConfigureRequest, ValidateConfigRequest};
use crate::framework::server::Server;
use crate::framework::values::ValueExt;

fn server() -> Server<CentralRootProvider> {
    Server::new(CentralRootProvider)
}

fn config(pairs: &[(&str, Value)]) -> Value {
    let mut v = server().provider().schema().empty_value();
    for (k, val) in pairs {
        v.set_attr(k, val.clone()).expect("an object");
    }
    v
}

fn block(pairs: &[(&str, Value)], all: &[&str]) -> Value {
    let mut attrs: std::collections::BTreeMap<String, Value> =
        all.iter().map(|k| ((*k).to_owned(), Value::Null)).collect();
    for (k, v) in pairs {
        attrs.insert((*k).to_owned(), v.clone());
    }
    Value::List(vec![Value::Object(attrs)])
}

fn assume_role(pairs: &[(&str, Value)]) -> Value {
    block(
        pairs,
        &[
            "role_arn",
            "session_name",
            "external_id",
            "duration",
            "policy",
            "policy_arns",
            "tags",
            "source_identity",
            "transitive_tag_keys",
        ],
    )
}

fn endpoints(pairs: &[(&str, Value)]) -> Value {
    block(pairs, &["iam", "organizations", "sts"])
}

const ROLE: &str = "arn:aws:iam::123456789012:role/admin";

fn errors(diags: &Diagnostics) -> Vec<AttributePath> {
    diags
        .errors()
        .map(|d| d.attribute.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn validation_rules_report_the_exact_path() {
    let arn = |s: &str| assume_role(&[("role_arn", Value::from(s))]);
    let dur = |s: &str| {
        assume_role(&[
            ("role_arn", Value::from(ROLE)),
            ("duration", Value::from(s)),
        ])
    };
    let root = AttributePath::root;
    let role_path = |a: &str| root("assume_role").index(0).attr(a);
    let cases: Vec<(&str, Value, Vec<AttributePath>)> = vec![
        ("empty block", config(&[]), vec![]),
        (
            "everything valid",
            config(&[
                ("region", Value::from("eu-central-2")),
                ("access_key", Value::from("AKID")),
                ("secret_key", Value::from("SECRET")),
                ("max_retries", Value::from(25)),
                ("retry_mode", Value::from("adaptive")),
                ("assume_role", dur("12h")),
                (
                    "endpoints",
                    endpoints(&[("iam", Value::from("http://127.0.0.1:4566"))]),
                ),
            ]),
            vec![],
        ),
        (
            "gov region",
            config(&[("region", Value::from("us-gov-west-1"))]),
            vec![],
        ),
        (
            "bad region",
            config(&[("region", Value::from("Europe"))]),
            vec![root("region")],
        ),
        (
            "bad role arn",
            config(&[("assume_role", arn("arn:aws:iam::123:role/x"))]),
            vec![role_path("role_arn")],
        ),
        (
            "user arn is not a role",
            config(&[("assume_role", arn("arn:aws:iam::123456789012:user/x"))]),
            vec![role_path("role_arn")],
        ),
        (
            "duration 15m ok",
            config(&[("assume_role", dur("15m"))]),
            vec![],
        ),
        (
            "duration too short",
            config(&[("assume_role", dur("14m"))]),
            vec![role_path("duration")],
        ),
        (
            "duration too long",
            config(&[("assume_role", dur("13h"))]),
            vec![role_path("duration")],
        ),
        (
            "duration garbage",
            config(&[("assume_role", dur("an hour"))]),
            vec![role_path("duration")],
        ),
        (
            "missing role_arn",
            config(&[("assume_role", assume_role(&[]))]),
            vec![role_path("role_arn")],
        ),
        (
            "two assume_role blocks",
            config(&[(
                "assume_role",
                Value::List(vec![
                    assume_role(&[("role_arn", Value::from(ROLE))])
                        .elements()
                        .unwrap()[0]
                        .clone(),
                    assume_role(&[("role_arn", Value::from(ROLE))])
                        .elements()
                        .unwrap()[0]
                        .clone(),
                ]),
            )]),
            vec![root("assume_role")],
        ),
        (
            "endpoint not a url",
            config(&[(
                "endpoints",
                endpoints(&[("organizations", Value::from("localhost:4566"))]),
            )]),
            vec![root("endpoints").index(0).attr("organizations")],
        ),
        (
            "endpoint ftp",
            config(&[("endpoints", endpoints(&[("sts", Value::from("ftp://x"))]))]),
            vec![root("endpoints").index(0).attr("sts")],
        ),
        (
            "retry_mode",
            config(&[("retry_mode", Value::from("legacy"))]),
            vec![root("retry_mode")],
        ),
        (
            "max_retries negative",
            config(&[("max_retries", Value::from(-1))]),
            vec![root("max_retries")],
        ),
        (
            "max_retries 26",
            config(&[("max_retries", Value::from(26))]),
            vec![root("max_retries")],
        ),
        (
            "access_key alone",
            config(&[("access_key", Value::from("AKID"))]),
            vec![root("secret_key")],
        ),
        (
            "secret_key alone",
            config(&[("secret_key", Value::from("SECRET"))]),
            vec![root("access_key")],
        ),
        (
            "unknowns tolerated",
            config(&[
                ("region", Value::unknown()),
                ("access_key", Value::unknown()),
                ("secret_key", Value::unknown()),
                ("max_retries", Value::unknown()),
                ("assume_role", Value::unknown()),
                ("endpoints", endpoints(&[("iam", Value::unknown())])),
            ]),
            vec![],
        ),
    ];
    for (name, value, want) in cases {
        let diags = server()
            .validate_provider_config(ValidateConfigRequest { config: value })
            .await
            .diagnostics;
        assert_eq!(errors(&diags), want, "{name}: {diags:?}");
        for d in &diags {
            assert!(
                !d.detail.contains("SECRET") && !d.summary.contains("SECRET"),
                "{name}: secret leaked"
            );
        }
    }
}

#[tokio::test]
async fn configure_builds_clients_without_network() {
    let server = server();
    let cfg = config(&[
        ("region", Value::from("eu-west-1")),
        ("access_key", Value::from("AKIDEXAMPLE")),
        ("secret_key", Value::from("SECRETEXAMPLE")),
        ("token", Value::from("TOKEN")),
        ("max_retries", Value::from(3)),
        ("retry_mode", Value::from("standard")),
        (
            "endpoints",
            endpoints(&[
                ("iam", Value::from("http://127.0.0.1:9")),
                ("organizations", Value::from("http://127.0.0.1:9")),
                ("sts", Value::from("http://127.0.0.1:9")),
            ]),
        ),
    ]);
    let diags = configure(
        &server,
        cfg,
        "1.15.5".into(),
        "configure must not wait on anything",
    )
    .await;
    assert!(diags.is_empty(), "{diags:?}");
    let ctx_data = server_data(&server);
    assert_eq!(
        ctx_data.sdk_config().region().map(|r| r.as_ref()),
        Some("eu-west-1")
    );
    assert_eq!(
        ctx_data
            .sdk_config()
            .retry_config()
            .map(|r| r.max_attempts()),
        Some(4)
    );
    let creds = ctx_data
        .sdk_config()
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(creds.session_token(), Some("TOKEN"));
    assert_eq!(
        ctx_data.sts().config().region().map(|r| r.as_ref()),
        Some("eu-west-1")
    );
}

#[tokio::test]
async fn configure_with_assume_role_and_unknowns_makes_no_call() {
    let server = server();
    let cfg = config(&[
        ("region", Value::unknown()),
        ("access_key", Value::from("AKID")),
        ("secret_key", Value::from("SECRET")),
        (
            "assume_role",
            assume_role(&[
                ("role_arn", Value::from(ROLE)),
                ("duration", Value::from("1h")),
            ]),
        ),
        (
            "endpoints",
            endpoints(&[("sts", Value::from("http://127.0.0.1:9"))]),
        ),
    ]);
    let diags = configure(
        &server,
        cfg,
        String::new(),
        "configure must not wait on STS",
    )
    .await;
    assert!(diags.is_empty(), "{diags:?}");
    assert!(server_data(&server).sdk_config().region().is_some());
}

/// The diagnostics of validating `cfg`, as (error?, path, summary).
async fn validation(cfg: Value) -> Vec<(bool, AttributePath, String)> {
    server()
        .validate_provider_config(ValidateConfigRequest { config: cfg })
        .await
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.is_error(),
                d.attribute.clone().unwrap_or_default(),
                d.summary.clone(),
            )
        })
        .collect()
}

fn ids(items: &[&str]) -> Value {
    crate::framework::values::string_set(items.iter().copied())
}

#[tokio::test]
async fn account_guards_are_validated_on_their_paths() {
    let root = AttributePath::root;
    assert_eq!(
        validation(config(&[("allowed_account_ids", ids(&["111111111111"]))])).await,
        vec![]
    );
    assert_eq!(
        validation(config(&[
            ("allowed_account_ids", ids(&["111111111111"])),
            ("forbidden_account_ids", ids(&["222222222222"])),
        ]))
        .await,
        vec![(
            true,
            root("forbidden_account_ids"),
            "Conflicting account guards".to_owned()
        )]
    );
    assert_eq!(
        validation(config(&[("allowed_account_ids", ids(&["1111-1111-1111"]))])).await,
        vec![(
            true,
            root("allowed_account_ids"),
            "Invalid account ID".to_owned()
        )]
    );
}

/// Every hashicorp/aws argument a copied block may carry gets a diagnostic on its own path:
/// an error for the refused ones, a warning for the ignored ones, nothing for `false`.
#[tokio::test]
async fn copied_hashicorp_aws_arguments_are_explained_not_unsupported() {
    let root = AttributePath::root;
    let tags_block = Value::List(vec![crate::framework::attributes::object([(
        "tags",
        Value::Map([("team".to_owned(), Value::from("platform"))].into()),
    )])]);
    let found = validation(config(&[
        ("default_tags", tags_block),
        ("skip_credentials_validation", Value::from(true)),
        ("skip_metadata_api_check", Value::from(false)),
        ("s3_use_path_style", Value::from(true)),
        ("insecure", Value::from(false)),
        ("http_proxy", Value::from("http://proxy:3128")),
        (
            "assume_role",
            assume_role(&[
                ("role_arn", Value::from(ROLE)),
                ("source_identity", Value::from("me")),
            ]),
        ),
    ]))
    .await;
    let want = vec![
        (
            true,
            root("default_tags").index(0),
            "default_tags is not supported".to_owned(),
        ),
        (
            true,
            root("http_proxy"),
            "http_proxy is not supported".to_owned(),
        ),
        (
            false,
            root("skip_credentials_validation"),
            "skip_credentials_validation is ignored".to_owned(),
        ),
        (
            false,
            root("s3_use_path_style"),
            "s3_use_path_style is ignored".to_owned(),
        ),
        (
            true,
            root("assume_role").index(0).attr("source_identity"),
            "source_identity is not supported".to_owned(),
        ),
    ];
    let mut sorted = found.clone();
    sorted.sort_by_key(|(_, path, _)| format!("{path:?}"));
    let mut want_sorted = want.clone();
    want_sorted.sort_by_key(|(_, path, _)| format!("{path:?}"));
    assert_eq!(sorted, want_sorted, "{found:?}");

    // Each top-level one, alone, with a value that asks for something.
    let schema = super::schema::provider_schema();
    for (name, refused, path) in super::unused_arguments::top_level() {
        let value = match (
            schema.block.attribute_named(name),
            schema.block.blocks().get(name),
        ) {
            (Some(attribute), None) => match attribute.ty() {
                crate::cty::Type::Bool => Value::from(true),
                crate::cty::Type::Number => Value::from(1),
                crate::cty::Type::String => Value::from("x"),
                crate::cty::Type::List(_) => Value::List(vec![Value::from("x")]),
                other => panic!("{name}: unexpected type {other:?}"),
            },
            // A block, written empty.
            (None, Some(nested)) => Value::List(vec![nested.block().empty_value()]),
            _ => panic!("{name} is in the schema once"),
        };
        let found = validation(config(&[(name, value)])).await;
        assert_eq!(
            found,
            vec![(
                refused,
                path,
                format!(
                    "{name} is {}",
                    if refused { "not supported" } else { "ignored" }
                )
            )],
            "{name}"
        );
    }
}

#[tokio::test]
async fn configure_reads_the_settings_hashicorp_aws_users_copy() {
    let server = server();
    let cfg = config(&[
        ("region", Value::from("eu-west-1")),
        ("sts_region", Value::from("eu-central-1")),
        ("use_fips_endpoint", Value::from(true)),
        ("use_dualstack_endpoint", Value::from(false)),
        ("access_key", Value::from("AKID")),
        ("secret_key", Value::from("SECRET")),
    ]);
    let diags = configure(&server, cfg, String::new(), "configure must not wait").await;
    assert!(diags.is_empty(), "{diags:?}");
    let aws = server_data(&server);
    assert_eq!(
        aws.sts().config().region().map(|r| r.as_ref()),
        Some("eu-central-1"),
        "sts_region wins over region"
    );
    assert_eq!(aws.sdk_config().use_fips(), Some(true));
    assert_eq!(aws.sdk_config().use_dual_stack(), Some(false));
}

/// With a guard, configuring asks STS for the account before anything else; when STS cannot
/// answer, configuring fails on the guard's path and builds nothing.
#[tokio::test]
async fn a_guard_that_cannot_be_checked_fails_configure() {
    let server = server();
    let cfg = config(&[
        ("access_key", Value::from("AKID")),
        ("secret_key", Value::from("SECRET")),
        ("max_retries", Value::from(0)),
        ("allowed_account_ids", ids(&["111111111111"])),
        (
            "endpoints",
            endpoints(&[("sts", Value::from("http://127.0.0.1:9"))]),
        ),
    ]);
    let diags = configure(&server, cfg, String::new(), "a refused connection fails").await;
    let errors: Vec<_> = diags.errors().collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    assert_eq!(
        errors[0].attribute,
        Some(AttributePath::root("allowed_account_ids"))
    );
    assert_eq!(errors[0].summary, "Cannot check the AWS account");
    assert!(errors[0].detail.contains("sts:GetCallerIdentity"));
    assert!(!errors[0].detail.contains("SECRET"));
    assert!(server.configured_data().is_none());
}

/// Configures `server` with `cfg`, failing the test with `why` after 60 s.
async fn configure(
    server: &Server<CentralRootProvider>,
    cfg: Value,
    terraform_version: String,
    why: &str,
) -> Diagnostics {
    tokio::time::timeout(
        Duration::from_secs(60),
        server.configure_provider(ConfigureRequest {
            config: cfg,
            terraform_version,
        }),
    )
    .await
    .expect(why)
    .diagnostics
}

fn server_data(server: &Server<CentralRootProvider>) -> std::sync::Arc<crate::aws::Aws> {
    server.configured_data().expect("configured")
}
