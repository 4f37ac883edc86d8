//! The harness: an engine served over loopback with the generated client, and the
//! conversions between values and their wire form that the tests assert on.

mod provider;

pub use provider::{
    TestProvider, apply, apply_request, arn, countdown, echo, id_data, id_identity, plan,
    plan_request, read_request, thing, thing_dv, token, un_echo, un_id, un_thing, un_token,
};

use std::net::SocketAddr;
use std::time::Duration;

use centralroot::cty::{self, Type, Value};
use centralroot::framework::provider::Provider;
use centralroot::framework::server::Server;
use centralroot::tfplugin6::provider_client::ProviderClient;
use centralroot::tfplugin6::{self as pb, grpc_service_for};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Channel;

/// The stop grace of the served engines: short, so that the operations that block past it
/// end soon.
pub const SHORT_GRACE: Duration = Duration::from_millis(50);

/// The client of a gRPC service on loopback.
pub type Client = ProviderClient<Channel>;

/// Serves `provider` with [`SHORT_GRACE`].
pub async fn serve<P: Provider>(provider: P) -> Client {
    let server = Server::new(provider).with_stop_grace(SHORT_GRACE);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(grpc_service_for(server))
            .serve_with_incoming(TcpListenerStream::new(listener))
            .await
            .unwrap();
    });
    ProviderClient::connect(format!("http://{addr}"))
        .await
        .unwrap()
        .max_decoding_message_size(256 << 20)
}

/// Serves `provider` and configures it with an empty provider block.
pub async fn configured(provider: TestProvider) -> Client {
    let mut client = serve(provider).await;
    let resp = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: encode(
                &Value::Object(Default::default()),
                &Type::object::<&str>([]),
            ),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    client
}

/// `value` of type `ty` as Terraform sends it: msgpack.
pub fn encode(value: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: cty::msgpack::encode(value, ty).unwrap(),
        json: Vec::new(),
    })
}

/// The value of type `ty` an answer carries; it must carry one, in msgpack.
pub fn decode(dv: Option<pb::DynamicValue>, ty: &Type) -> Value {
    let dv = dv.expect("a value");
    assert!(dv.json.is_empty(), "answers are msgpack only");
    cty::msgpack::decode(&dv.msgpack, ty).unwrap()
}

/// The summaries of `diags`, in order.
pub fn summaries(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.summary.clone()).collect()
}

/// The attribute path of every error in `diags`, one step a string.
pub fn error_paths(diags: &[pb::Diagnostic]) -> Vec<Vec<String>> {
    use pb::attribute_path::step::Selector;
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| {
            d.attribute
                .iter()
                .flat_map(|a| &a.steps)
                .map(|s| match s.selector.as_ref().unwrap() {
                    Selector::AttributeName(n) => n.clone(),
                    Selector::ElementKeyString(k) => format!("[{k:?}]"),
                    Selector::ElementKeyInt(i) => format!("[{i}]"),
                })
                .collect()
        })
        .collect()
}
