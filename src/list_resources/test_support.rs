//! What the list types' tests share: an organization to adopt, and a listing run as the
//! engine runs it.

use tokio::sync::mpsc;

use crate::aws::Aws;
use crate::cty::Value;
use crate::framework::Context;
use crate::framework::list_resource::{
    ListItem, ListRequest, ListResource, ListResponse, ListResults,
};
use crate::resources::test_support::{ACCESS_ANALYZER, seed_with_trusted_access};
use crate::sandbox::Seed;
use crate::sandbox::seed::{Delegation, Feature, TrustedAccess};

/// An organization with features on, trusted access for IAM and Access Analyzer, and three
/// delegated administrators, one of them for Access Analyzer.
pub fn adopted_seed() -> Seed {
    let mut seed = seed_with_trusted_access();
    seed.trusted_access.push(TrustedAccess {
        service_principal: ACCESS_ANALYZER.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    for (account, principal) in [
        ("222222222222", "iam.amazonaws.com"),
        ("333333333333", "iam.amazonaws.com"),
        ("444444444444", ACCESS_ANALYZER),
    ] {
        seed.delegated_administrators.push(Delegation {
            account_id: account.into(),
            service_principal: principal.into(),
            delegation_enabled_date: 1_700_000_100,
        });
    }
    seed
}

/// Runs a listing with room for `capacity` results and collects what it pushed, up to `limit`.
pub async fn list(
    list: &dyn ListResource<Aws>,
    ctx: &Context<Aws>,
    config: Value,
    limit: usize,
) -> (Vec<Value>, ListResponse) {
    let (sender, mut receiver) = mpsc::channel(1);
    let results = ListResults::new(sender);
    let req = ListRequest {
        config,
        include_resource_object: true,
        limit: limit as i64,
    };
    let mut resp = ListResponse::default();
    let collect = async {
        let mut found = Vec::new();
        while let Some(item) = receiver.recv().await {
            if let ListItem::Result(result) = item {
                found.push(result.resource_object);
            }
            if found.len() == limit {
                break;
            }
        }
        drop(receiver);
        found
    };
    let listing = async {
        list.list(ctx, req, &results, &mut resp).await;
        drop(results);
    };
    let (found, ()) = tokio::join!(collect, listing);
    (found, resp)
}
