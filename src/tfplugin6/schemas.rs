//! GetMetadata, GetProviderSchema, GetResourceIdentitySchemas.

use super::convert::schema::{identity_schema, schema};
use crate::framework::provider::Provider;
use crate::framework::server::Server;
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

/// GetMetadata: capabilities and type names.
pub fn get_metadata<P: Provider>(server: &Server<P>) -> pb::get_metadata::Response {
    pb::get_metadata::Response {
        server_capabilities: Some(capabilities(server)),
        resources: server
            .resources()
            .map(|resource| pb::get_metadata::ResourceMetadata {
                type_name: resource.type_name().to_owned(),
            })
            .collect(),
        data_sources: server
            .data_sources()
            .map(|data_source| pb::get_metadata::DataSourceMetadata {
                type_name: data_source.type_name().to_owned(),
            })
            .collect(),
        ephemeral_resources: server
            .ephemeral_resources()
            .map(|ephemeral| pb::get_metadata::EphemeralMetadata {
                type_name: ephemeral.type_name().to_owned(),
            })
            .collect(),
        actions: server
            .actions()
            .map(|action| pb::get_metadata::ActionMetadata {
                type_name: action.type_name().to_owned(),
            })
            .collect(),
        list_resources: server
            .list_resources()
            .map(|list| pb::get_metadata::ListResourceMetadata {
                type_name: list.type_name().to_owned(),
            })
            .collect(),
        ..Default::default()
    }
}

/// GetProviderSchema: every schema, with an empty provider_meta schema.
pub fn get_provider_schema<P: Provider>(server: &Server<P>) -> pb::get_provider_schema::Response {
    pb::get_provider_schema::Response {
        provider: Some(schema(server.provider().schema())),
        resource_schemas: server
            .resources()
            .map(|r| (r.type_name().to_owned(), schema(r.schema())))
            .collect(),
        data_source_schemas: server
            .data_sources()
            .map(|d| (d.type_name().to_owned(), schema(d.schema())))
            .collect(),
        ephemeral_resource_schemas: server
            .ephemeral_resources()
            .map(|e| (e.type_name().to_owned(), schema(e.schema())))
            .collect(),
        // Terraform dereferences `schema` unchecked (`convert.ProtoToActionSchema`).
        action_schemas: server
            .actions()
            .map(|a| {
                let config = Some(schema(a.schema()));
                (
                    a.type_name().to_owned(),
                    pb::ActionSchema { schema: config },
                )
            })
            .collect(),
        list_resource_schemas: server
            .list_resources()
            .map(|l| (l.type_name().to_owned(), schema(l.schema())))
            .collect(),
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
