//! ListResource: the `config {}` block decodes against the list type's schema; each event's
//! identity and state encode with the managed resource type of the same name.

use std::pin::Pin;

use futures::{Stream, StreamExt};

use super::convert::answer::Answer;
use super::convert::diagnostics::diagnostics;
use super::convert::dynamic_value::{decode_for, encode};
use super::convert::identity::encode_identity;
use crate::cty::Type;
use crate::framework::list_resource::ListRequest;
use crate::framework::provider::Provider;
use crate::framework::server::{ListEvent, Server};
use crate::tfplugin6 as pb;

/// The answer of ListResource.
pub type EventStream =
    Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, tonic::Status>> + Send>>;

pub fn list_resource<P: Provider>(
    server: &Server<P>,
    req: pb::list_resource::Request,
) -> EventStream {
    let found = server.list_resources().get(&req.type_name);
    let started =
        decode_for(found, req.config.as_ref(), "list configuration").and_then(|(list, config)| {
            let resource = server.resources().get(&req.type_name)?;
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
        Err(diag) => Box::pin(futures::stream::iter([Ok(Answer::failed(diag))])),
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
            Answer::of(&diags)
        }
    }
}
