//! ReadDataSource: the data source fills in its configuration.

use crate::cty::Value;
use crate::framework::data_source::ReadRequest;
use crate::framework::server::test_support::{
    Lab, assert_no_diagnostics, configured, echo, served,
};

#[tokio::test]
async fn a_data_source_fills_in_its_configuration() {
    let (server, _) = configured(Lab::default()).await;
    let data_source = served(server.data_sources(), "test_echo");
    let config = echo(Value::from("a"), Value::Null);
    let resp = server
        .read_data_source(data_source, ReadRequest { config })
        .await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(resp.state, echo(Value::from("a"), Value::from("hello a")));
}
