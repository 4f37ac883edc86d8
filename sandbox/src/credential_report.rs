//! IAM credential reports (`GenerateCredentialReport`, `GetCredentialReport`) of the caller's own
//! account, as a security scanner reads them with the account's credentials: a base64 CSV with
//! AWS's columns and the `<root_account>` row, so that it shows what a removal or a recovery did
//! to the root user. The sandbox has no IAM users: the root row is the only one.
//!
//! Where the sandbox differs from AWS: AWS serves one report per account for four hours, while
//! the sandbox generates a new one whenever the root user changed since the last (a rehearsal
//! cannot wait four hours); and AWS's documentation has varied on the root row's password
//! columns, which the sandbox fills as for a user (`password_enabled` `true` or `false`,
//! `password_last_changed` the login profile's creation), `password_next_rotation` being
//! `not_supported`. A root session is refused, as no task policy allows these calls.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::seed::Account;
use super::state::{CredentialReport, State};
use super::wire::query::{XmlNode, iso8601};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The credential report operations.
pub const OPERATIONS: [&str; 2] = ["GenerateCredentialReport", "GetCredentialReport"];

/// The columns of a credential report, in AWS's order.
pub const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

const NOT_APPLICABLE: &str = "N/A";

/// A time as credential reports write it: `2023-11-14T22:13:20+00:00`.
fn report_time(epoch_seconds: i64) -> String {
    let time = iso8601(epoch_seconds);
    match time.strip_suffix('Z') {
        Some(utc) => format!("{utc}+00:00"),
        None => time,
    }
}

fn flag(on: bool) -> String {
    on.to_string()
}

/// The `<root_account>` row of `account`.
fn root_row(account: &Account) -> Vec<String> {
    let root = &account.root;
    let password = root.login_profile.as_ref();
    let mut row = vec![
        "<root_account>".to_owned(),
        format!("arn:aws:iam::{}:root", account.id),
        report_time(account.joined_timestamp),
        flag(password.is_some()),
        // The sandbox records no sign-in.
        password
            .map_or(NOT_APPLICABLE, |_| "no_information")
            .to_owned(),
        password.map_or(NOT_APPLICABLE.to_owned(), |p| report_time(p.created)),
        "not_supported".to_owned(),
        flag(!root.mfa_devices.is_empty()),
    ];
    for slot in 0..2 {
        let key = root.access_keys.get(slot);
        let used = key.and_then(|k| k.last_used.as_ref());
        row.extend([
            flag(key.is_some_and(|k| k.status == "Active")),
            key.map_or(NOT_APPLICABLE.to_owned(), |k| report_time(k.created)),
            used.map_or(NOT_APPLICABLE.to_owned(), |u| report_time(u.date)),
            used.map_or(NOT_APPLICABLE, |u| u.region.as_str())
                .to_owned(),
            used.map_or(NOT_APPLICABLE, |u| u.service_name.as_str())
                .to_owned(),
        ]);
    }
    for slot in 0..2 {
        let certificate = root.signing_certificates.get(slot);
        row.extend([
            flag(certificate.is_some_and(|c| c.status == "Active")),
            certificate.map_or(NOT_APPLICABLE.to_owned(), |c| report_time(c.uploaded)),
        ]);
    }
    row
}

/// The report of `account` as CSV: the header and the root row (no field needs quoting).
pub fn csv(account: &Account) -> String {
    format!("{}\n{}", COLUMNS.join(","), root_row(account).join(","))
}

/// Runs one credential report operation for the caller's account.
pub fn handle(state: &mut State, ctx: &Ctx<'_>, operation: &str) -> Result<Vec<XmlNode>, ApiError> {
    let account_id = ctx.caller.account_id().to_owned();
    if ctx.caller.is_root_session() {
        return Err(ApiError::access_denied(
            Service::Iam,
            format!(
                "User: arn:aws:iam::{account_id}:root is not authorized to perform: iam:{operation} because no session policy allows the iam:{operation} action"
            ),
        ));
    }
    match operation {
        "GenerateCredentialReport" => {
            let account = state.account(&account_id).ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "NoSuchEntity",
                    format!("The account {account_id} cannot be found."),
                )
            })?;
            let csv = csv(account);
            let current = state
                .credential_report(&account_id)
                .is_some_and(|report| report.csv == csv);
            if current {
                return Ok(vec![XmlNode::text("State", "COMPLETE")]);
            }
            state.store_credential_report(
                &account_id,
                CredentialReport {
                    csv,
                    generated: ctx.now,
                },
            );
            Ok(vec![
                XmlNode::text("State", "STARTED"),
                XmlNode::text(
                    "Description",
                    "No report exists. Starting a new report generation task",
                ),
            ])
        }
        "GetCredentialReport" => {
            let report = state.credential_report(&account_id).ok_or_else(|| {
                ApiError::new(
                    StatusCode::GONE,
                    "ReportNotPresent",
                    "Credential report not present. Call GenerateCredentialReport first.",
                )
            })?;
            Ok(vec![
                XmlNode::text("Content", STANDARD.encode(&report.csv)),
                XmlNode::text("ReportFormat", "text/csv"),
                XmlNode::timestamp("GeneratedTime", report.generated),
            ])
        }
        _ => Err(ApiError::unknown_operation(Service::Iam, operation)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{AccessKeyLastUsed, LoginProfile, RootAccessKey, SigningCertificate};

    #[test]
    fn the_root_row_fills_every_column() {
        let mut account = Account::new("222222222222");
        assert_eq!(
            csv(&account).lines().nth(1),
            Some(
                "<root_account>,arn:aws:iam::222222222222:root,2023-11-14T22:13:20+00:00,false,\
                 N/A,N/A,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,\
                 N/A,false,N/A"
            ),
            "a member created with no root credentials"
        );
        account.root.login_profile = Some(LoginProfile {
            created: 1_700_000_100,
            password_reset_required: false,
        });
        account.root.access_keys = vec![
            RootAccessKey {
                id: "AKIA1".into(),
                status: "Inactive".into(),
                created: 1_700_000_200,
                last_used: None,
            },
            RootAccessKey {
                id: "AKIA2".into(),
                status: "Active".into(),
                created: 1_700_000_300,
                last_used: Some(AccessKeyLastUsed {
                    date: 1_700_000_400,
                    service_name: "s3".into(),
                    region: "eu-west-1".into(),
                }),
            },
        ];
        account.root.signing_certificates = vec![SigningCertificate {
            id: "CERT".into(),
            status: "Active".into(),
            uploaded: 1_700_000_500,
            body: String::new(),
        }];
        let report = csv(&account);
        let header: Vec<&str> = report.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = report.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(header.len(), row.len());
        let field = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(field("password_enabled"), "true");
        assert_eq!(field("password_last_used"), "no_information");
        assert_eq!(field("password_last_changed"), "2023-11-14T22:15:00+00:00");
        assert_eq!(field("access_key_1_active"), "false");
        assert_eq!(field("access_key_2_active"), "true");
        assert_eq!(field("access_key_2_last_used_region"), "eu-west-1");
        assert_eq!(field("access_key_2_last_used_service"), "s3");
        assert_eq!(field("cert_1_active"), "true");
        assert_eq!(field("cert_2_active"), "false");
        assert_eq!(field("mfa_active"), "false");
    }
}
