//! The audit of a whole organization: a denied account reported on its own, organizational units
//! followed into their children, and the calls a thousand members cost.

use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::{Seed, Server};

use crate::support::{MANAGEMENT, aws_for, calls, quick_wait, sandbox_with_root_sessions};

#[tokio::test]
async fn the_organization_audit_reports_a_denied_account_on_its_own() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        for n in 0..45 {
            let mut account = centralroot_sandbox::seed::Account::new(&format!("5000000000{n:02}"));
            if n % 3 == 0 {
                account
                    .root
                    .mfa_devices
                    .push(centralroot_sandbox::seed::MfaDevice {
                        serial_number: format!("mfa-{n}"),
                        enabled: 1_700_000_000,
                    });
            }
            seed.accounts.push(account);
        }
        let denied = seed.accounts.iter_mut().find(|a| a.id == "444444444444");
        denied.unwrap().assume_root_denied = true;
        let suspended = seed.accounts.iter_mut().find(|a| a.id == "500000000001");
        suspended.unwrap().status = "SUSPENDED".into();
    })
    .await;
    sandbox.sandbox().set_faults(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    let audits = aws.audit_organization(None, 10).await.unwrap();
    // 3 seeded members + 45 generated, the suspended one and the management account left out.
    assert_eq!(audits.len(), 47);
    assert!(audits.iter().all(|a| a.account_id != MANAGEMENT));
    let failed: Vec<&str> = audits
        .iter()
        .filter(|a| a.result.is_err())
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(failed, ["444444444444"]);
    let with: Vec<&str> = audits
        .iter()
        .filter(|a| a.result.as_ref().is_ok_and(|r| r.has_credentials()))
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(with.len(), 2 + 15);
    assert!(
        sandbox.sandbox().faults().1.throttle > 0,
        "throttling was met"
    );

    let only = ["222222222222".to_owned(), "500000000003".to_owned()].into();
    let audits = aws.audit_organization(Some(&only), 3).await.unwrap();
    let ids: Vec<&str> = audits.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["222222222222", "500000000003"]);

    // A member account is no administrator: the listing fails the whole audit.
    let member = aws_for(&sandbox, "333333333333", 10, quick_wait());
    assert!(member.audit_organization(None, 10).await.is_err());
}

#[tokio::test]
async fn organizational_units_are_followed_into_their_children() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        for (id, parent) in [
            ("ou-aaaa-11111111", ""),
            ("ou-aaaa-22222222", "ou-aaaa-11111111"),
            ("ou-bbbb-33333333", ""),
        ] {
            seed.organizational_units
                .push(centralroot_sandbox::seed::OrganizationalUnit {
                    id: id.into(),
                    name: id.into(),
                    parent_id: parent.into(),
                });
        }
        for (account, unit) in [
            ("222222222222", "ou-aaaa-11111111"),
            ("333333333333", "ou-aaaa-22222222"),
            ("444444444444", "ou-bbbb-33333333"),
        ] {
            let found = seed.accounts.iter_mut().find(|a| a.id == account);
            found.unwrap().parent_id = unit.into();
        }
    })
    .await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let accounts = aws
        .accounts_in_units(&["ou-aaaa-11111111".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        accounts.into_iter().collect::<Vec<_>>(),
        ["222222222222", "333333333333"]
    );
    let err = aws
        .accounts_in_units(&["ou-none-00000000".to_owned()])
        .await
        .unwrap_err();
    assert_eq!(err.code.as_deref(), Some("ParentNotFoundException"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_members_cost_the_listing_and_a_fixed_number_of_calls_each() {
    let sandbox = Server::bind("127.0.0.1:0", Seed::large_organization(1000))
        .await
        .unwrap()
        .1;
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    let audits = aws
        .audit_organization(None, centralroot::aws::DEFAULT_CONCURRENCY)
        .await
        .unwrap();
    // 3 seeded members and 1,000 generated; the management account has no root session.
    let members = 1003;
    assert_eq!(audits.len(), members as usize);
    assert!(audits.iter().all(|a| a.result.is_ok()));

    let log = sandbox.sandbox().requests();
    assert_eq!(calls(&sandbox, "ListAccounts"), 1004_u64.div_ceil(20));
    assert_eq!(calls(&sandbox, "DescribeOrganization"), 1);
    for per_account in ["AssumeRoot", "GetAccountSummary"] {
        assert_eq!(calls(&sandbox, per_account), members, "{per_account}");
    }
    // A list per member its summary flags: generated members hold by n % 4 everything, a
    // password, two access keys or nothing (250 each); 2 seeded members hold everything.
    assert_eq!(calls(&sandbox, "GetLoginProfile"), 250 + 250 + 2);
    assert_eq!(calls(&sandbox, "ListAccessKeys"), 250 + 250 + 2);
    assert_eq!(calls(&sandbox, "ListSigningCertificates"), 250 + 2);
    assert_eq!(calls(&sandbox, "ListMFADevices"), 250 + 2);
    // One per root access key: 250 members with one, 250 with two, 2 seeded members with one.
    assert_eq!(calls(&sandbox, "GetAccessKeyLastUsed"), 250 + 500 + 2);
    assert_eq!(
        log.total,
        51 + 1 + 2 * members + 502 + 502 + 252 + 252 + 752,
        "4,318 requests, down from 5,819 when every list was read"
    );
    assert_eq!(log.root_sessions_opened.len(), members as usize);
    assert!(
        log.root_sessions_opened
            .values()
            .all(|by_policy| by_policy.len() == 1 && by_policy["IAMAuditRootUserCredentials"] == 1),
        "one audit session per member"
    );
    let at_work = log.max_root_sessions_at_work;
    assert!(
        (2..=centralroot::aws::DEFAULT_CONCURRENCY as u64).contains(&at_work),
        "root sessions at work at once: {at_work}"
    );

    // The same audit again in the same run reads every account from the run's cache.
    sandbox.sandbox().reset_requests();
    let again = aws
        .audit_organization(None, centralroot::aws::DEFAULT_CONCURRENCY)
        .await
        .unwrap();
    assert_eq!(again.len(), members as usize);
    let log = sandbox.sandbox().requests();
    assert_eq!(log.total, 51, "only the listing: {:?}", log.operations);
}
