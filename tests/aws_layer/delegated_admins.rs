//! The delegated administrators against the sandbox: the ConcurrentModification retry, the
//! listing shared by concurrent lookups and kept current by writes, and the management account
//! refused as one.

use std::sync::Arc;

use centralroot::aws::{ErrorKind, IAM_SERVICE_PRINCIPAL};
use centralroot::types_common::advice::detail;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::{Delegation, TrustedAccess};
use centralroot_sandbox::{Seed, Server, ServerHandle};
use futures::StreamExt;

use crate::support::{MANAGEMENT, MEMBER, aws_for, calls, quick_wait, sandbox_with_trusted_access};

#[tokio::test]
async fn concurrent_modification_is_retried() {
    let handle = sandbox_with_trusted_access().await;
    handle.sandbox().set_faults(FaultConfig {
        concurrent_modification_every: 1,
        count: Some(2),
        ..FaultConfig::default()
    });
    let aws = aws_for(&handle, MANAGEMENT, 3, quick_wait());
    let registration = aws
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    drop(registration);
    let log = handle.sandbox().requests();
    let register = &log.operations["RegisterDelegatedAdministrator"];
    assert_eq!(register.total, 3);
    assert_eq!(register.succeeded, 1);

    // With fewer attempts than faults, the error surfaces, classified.
    handle.sandbox().set_faults(FaultConfig {
        concurrent_modification_every: 1,
        ..FaultConfig::default()
    });
    let err = aws
        .deregister_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ConcurrentModification);
}

#[tokio::test]
async fn listing_is_shared_until_a_write() {
    let mut seed = Seed::default_seed().with_generated_members(45);
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM_SERVICE_PRINCIPAL.into(),
        date_enabled: 1_700_000_000,
    });
    let members: Vec<String> = seed
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .filter(|id| id != MANAGEMENT)
        .take(41)
        .collect();
    for id in &members {
        seed.delegated_administrators.push(Delegation {
            account_id: id.clone(),
            service_principal: IAM_SERVICE_PRINCIPAL.into(),
            delegation_enabled_date: 1_700_000_000,
        });
    }
    let (_, handle) = Server::bind("127.0.0.1:0", seed).await.unwrap();
    let aws = Arc::new(aws_for(&handle, MANAGEMENT, 1, quick_wait()));

    let lookups = members.iter().map(|id| {
        let aws = aws.clone();
        let id = id.clone();
        tokio::spawn(async move { aws.find_delegated_admin(&id, IAM_SERVICE_PRINCIPAL).await })
    });
    for found in futures::future::join_all(lookups).await {
        let admin = found.unwrap().unwrap().expect("registered");
        assert_eq!(admin.status, "ACTIVE");
        assert!(admin.delegation_enabled_date.ends_with('Z'));
    }
    let pages =
        |h: &ServerHandle| h.sandbox().requests().operations["ListDelegatedAdministrators"].total;
    assert_eq!(
        pages(&handle),
        3,
        "41 admins are 3 pages of 20, shared by 41 lookups"
    );

    aws.deregister_delegated_admin(&members[0], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    assert!(
        aws.find_delegated_admin(&members[0], IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        pages(&handle),
        3,
        "a deregistration edits the shared listing instead of listing again"
    );
    // Deregistering again is not an error: the account is in the wanted state.
    aws.deregister_delegated_admin(&members[0], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
}

/// The generated members of [`Seed::large_organization`], `100000000000` on.
fn generated_members(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!("{:012}", 100_000_000_000usize + n))
        .collect()
}

#[tokio::test]
async fn registering_200_admins_reads_each_one_and_never_lists() {
    const ADMINS: usize = 200;
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::large_organization(ADMINS))
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let members = generated_members(ADMINS);

    // 50 at a time, as Terraform runs creates with -parallelism=50.
    let created: Vec<_> = futures::stream::iter(&members)
        .map(|id| {
            let aws = &aws;
            async move {
                let registration = aws
                    .register_delegated_admin(id, IAM_SERVICE_PRINCIPAL)
                    .await
                    .unwrap();
                registration.read().await.unwrap().expect("visible at once")
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert_eq!(created.len(), ADMINS);
    for admin in &created {
        assert!(admin.arn.ends_with(&admin.account_id), "{admin:?}");
        assert!(admin.email.starts_with(&admin.account_id), "{admin:?}");
        assert_eq!(admin.status, "ACTIVE");
        assert!(admin.delegation_enabled_date.ends_with('Z'), "{admin:?}");
        assert!(admin.joined_timestamp.ends_with('Z'), "{admin:?}");
    }
    assert_eq!(calls(&handle, "RegisterDelegatedAdministrator"), 200);
    assert_eq!(calls(&handle, "ListDelegatedServicesForAccount"), 200);
    assert_eq!(calls(&handle, "DescribeAccount"), 200);
    assert_eq!(calls(&handle, "ListDelegatedAdministrators"), 0);
    assert_eq!(handle.sandbox().requests().total, 600);

    // A refresh of all 200 through a new provider process: one shared listing, 10 pages.
    let refresh = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    handle.sandbox().reset_requests();
    let found = futures::future::join_all(
        members
            .iter()
            .map(|id| refresh.find_delegated_admin(id, IAM_SERVICE_PRINCIPAL)),
    )
    .await;
    let mut listed: Vec<_> = found
        .into_iter()
        .map(|f| f.unwrap().expect("registered"))
        .collect();
    listed.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    let mut created = created;
    created.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    assert_eq!(listed, created, "a create reads what the listing shows");
    assert_eq!(calls(&handle, "ListDelegatedAdministrators"), 10);
    assert_eq!(handle.sandbox().requests().total, 10);
}

#[tokio::test]
async fn writes_keep_the_shared_listing_current() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::large_organization(30))
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let members = generated_members(30);
    let fresh_listing = || async {
        aws_for(&handle, MANAGEMENT, 1, quick_wait())
            .delegated_admins(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
    };
    assert!(
        aws.delegated_admins(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
            .is_empty()
    );
    for id in &members[..25] {
        let registration = aws
            .register_delegated_admin(id, IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap();
        registration.read().await.unwrap().expect("visible");
    }
    for id in &members[..5] {
        aws.deregister_delegated_admin(id, IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap();
    }
    handle.sandbox().reset_requests();
    let cached = aws.delegated_admins(IAM_SERVICE_PRINCIPAL).await.unwrap();
    assert_eq!(
        calls(&handle, "ListDelegatedAdministrators"),
        0,
        "edited, not re-listed"
    );
    assert_eq!(cached.len(), 20);
    assert_eq!(cached, fresh_listing().await, "the edited listing is AWS's");

    // A registration dropped before its read, and a failed write, forget the listing.
    let registration = aws
        .register_delegated_admin(&members[25], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    drop(registration);
    handle.sandbox().reset_requests();
    let listing = aws.delegated_admins(IAM_SERVICE_PRINCIPAL).await.unwrap();
    assert_eq!(
        calls(&handle, "ListDelegatedAdministrators"),
        2,
        "listed again"
    );
    assert_eq!(listing.len(), 21);
    assert!(listing.iter().any(|a| a.account_id == members[25]));

    let err = aws
        .register_delegated_admin(&members[25], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccountAlreadyRegistered);
    handle.sandbox().reset_requests();
    assert_eq!(
        aws.delegated_admins(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
            .len(),
        21
    );
    assert_eq!(
        calls(&handle, "ListDelegatedAdministrators"),
        2,
        "listed again"
    );
}

#[tokio::test]
async fn registering_the_management_account_reports_the_reason() {
    let handle = sandbox_with_trusted_access().await;
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let err = aws
        .register_delegated_admin(MANAGEMENT, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::ConstraintViolation(Some(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR".into()
        ))
    );
    assert!(detail(&err).contains("management account"));
}
