//! IAM calls on a member account's root user, inside an `sts:AssumeRoot` session.
//!
//! The session's task policy decides what is allowed; `UserName` must be omitted, as AWS requires.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::identity::{Caller, root_arn};
use super::scp;
use super::seed::{LoginProfile, RootUser};
use super::state::State;
use super::wire::query::{QueryParams, XmlNode};
use axum::http::StatusCode;

/// The root-user credential operations. `DeleteVirtualMFADevice` is known so that a root
/// session asking for it gets `AccessDenied`, as AWS answers since it left the delete task policy.
pub const OPERATIONS: [&str; 13] = [
    "GetAccountSummary",
    "GetUser",
    "GetLoginProfile",
    "CreateLoginProfile",
    "DeleteLoginProfile",
    "ListAccessKeys",
    "DeleteAccessKey",
    "GetAccessKeyLastUsed",
    "ListSigningCertificates",
    "DeleteSigningCertificate",
    "ListMFADevices",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
];

fn no_such_entity(message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NoSuchEntity", message)
}

/// Runs one root-user operation; the output is `None` for operations without output.
pub fn handle(
    state: &mut State,
    ctx: &Ctx<'_>,
    operation: &str,
    params: &QueryParams,
) -> Result<Option<Vec<XmlNode>>, ApiError> {
    let Caller::RootSession {
        account_id,
        task_policy,
        ..
    } = ctx.caller
    else {
        return Err(ApiError::access_denied(
            Service::Iam,
            format!(
                "The sandbox answers iam:{operation} only for root sessions created by sts:AssumeRoot."
            ),
        ));
    };
    let root_user = root_arn(&state.model.partition, account_id);
    let action = format!("iam:{operation}");
    if let Some(refusal) = scp::denial(state, Service::Iam, ctx.caller, &action, &root_user) {
        return Err(refusal);
    }
    if params.get("UserName").is_some() || !task_policy.allows(operation) {
        return Err(ApiError::access_denied(
            Service::Iam,
            format!(
                "User: {root_user} is not authorized to perform: {action} because no session policy allows the {action} action"
            ),
        ));
    }
    let account = state
        .account_mut(account_id)
        .ok_or_else(|| no_such_entity(format!("The account {account_id} cannot be found.")))?;
    let created = account.joined_timestamp;
    let root = &mut account.root;
    let output = match operation {
        "GetAccountSummary" => vec![account_summary(root)],
        "GetUser" => vec![XmlNode::Element(
            "User",
            vec![
                XmlNode::text("UserId", account_id.as_str()),
                XmlNode::text("Arn", root_user.as_str()),
                XmlNode::timestamp("CreateDate", created),
            ],
        )],
        "GetLoginProfile" => {
            let profile = root
                .login_profile
                .as_ref()
                .ok_or_else(missing_login_profile)?;
            vec![login_profile(profile)]
        }
        "CreateLoginProfile" => create_login_profile(root, params, ctx.now)?,
        "DeleteLoginProfile" => {
            root.login_profile
                .take()
                .ok_or_else(missing_login_profile)?;
            return Ok(None);
        }
        "ListAccessKeys" => list_access_keys(root),
        "DeleteAccessKey" => {
            let id = params.required("AccessKeyId")?;
            remove(&mut root.access_keys, |k| k.id == id).ok_or_else(|| {
                no_such_entity(format!("The Access Key with id {id} cannot be found."))
            })?;
            return Ok(None);
        }
        "GetAccessKeyLastUsed" => {
            let id = params.required("AccessKeyId")?;
            let last_used = root
                .access_keys
                .iter()
                .find(|k| k.id == id)
                .ok_or_else(|| {
                    no_such_entity(format!("The Access Key with id {id} cannot be found."))
                })?
                .last_used
                .as_ref();
            let mut fields = Vec::new();
            match last_used {
                Some(used) => {
                    fields.push(XmlNode::timestamp("LastUsedDate", used.date));
                    fields.push(XmlNode::text("ServiceName", used.service_name.as_str()));
                    fields.push(XmlNode::text("Region", used.region.as_str()));
                }
                None => {
                    fields.push(XmlNode::text("ServiceName", "N/A"));
                    fields.push(XmlNode::text("Region", "N/A"));
                }
            }
            vec![
                XmlNode::text("UserName", "root"),
                XmlNode::Element("AccessKeyLastUsed", fields),
            ]
        }
        "ListSigningCertificates" => list_signing_certificates(root),
        "DeleteSigningCertificate" => {
            let id = params.required("CertificateId")?;
            remove(&mut root.signing_certificates, |c| c.id == id).ok_or_else(|| {
                no_such_entity(format!("The Certificate with id {id} cannot be found."))
            })?;
            return Ok(None);
        }
        "ListMFADevices" => list_mfa_devices(root),
        "DeactivateMFADevice" => {
            let serial = params.required("SerialNumber")?;
            remove(&mut root.mfa_devices, |d| d.serial_number == serial).ok_or_else(|| {
                no_such_entity(format!(
                    "MFA Device with serial number {serial} does not exist."
                ))
            })?;
            return Ok(None);
        }
        _ => return Err(ApiError::unknown_operation(Service::Iam, operation)),
    };
    Ok(Some(output))
}

/// `GetAccountSummary`: the account's IAM usage and quotas, and the four 0/1 flags of its root
/// user's credentials. The sandbox models no IAM users, groups, roles or policies: they count 0.
fn account_summary(root: &RootUser) -> XmlNode {
    let flag = |present: bool| u32::from(present);
    let mfa = root.mfa_devices.len() as u32;
    let entries: [(&str, u32); 20] = [
        ("AccountMFAEnabled", flag(mfa > 0)),
        (
            "AccountAccessKeysPresent",
            flag(!root.access_keys.is_empty()),
        ),
        (
            "AccountSigningCertificatesPresent",
            flag(!root.signing_certificates.is_empty()),
        ),
        ("AccountPasswordPresent", flag(root.login_profile.is_some())),
        ("Users", 0),
        ("UsersQuota", 5000),
        ("Groups", 0),
        ("GroupsQuota", 300),
        ("Roles", 0),
        ("RolesQuota", 1000),
        ("Policies", 0),
        ("PoliciesQuota", 1500),
        ("PolicySizeQuota", 6144),
        ("PolicyVersionsInUse", 0),
        ("VersionsPerPolicyQuota", 5),
        ("MFADevices", mfa),
        ("MFADevicesInUse", mfa),
        ("AccessKeysPerUserQuota", 2),
        ("SigningCertificatesPerUserQuota", 2),
        ("GlobalEndpointTokenVersion", 1),
    ];
    XmlNode::Element(
        "SummaryMap",
        entries
            .iter()
            .map(|(key, value)| {
                XmlNode::Element(
                    "entry",
                    vec![
                        XmlNode::text("key", *key),
                        XmlNode::text("value", value.to_string()),
                    ],
                )
            })
            .collect(),
    )
}

fn missing_login_profile() -> ApiError {
    no_such_entity("Login Profile for User root cannot be found.".to_owned())
}

fn remove<T>(items: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> Option<T> {
    let index = items.iter().position(matches)?;
    Some(items.remove(index))
}

fn login_profile(profile: &LoginProfile) -> XmlNode {
    XmlNode::Element(
        "LoginProfile",
        vec![
            XmlNode::timestamp("CreateDate", profile.created),
            XmlNode::text(
                "PasswordResetRequired",
                profile.password_reset_required.to_string(),
            ),
        ],
    )
}

/// `CreateLoginProfile` in a root session: AWS takes no password there (the root user sets one
/// through "Forgot password"); the sandbox refuses one, so that a client sending it is caught.
fn create_login_profile(
    root: &mut RootUser,
    params: &QueryParams,
    now: i64,
) -> Result<Vec<XmlNode>, ApiError> {
    if params.get("Password").is_some() {
        return Err(ApiError::bad_request(
            "InvalidInput",
            "Password must be omitted when the request is made with an AssumeRoot session.",
        ));
    }
    if root.login_profile.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "EntityAlreadyExists",
            "Login Profile for user root already exists.",
        ));
    }
    let profile = LoginProfile {
        created: now,
        password_reset_required: params.get("PasswordResetRequired") == Some("true"),
    };
    let node = login_profile(&profile);
    root.login_profile = Some(profile);
    Ok(vec![node])
}

fn not_truncated() -> XmlNode {
    XmlNode::text("IsTruncated", "false")
}

fn list_access_keys(root: &RootUser) -> Vec<XmlNode> {
    let members = root
        .access_keys
        .iter()
        .map(|k| {
            vec![
                XmlNode::text("AccessKeyId", k.id.as_str()),
                XmlNode::text("Status", k.status.as_str()),
                XmlNode::timestamp("CreateDate", k.created),
            ]
        })
        .collect();
    vec![XmlNode::list("AccessKeyMetadata", members), not_truncated()]
}

fn list_signing_certificates(root: &RootUser) -> Vec<XmlNode> {
    let members = root
        .signing_certificates
        .iter()
        .map(|c| {
            vec![
                XmlNode::text("CertificateId", c.id.as_str()),
                XmlNode::text("CertificateBody", c.body.as_str()),
                XmlNode::text("Status", c.status.as_str()),
                XmlNode::timestamp("UploadDate", c.uploaded),
            ]
        })
        .collect();
    vec![XmlNode::list("Certificates", members), not_truncated()]
}

fn list_mfa_devices(root: &RootUser) -> Vec<XmlNode> {
    let members = root
        .mfa_devices
        .iter()
        .map(|d| {
            vec![
                XmlNode::text("SerialNumber", d.serial_number.as_str()),
                XmlNode::timestamp("EnableDate", d.enabled),
            ]
        })
        .collect();
    vec![XmlNode::list("MFADevices", members), not_truncated()]
}
