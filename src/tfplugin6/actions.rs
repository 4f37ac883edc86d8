//! ValidateActionConfig, PlanAction, InvokeAction: each looks its type up once, decodes
//! against the handle's value type and calls the engine with the handle.
//!
//! InvokeAction's events come from the engine's [`ActionEvents`], which ends every
//! invocation with exactly one completion; each maps to an event with its `type` set, the
//! only kind Terraform accepts.

use std::pin::Pin;

use tokio_stream::{Stream, StreamExt};

use super::convert::diagnostics::{diagnostics, diagnostics_of};
use super::convert::dynamic_value::decode;
use crate::framework::action::{ActionEvent, InvokeRequest, PlanRequest, ValidateConfigRequest};
use crate::framework::provider::Provider;
use crate::framework::server::{ActionEvents, Server};
use crate::tfplugin6 as pb;

/// The answer stream of InvokeAction.
pub type InvokeActionStream =
    Pin<Box<dyn Stream<Item = Result<pb::invoke_action::Event, tonic::Status>> + Send>>;

pub async fn validate_action_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_action_config::Request,
) -> pb::validate_action_config::Response {
    let prepared = server.action(&req.type_name).and_then(|action| {
        let config = decode(req.config.as_ref(), action.value_type(), "configuration")?;
        Ok((action, ValidateConfigRequest { config }))
    });
    pb::validate_action_config::Response {
        diagnostics: diagnostics_of(prepared, |(action, req)| async move {
            server.validate_action_config(action, req).await.diagnostics
        })
        .await,
    }
}

/// Never deferred, whatever `client_capabilities` allows.
pub async fn plan_action<P: Provider>(
    server: &Server<P>,
    req: pb::plan_action::Request,
) -> pb::plan_action::Response {
    let prepared = server.action(&req.action_type).and_then(|action| {
        let config = decode(req.config.as_ref(), action.value_type(), "configuration")?;
        Ok((action, PlanRequest { config }))
    });
    pb::plan_action::Response {
        diagnostics: diagnostics_of(prepared, |(action, req)| async move {
            server.plan_action(action, req).await.diagnostics
        })
        .await,
        deferred: None,
    }
}

pub fn invoke_action<P: Provider>(
    server: &Server<P>,
    req: pb::invoke_action::Request,
) -> InvokeActionStream {
    let events = match server.action(&req.action_type).and_then(|action| {
        let config = decode(req.config.as_ref(), action.value_type(), "configuration")?;
        Ok((action, InvokeRequest { config }))
    }) {
        Ok((action, req)) => server.invoke_action(action, req),
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
