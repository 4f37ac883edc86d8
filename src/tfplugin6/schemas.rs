//! GetMetadata, GetProviderSchema, GetResourceIdentitySchemas.

use std::collections::HashMap;

use super::convert::schema::{identity_schema, schema};
use crate::framework::provider::Provider;
use crate::framework::server::{Server, Types};
use crate::tfplugin6 as pb;

fn capabilities<P: Provider>(server: &Server<P>) -> pb::ServerCapabilities {
    let caps = server.capabilities();
    pb::ServerCapabilities {
        plan_destroy: caps.plan_destroy,
        get_provider_schema_optional: caps.get_provider_schema_optional,
        move_resource_state: caps.move_resource_state,
        generate_resource_config: caps.generate_resource_config,
    }
}

/// The type name of each of `handles`, as the message `metadata` makes of it.
fn names<T: ?Sized, M>(handles: &Types<T>, metadata: impl Fn(String) -> M) -> Vec<M> {
    handles
        .iter()
        .map(|handle| metadata(handle.type_name().to_owned()))
        .collect()
}

/// The schema of each of `handles`, by type name.
fn schemas<T: ?Sized>(handles: &Types<T>) -> HashMap<String, pb::Schema> {
    handles
        .iter()
        .map(|handle| (handle.type_name().to_owned(), schema(handle.schema())))
        .collect()
}

/// GetMetadata: capabilities and type names.
pub fn get_metadata<P: Provider>(server: &Server<P>) -> pb::get_metadata::Response {
    use pb::get_metadata::{
        ActionMetadata, DataSourceMetadata, EphemeralMetadata, ListResourceMetadata,
        ResourceMetadata,
    };
    pb::get_metadata::Response {
        server_capabilities: Some(capabilities(server)),
        resources: names(server.resources(), |type_name| ResourceMetadata {
            type_name,
        }),
        data_sources: names(server.data_sources(), |type_name| DataSourceMetadata {
            type_name,
        }),
        ephemeral_resources: names(server.ephemeral_resources(), |type_name| {
            EphemeralMetadata { type_name }
        }),
        actions: names(server.actions(), |type_name| ActionMetadata { type_name }),
        list_resources: names(server.list_resources(), |type_name| ListResourceMetadata {
            type_name,
        }),
        ..Default::default()
    }
}

/// GetProviderSchema: every schema, with an empty provider_meta schema.
pub fn get_provider_schema<P: Provider>(server: &Server<P>) -> pb::get_provider_schema::Response {
    pb::get_provider_schema::Response {
        provider: Some(schema(server.provider().schema())),
        resource_schemas: schemas(server.resources()),
        data_source_schemas: schemas(server.data_sources()),
        ephemeral_resource_schemas: schemas(server.ephemeral_resources()),
        // Terraform dereferences `schema` unchecked (`convert.ProtoToActionSchema`).
        action_schemas: schemas(server.actions())
            .into_iter()
            .map(|(name, schema)| {
                (
                    name,
                    pb::ActionSchema {
                        schema: Some(schema),
                    },
                )
            })
            .collect(),
        list_resource_schemas: schemas(server.list_resources()),
        provider_meta: Some(pb::Schema {
            version: 0,
            block: Some(pb::schema::Block::default()),
        }),
        server_capabilities: Some(capabilities(server)),
        ..Default::default()
    }
}

/// GetResourceIdentitySchemas: the identity schema of every resource type that has one.
pub fn get_resource_identity_schemas<P: Provider>(
    server: &Server<P>,
) -> pb::get_resource_identity_schemas::Response {
    pb::get_resource_identity_schemas::Response {
        identity_schemas: server
            .resources()
            .iter()
            .filter_map(|r| {
                Some((
                    r.type_name().to_owned(),
                    identity_schema(r.identity_schema()?),
                ))
            })
            .collect(),
        diagnostics: Vec::new(),
    }
}
