//! ReadDataSource: looks its type up once, decodes against the handle's value type, calls the
//! engine with the handle and encodes the answer with it.

use super::convert::answer::Answer;
use super::convert::dynamic_value::decode_for;
use super::convert::encoder::Encoder;
use crate::framework::data_source::ReadRequest;
use crate::framework::provider::Provider;
use crate::framework::server::Server;
use crate::tfplugin6 as pb;

pub async fn read_data_source<P: Provider>(
    server: &Server<P>,
    req: pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    let found = server.data_sources().get(&req.type_name);
    let (data_source, config) = match decode_for(found, req.config.as_ref(), "configuration") {
        Ok(decoded) => decoded,
        Err(diag) => return Answer::failed(diag),
    };
    let resp = server
        .read_data_source(data_source, ReadRequest { config })
        .await;
    let mut out = Encoder::new(data_source, resp.diagnostics);
    let state = out.value(&resp.state, "data source result");
    pb::read_data_source::Response {
        state,
        diagnostics: out.diagnostics(),
        deferred: None,
    }
}
