//! UpgradeResourceIdentity: version 0 is the only one, and only for types with an identity.

use crate::cty::Value;
use crate::framework::server::test_support::{
    Lab, assert_no_diagnostics, configured, first_detail, identity, served, summaries,
};

#[tokio::test]
async fn identity_upgrade_reads_version_zero_only() {
    let (server, _) = configured(Lab::default()).await;
    let resource = served(server.resources(), "test_member");
    let current = server.upgrade_resource_identity(resource, 0, br#"{"account_id":"111"}"#);
    assert_no_diagnostics(&current.diagnostics);
    assert_eq!(current.identity, identity(Value::from("111"), Value::Null));
    let empty = server.upgrade_resource_identity(resource, 0, b"");
    assert_eq!(empty.identity, Value::Null);
    let newer = server.upgrade_resource_identity(resource, 1, br#"{"account_id":"111"}"#);
    assert_eq!(
        summaries(&newer.diagnostics),
        ["Unable to Upgrade Resource Identity"]
    );
    assert!(first_detail(&newer.diagnostics).contains("version 1"));
    let without = served(server.resources(), "test_thing");
    let none = server.upgrade_resource_identity(without, 0, b"{}");
    assert_eq!(
        summaries(&none.diagnostics),
        ["Unable to Upgrade Resource Identity"]
    );
}
