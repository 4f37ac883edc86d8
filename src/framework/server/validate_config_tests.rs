//! ValidateResourceConfig and ValidateDataResourceConfig: the schema's rules, on the
//! attribute at fault.

use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::resource::ValidateConfigRequest;
use crate::framework::server::test_support::{Lab, configured, echo, served, thing};

fn error_paths(diags: &Diagnostics) -> Vec<Option<AttributePath>> {
    diags.errors().map(|d| d.attribute.clone()).collect()
}

#[tokio::test]
async fn a_resource_configuration_is_checked_against_its_schema() {
    let (server, _) = configured(Lab::default()).await;
    let resource = served(server.resources(), "test_thing");
    let config = thing(&[("mode", Value::from("fast"))]);
    let resp = server
        .validate_config(resource, ValidateConfigRequest { config })
        .await;
    assert_eq!(
        error_paths(&resp.diagnostics),
        [
            Some(AttributePath::root("mode")),
            Some(AttributePath::root("name"))
        ],
        "a value the validator refuses, and a required one missing"
    );
}

#[tokio::test]
async fn a_data_source_configuration_is_checked_against_its_schema() {
    let (server, _) = configured(Lab::default()).await;
    let data_source = served(server.data_sources(), "test_echo");
    let config = echo(Value::Null, Value::Null);
    let resp = server
        .validate_config(data_source, ValidateConfigRequest { config })
        .await;
    assert_eq!(
        error_paths(&resp.diagnostics),
        [Some(AttributePath::root("name"))]
    );
}
