//! ValidateListResourceConfig and ListResource: the `config {}` block decodes against the list
//! type's schema; each event's identity and state encode with the managed resource type of
//! the same name.

use std::pin::Pin;

use futures::{Stream, StreamExt};

use super::convert::diagnostics::{diagnostics, diagnostics_of};
use super::convert::dynamic_value::{decode, encode};
use super::convert::identity::encode_identity;
use crate::cty::Type;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::list_resource::{ListRequest, ValidateConfigRequest};
use crate::framework::provider::Provider;
use crate::framework::server::{ListEvent, Server};
use crate::tfplugin6 as pb;

/// The answer of ListResource.
pub type EventStream =
    Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, tonic::Status>> + Send>>;

pub async fn validate_list_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    let prepared = server.list_resource(&req.type_name).and_then(|list| {
        let config = decode(req.config.as_ref(), list.value_type(), "list configuration")?;
        Ok((list, ValidateConfigRequest { config }))
    });
    pb::validate_list_resource_config::Response {
        diagnostics: diagnostics_of(prepared, |(list, req)| async move {
            server
                .validate_list_resource_config(list, req)
                .await
                .diagnostics
        })
        .await,
    }
}

pub fn list_resource<P: Provider>(
    server: &Server<P>,
    req: pb::list_resource::Request,
) -> EventStream {
    let started = server.list_resource(&req.type_name).and_then(|list| {
        let resource = server.resource(&req.type_name)?;
        let config = decode(req.config.as_ref(), list.value_type(), "list configuration")?;
        let types = (
            resource.value_type().clone(),
            resource.identity_type().cloned(),
        );
        let listing = ListRequest {
            config,
            include_resource_object: req.include_resource_object,
            limit: req.limit,
        };
        Ok((server.stream_list_resource(list, listing), types))
    });
    match started {
        Ok((events, (state_type, identity_type))) => Box::pin(
            events.map(move |event| Ok(encode_event(event, &state_type, identity_type.as_ref()))),
        ),
        Err(diag) => {
            let event = pb::list_resource::Event {
                diagnostic: diagnostics(&Diagnostics::from(diag)),
                ..Default::default()
            };
            Box::pin(futures::stream::iter([Ok(event)]))
        }
    }
}

/// One event as protobuf; a value that does not encode becomes the event's error.
fn encode_event(
    event: ListEvent,
    state_type: &Type,
    identity_type: Option<&Type>,
) -> pb::list_resource::Event {
    let ListEvent {
        identity,
        display_name,
        resource_object,
        diagnostics: mut diags,
    } = event;
    let identity = encode_identity(&identity, identity_type, "listed identity");
    let resource_object = resource_object
        .map(|state| encode(&state, state_type, "listed state"))
        .transpose();
    match (identity, resource_object) {
        (Ok(identity), Ok(resource_object)) => pb::list_resource::Event {
            identity,
            display_name,
            resource_object,
            diagnostic: diagnostics(&diags),
        },
        (Err(diag), _) | (_, Err(diag)) => {
            diags.push(diag);
            pb::list_resource::Event {
                diagnostic: diagnostics(&diags),
                ..Default::default()
            }
        }
    }
}
