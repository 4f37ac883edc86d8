//! OpenEphemeralResource, RenewEphemeralResource, CloseEphemeralResource: each looks its type up
//! once, decodes against the handle's value type, calls the engine with the handle and encodes the
//! answer with it.
//!
//! Terraform reads `private` as it comes (`internal/plugin6/grpc_provider.go`): an absent
//! field becomes nil for the next Renew or Close, so a private value always goes out set.

use std::time::SystemTime;

use super::convert::answer::{Answer, answer_with};
use super::convert::diagnostics::diagnostics;
use super::convert::dynamic_value::decode_for;
use super::convert::encoder::Encoder;
use crate::framework::ephemeral_resource::{CloseRequest, OpenRequest, RenewRequest};
use crate::framework::provider::Provider;
use crate::framework::server::Server;
use crate::tfplugin6 as pb;

fn timestamp(at: Option<SystemTime>) -> Option<prost_types::Timestamp> {
    at.map(prost_types::Timestamp::from)
}

/// `client_capabilities.deferral_allowed` is not read: the engine never defers.
pub async fn open_ephemeral_resource<P: Provider>(
    server: &Server<P>,
    req: pb::open_ephemeral_resource::Request,
) -> pb::open_ephemeral_resource::Response {
    let found = server.ephemeral_resources().get(&req.type_name);
    let (ephemeral, config) = match decode_for(found, req.config.as_ref(), "configuration") {
        Ok(decoded) => decoded,
        Err(diag) => return Answer::failed(diag),
    };
    let resp = server
        .open_ephemeral_resource(ephemeral, OpenRequest { config })
        .await;
    let mut out = Encoder::new(ephemeral, resp.diagnostics);
    let result = out.value_unless_failed(&resp.result, "ephemeral resource result");
    let opened = result.is_some();
    pb::open_ephemeral_resource::Response {
        diagnostics: out.diagnostics(),
        renew_at: timestamp(resp.renew_at.filter(|_| opened)),
        result,
        private: opened.then_some(resp.private),
        deferred: None,
    }
}

pub async fn renew_ephemeral_resource<P: Provider>(
    server: &Server<P>,
    req: pb::renew_ephemeral_resource::Request,
) -> pb::renew_ephemeral_resource::Response {
    let ephemeral = match server.ephemeral_resources().get(&req.type_name) {
        Ok(ephemeral) => ephemeral,
        Err(diag) => {
            return pb::renew_ephemeral_resource::Response {
                private: req.private,
                ..Answer::failed(diag)
            };
        }
    };
    let renew = RenewRequest {
        private: req.private.unwrap_or_default(),
    };
    let resp = server.renew_ephemeral_resource(ephemeral, renew).await;
    pb::renew_ephemeral_resource::Response {
        diagnostics: diagnostics(&resp.diagnostics),
        renew_at: timestamp(resp.renew_at),
        private: Some(resp.private),
    }
}

pub async fn close_ephemeral_resource<P: Provider>(
    server: &Server<P>,
    req: pb::close_ephemeral_resource::Request,
) -> pb::close_ephemeral_resource::Response {
    let found = server.ephemeral_resources().get(&req.type_name);
    answer_with(found, |ephemeral| async move {
        let close = CloseRequest {
            private: req.private.unwrap_or_default(),
        };
        let closed = server.close_ephemeral_resource(ephemeral, close).await;
        closed.diagnostics
    })
    .await
}
