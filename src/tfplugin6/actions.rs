//! PlanAction, InvokeAction: each looks its type up once, decodes against the handle's value type
//! and calls the engine with the handle.
//!
//! InvokeAction's events come from the engine's [`ActionEvents`], which ends every
//! invocation with exactly one completion; each maps to an event with its `type` set, the
//! only kind Terraform accepts.

use std::pin::Pin;

use tokio_stream::{Stream, StreamExt};

use super::convert::answer::answer_with;
use super::convert::diagnostics::diagnostics;
use super::convert::dynamic_value::decode_for;
use crate::framework::action::{ActionEvent, InvokeRequest, PlanRequest};
use crate::framework::provider::Provider;
use crate::framework::server::{ActionEvents, Server};
use crate::tfplugin6 as pb;

/// The answer stream of InvokeAction.
pub type InvokeActionStream =
    Pin<Box<dyn Stream<Item = Result<pb::invoke_action::Event, tonic::Status>> + Send>>;

/// Never deferred, whatever `client_capabilities` allows.
pub async fn plan_action<P: Provider>(
    server: &Server<P>,
    req: pb::plan_action::Request,
) -> pb::plan_action::Response {
    let found = server.actions().get(&req.action_type);
    answer_with(
        decode_for(found, req.config.as_ref(), "configuration"),
        |(action, config)| async move {
            let planned = server.plan_action(action, PlanRequest { config }).await;
            planned.diagnostics
        },
    )
    .await
}

pub fn invoke_action<P: Provider>(
    server: &Server<P>,
    req: pb::invoke_action::Request,
) -> InvokeActionStream {
    let found = server.actions().get(&req.action_type);
    let events = match decode_for(found, req.config.as_ref(), "configuration") {
        Ok((action, config)) => server.invoke_action(action, InvokeRequest { config }),
        Err(diag) => ActionEvents::completed(diag.into()),
    };
    Box::pin(events.map(|event| Ok(event_pb(event))))
}

fn event_pb(event: ActionEvent) -> pb::invoke_action::Event {
    use pb::invoke_action::event::{Completed, Progress, Type};
    let r#type = match event {
        ActionEvent::Progress(message) => Type::Progress(Progress { message }),
        ActionEvent::Completed(diags) => Type::Completed(Completed {
            diagnostics: diagnostics(&diags),
        }),
    };
    pb::invoke_action::Event {
        r#type: Some(r#type),
    }
}
