//! The service itself: unknown type names and unconfigured providers answer diagnostics,
//! never a gRPC error, and every RPC this provider does not support answers one naming it.

use centralroot::cty::Value;
use centralroot::provider::CentralRootProvider;
use centralroot::tfplugin6 as pb;
use pb::invoke_action::event::Type as EventType;
use tokio_stream::StreamExt;

use crate::support::{TestProvider, configured, plan, serve, summaries, thing};

fn names_rpc(diags: &[pb::Diagnostic], rpc: &str) {
    assert_eq!(diags.len(), 1, "{rpc}: {diags:?}");
    assert_eq!(
        diags[0].severity,
        pb::diagnostic::Severity::Error as i32,
        "{rpc}"
    );
    assert!(
        diags[0].summary.contains(rpc),
        "{rpc}: {}",
        diags[0].summary
    );
}

#[tokio::test]
async fn unknown_type_and_unconfigured_provider_are_diagnostics() {
    let mut client = serve(TestProvider::default()).await;
    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_nope".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&resp.diagnostics), vec!["Unknown Resource Type"]);
    let config = thing(&[("name", Value::from("a"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    assert_eq!(summaries(&p.diagnostics), vec!["Provider Not Configured"]);
}

#[tokio::test]
async fn unknown_ephemeral_and_action_types_are_diagnostics() {
    let mut client = configured(TestProvider::default()).await;
    let renewed = client
        .renew_ephemeral_resource(pb::renew_ephemeral_resource::Request {
            type_name: "test_nope".into(),
            private: Some(b"kept".to_vec()),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&renewed.diagnostics),
        ["Unknown Ephemeral Resource Type"]
    );
    assert_eq!(renewed.private.as_deref(), Some(&b"kept"[..]));
    let mut stream = client
        .invoke_action(pb::invoke_action::Request {
            action_type: "test_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    match stream.next().await.unwrap().unwrap().r#type {
        Some(EventType::Completed(c)) => {
            assert_eq!(summaries(&c.diagnostics), ["Unknown Action Type"])
        }
        other => panic!("{other:?}"),
    }
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn every_other_rpc_answers() {
    let mut c = serve(CentralRootProvider).await;
    let md = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(md.server_capabilities.unwrap().get_provider_schema_optional);
    let f = c
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(f.functions.is_empty() && f.diagnostics.is_empty());
    let r = c
        .call_function(pb::call_function::Request {
            name: "f".into(),
            arguments: vec![],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.unwrap().text.contains("\"f\""));

    // The resource RPCs of identity, moves and generated configuration name the unknown type.
    let unknown = vec!["Unknown Resource Type".to_owned()];
    let up = c
        .upgrade_resource_identity(pb::upgrade_resource_identity::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&up.diagnostics), unknown);
    let mv = c
        .move_resource_state(pb::move_resource_state::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&mv.diagnostics), unknown);
    let gen_config = c
        .generate_resource_config(pb::generate_resource_config::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&gen_config.diagnostics), unknown);
    let vl = c
        .validate_list_resource_config(pb::validate_list_resource_config::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&vl.diagnostics),
        vec!["Unknown List Resource Type"]
    );
    names_rpc(
        &c.validate_state_store_config(pb::validate_state_store::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "ValidateStateStoreConfig",
    );
    names_rpc(
        &c.configure_state_store(pb::configure_state_store::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "ConfigureStateStore",
    );
    names_rpc(
        &c.lock_state(pb::lock_state::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "LockState",
    );
    names_rpc(
        &c.unlock_state(pb::unlock_state::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "UnlockState",
    );
    names_rpc(
        &c.get_states(pb::get_states::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "GetStates",
    );
    names_rpc(
        &c.delete_state(pb::delete_state::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "DeleteState",
    );

    let mut list = c
        .list_resource(pb::list_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&list.next().await.unwrap().unwrap().diagnostic),
        vec!["Unknown List Resource Type"]
    );
    assert!(list.next().await.is_none());
    let mut read = c
        .read_state_bytes(pb::read_state_bytes::Request::default())
        .await
        .unwrap()
        .into_inner();
    names_rpc(
        &read.next().await.unwrap().unwrap().diagnostics,
        "ReadStateBytes",
    );
    assert!(read.next().await.is_none());
    let chunks = tokio_stream::iter(vec![pb::write_state_bytes::RequestChunk::default()]);
    names_rpc(
        &c.write_state_bytes(chunks)
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "WriteStateBytes",
    );

    // type-bound RPCs for types that do not exist
    let unknown_type = |diags: &[pb::Diagnostic], kind: &str| {
        assert_eq!(summaries(diags), [format!("Unknown {kind} Type")]);
    };
    let ve = c
        .validate_ephemeral_resource_config(
            pb::validate_ephemeral_resource_config::Request::default(),
        )
        .await
        .unwrap()
        .into_inner();
    unknown_type(&ve.diagnostics, "Ephemeral Resource");
    let oe = c
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&oe.diagnostics, "Ephemeral Resource");
    let ce = c
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&ce.diagnostics, "Ephemeral Resource");
    let va = c
        .validate_action_config(pb::validate_action_config::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&va.diagnostics, "Action");
    let pa = c
        .plan_action(pb::plan_action::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&pa.diagnostics, "Action");
    let rd = c
        .read_data_source(pb::read_data_source::Request {
            type_name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&rd.diagnostics), vec!["Unknown Data Source Type"]);
    let vd = c
        .validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: "x".into(),
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&vd.diagnostics), vec!["Unknown Data Source Type"]);
    let im = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&im.diagnostics), vec!["Unknown Resource Type"]);
    let stop = c
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
}
