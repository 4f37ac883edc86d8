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
        &["role_arn", "session_name", "external_id", "duration"],
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
    let diags = tokio::time::timeout(
        Duration::from_secs(10),
        server.configure_provider(ConfigureRequest {
            config: cfg,
            terraform_version: "1.15.5".into(),
        }),
    )
    .await
    .expect("configure must not wait on anything")
    .diagnostics;
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
    let diags = tokio::time::timeout(
        Duration::from_secs(10),
        server.configure_provider(ConfigureRequest {
            config: cfg,
            terraform_version: String::new(),
        }),
    )
    .await
    .expect("configure must not wait on STS")
    .diagnostics;
    assert!(diags.is_empty(), "{diags:?}");
    assert!(server_data(&server).sdk_config().region().is_some());
}

fn server_data(server: &Server<CentralRootProvider>) -> std::sync::Arc<crate::aws::Aws> {
    server.configured_data().expect("configured")
}
