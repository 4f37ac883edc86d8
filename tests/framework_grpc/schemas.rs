//! GetMetadata, GetProviderSchema, GetResourceIdentitySchemas: how schemas, type names and
//! capabilities are encoded.

use centralroot::framework::provider::Provider;
use centralroot::provider::CentralRootProvider;
use centralroot::tfplugin6 as pb;

use crate::support::{TestProvider, serve};

#[tokio::test]
async fn provider_schema_over_grpc() {
    let mut client = serve(CentralRootProvider).await;
    let resp = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    let caps = resp.server_capabilities.unwrap();
    assert!(caps.get_provider_schema_optional);
    assert!(caps.plan_destroy);
    let block = resp.provider.unwrap().block.unwrap();
    let attr = |name: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(attr("region").r#type, b"\"string\"");
    assert!(attr("region").optional && !attr("region").required);
    assert!(!attr("region").description.is_empty());
    assert_eq!(attr("shared_config_files").r#type, br#"["list","string"]"#);
    assert_eq!(attr("max_retries").r#type, b"\"number\"");
    assert!(attr("secret_key").sensitive);
    assert!(attr("token").sensitive);
    assert!(!attr("access_key").sensitive);
    for name in ["assume_role", "endpoints"] {
        let nb = block
            .block_types
            .iter()
            .find(|b| b.type_name == name)
            .unwrap();
        assert_eq!(
            nb.nesting,
            pb::schema::nested_block::NestingMode::List as i32
        );
        assert_eq!(nb.max_items, 1);
        assert!(!nb.block.as_ref().unwrap().description.is_empty());
    }
    let ar = block
        .block_types
        .iter()
        .find(|b| b.type_name == "assume_role")
        .unwrap();
    let role_arn = ar
        .block
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .find(|a| a.name == "role_arn")
        .unwrap();
    assert!(role_arn.required);
    // The schemas served are exactly the provider's resource types, each fully described.
    let mut expected: Vec<&str> = CentralRootProvider
        .resources()
        .iter()
        .map(|(name, _)| *name)
        .collect();
    expected.sort_unstable();
    let mut served: Vec<&str> = resp.resource_schemas.keys().map(String::as_str).collect();
    served.sort_unstable();
    assert_eq!(served, expected);
    for (name, schema) in &resp.resource_schemas {
        let block = schema.block.as_ref().unwrap();
        assert!(!block.description.is_empty(), "{name} has no description");
        for attr in &block.attributes {
            assert!(
                !attr.description.is_empty(),
                "{name}.{} has no description",
                attr.name
            );
        }
    }

    let data_sources: Vec<&str> = resp
        .data_source_schemas
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        data_sources.contains(&"centralroot_caller_identity"),
        "{data_sources:?}"
    );
    let session = resp.ephemeral_resource_schemas["centralroot_root_session"]
        .block
        .as_ref()
        .unwrap();
    let sensitive: Vec<&str> = session
        .attributes
        .iter()
        .filter(|a| a.sensitive)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(sensitive, ["secret_access_key", "session_token"]);

    let ids = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .expect("never Unimplemented")
        .into_inner();
    assert!(ids.diagnostics.is_empty(), "{:?}", ids.diagnostics);
    for name in ids.identity_schemas.keys() {
        assert!(
            resp.resource_schemas.contains_key(name),
            "identity schema for unknown type {name}"
        );
    }
}

#[tokio::test]
async fn schemas_and_metadata_list_ephemeral_resources_and_actions() {
    let mut client = serve(TestProvider::default()).await;
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let token = &schema.ephemeral_resource_schemas["test_token"];
    let attributes = token.block.as_ref().unwrap().attributes.iter();
    let names: Vec<_> = attributes.map(|a| (a.name.as_str(), a.sensitive)).collect();
    assert_eq!(names, [("name", false), ("token", true)]);
    let action = schema.action_schemas["test_countdown"].schema.as_ref();
    let block = action.expect("a schema").block.as_ref().expect("a block");
    assert_eq!(block.attributes.len(), 3);

    let md = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let ephemeral: Vec<_> = md
        .ephemeral_resources
        .iter()
        .map(|e| e.type_name.as_str())
        .collect();
    let actions: Vec<_> = md.actions.iter().map(|a| a.type_name.as_str()).collect();
    assert_eq!(
        (ephemeral, actions),
        (vec!["test_token"], vec!["test_countdown"])
    );
}

#[tokio::test]
async fn metadata_advertises_moves_and_generated_configuration() {
    let mut client = serve(TestProvider::default()).await;
    let caps = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner()
        .server_capabilities
        .unwrap();
    assert!(caps.move_resource_state && caps.generate_resource_config);
}
