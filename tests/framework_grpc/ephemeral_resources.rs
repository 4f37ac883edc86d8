//! ValidateEphemeralResourceConfig, OpenEphemeralResource, RenewEphemeralResource,
//! CloseEphemeralResource: the renewal time as a timestamp, private data always set, no
//! result, renewal or private data when opening fails, and diagnostics on the attribute at
//! fault, for the test type and for the provider's own `centralroot_root_session`.

use std::time::SystemTime;

use centralroot::cty::Value;
use centralroot::framework::provider::Provider;
use centralroot::framework::values::ValueExt;
use centralroot::provider::CentralRootProvider;
use centralroot::tfplugin6 as pb;

use crate::support::{
    Client, TestProvider, configured, encode, error_paths, serve, summaries, token, un_token,
};

async fn open(client: &mut Client, name: Value) -> pb::open_ephemeral_resource::Response {
    client
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "test_token".into(),
            config: token(name),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn ephemeral_validate_open_renew_close() {
    let mut client = configured(TestProvider::default()).await;
    let invalid = client
        .validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request {
            type_name: "test_token".into(),
            config: token(Value::Null),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(error_paths(&invalid.diagnostics), [["name"]]);

    let before = SystemTime::now();
    let opened = open(&mut client, Value::from("a")).await;
    assert!(opened.diagnostics.is_empty(), "{:?}", opened.diagnostics);
    let result = un_token(opened.result);
    assert_eq!(result.attr("token"), &Value::from("token-a"));
    assert_eq!(result.attr("name"), &Value::from("a"));
    let renew_at = SystemTime::try_from(opened.renew_at.expect("a renewal")).unwrap();
    assert!(renew_at > before, "the renewal is in the future");
    assert_eq!(opened.private.as_deref(), Some(&b"a"[..]));

    let renewed = client
        .renew_ephemeral_resource(pb::renew_ephemeral_resource::Request {
            type_name: "test_token".into(),
            private: opened.private.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(renewed.diagnostics.is_empty(), "{:?}", renewed.diagnostics);
    assert!(renewed.renew_at.is_some());
    assert_eq!(renewed.private.as_deref(), Some(&b"a+"[..]));

    let closed = client
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request {
            type_name: "test_token".into(),
            private: opened.private,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(closed.diagnostics.is_empty(), "{:?}", closed.diagnostics);
    let empty = client
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request {
            type_name: "test_token".into(),
            private: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&empty.diagnostics), ["Nothing To Close"]);
}

#[tokio::test]
async fn ephemeral_unknown_configuration_and_unknown_results_are_refused() {
    let mut client = configured(TestProvider::default()).await;
    for (name, summary, path) in [
        (Value::unknown(), "Unknown Configuration Value", "name"),
        (Value::from("broken"), "Unknown Value After Open", "token"),
    ] {
        let resp = open(&mut client, name).await;
        assert_eq!(summaries(&resp.diagnostics), [summary]);
        assert_eq!(error_paths(&resp.diagnostics), [[path]]);
        assert_eq!(
            (resp.result, resp.renew_at, resp.private),
            (None, None, None),
            "{summary}: nothing for Terraform to use, renew or close"
        );
    }
}

#[tokio::test]
async fn root_session_config_is_validated_on_the_attribute_at_fault() {
    let mut client = serve(CentralRootProvider).await;
    let ty = Provider::ephemeral_resources(&CentralRootProvider)
        .iter()
        .find(|(name, _)| *name == "centralroot_root_session")
        .expect("served")
        .1
        .schema()
        .value_type();
    let session = |account: &str, policy: &str, duration: Value| {
        let value = Value::Object(
            [
                ("account_id", Value::from(account)),
                ("task_policy", Value::from(policy)),
                ("duration", duration),
                ("access_key_id", Value::Null),
                ("secret_access_key", Value::Null),
                ("session_token", Value::Null),
                ("expiration", Value::Null),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        );
        pb::validate_ephemeral_resource_config::Request {
            type_name: "centralroot_root_session".into(),
            config: encode(&value, &ty),
        }
    };
    let audit = "IAMAuditRootUserCredentials";
    let cases = [
        (session("222222222222", audit, Value::Null), vec![]),
        (session("222222222222", audit, Value::from("900s")), vec![]),
        (session("222222222222", audit, Value::unknown()), vec![]),
        (
            session("2222", audit, Value::from("5m")),
            vec![vec!["account_id".to_owned()]],
        ),
        (
            session("222222222222", "AuditRootUserCredentials", Value::Null),
            vec![vec!["task_policy".to_owned()]],
        ),
        (
            session("222222222222", audit, Value::from("16m")),
            vec![vec!["duration".to_owned()]],
        ),
    ];
    for (request, expected) in cases {
        let config = request.config.clone();
        let resp = client
            .validate_ephemeral_resource_config(request)
            .await
            .unwrap()
            .into_inner();
        assert_eq!(error_paths(&resp.diagnostics), expected, "{config:?}");
        if let Some(diag) = resp.diagnostics.first()
            && error_paths(&resp.diagnostics) == [["task_policy"]]
        {
            assert!(
                diag.detail
                    .contains("Did you mean \"IAMAuditRootUserCredentials\"?"),
                "{}",
                diag.detail
            );
        }
    }
}
