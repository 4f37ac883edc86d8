//! The seed: the JSON document that describes an organization, its accounts and their root users.
//!
//! The same format is used for `--seed FILE`, `POST /_sandbox/seed`, `GET /_sandbox/state` and
//! `--state FILE`, so a saved state can be replayed as a seed. Required are `accounts`, each
//! account's `id`, the organization's `id` and `management_account_id` (the organization itself
//! is optional), and the field naming each entry of a list (a root access key's `id`, a
//! delegation's `account_id` and `service_principal`, ...; docs/guides/sandbox.md lists them);
//! every other field has a default. Credentials left out are derived from the account id (see
//! [`Credentials::derived`]).
//!
//! ```json
//! {
//!   "organization": {"id": "o-sandbox1234", "feature_set": "ALL", "management_account_id": "111111111111"},
//!   "accounts": [
//!     {"id": "111111111111", "name": "management"},
//!     {"id": "222222222222", "root": {"login_profile": {"created": 1700000000},
//!                                     "access_keys": [{"id": "AKIAROOT222222222222"}]}},
//!     {"id": "333333333333"},
//!     {"id": "444444444444"},
//!     {"id": "999999999999", "in_organization": false}
//!   ],
//!   "trusted_access": [{"service_principal": "iam.amazonaws.com", "date_enabled": 1700000000}],
//!   "delegated_administrators": [{"account_id": "222222222222", "service_principal": "iam.amazonaws.com"}],
//!   "features": ["RootCredentialsManagement"],
//!   "max_delegated_administrators_per_service": 1
//! }
//! ```
//! `organization` absent or `null` means no account belongs to an organization.
//!
//! Accounts may also hold `buckets` and `queues`, what the unlock root tasks act on ([`unlock`]).
//!
//! The module holds the format; [`validate`] the checks a seed passes before it is served,
//! [`generated`] the default seed and the generated organizations of load tests.

pub mod generated;
pub mod unlock;
pub mod validate;

use super::identity::TaskPolicy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use generated::{MANAGEMENT_ACCOUNT_ID, MEMBER_ACCOUNT_IDS, ORGANIZATION_ID};
pub use unlock::{Bucket, Queue};
pub use validate::{SeedError, is_account_id};

/// The service principal of IAM centralized root access.
pub const IAM_SERVICE_PRINCIPAL: &str = "iam.amazonaws.com";

/// When the default seed's objects were created (2023-11-14T22:13:20Z).
pub(crate) const SEED_EPOCH: i64 = 1_700_000_000;

/// The static credentials of one account's administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: String,
}

impl Credentials {
    /// The credentials the sandbox derives for an account when the seed names none.
    pub fn derived(account_id: &str) -> Self {
        let tail = account_id.get(3..).unwrap_or(account_id);
        Credentials {
            access_key_id: format!("AKIASANDBOX{tail}"),
            secret_access_key: format!("sandbox-secret-{account_id}-not-a-real-key"),
        }
    }
}

/// Consolidated billing only, or all features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeatureSet {
    /// All features: the only mode centralized root access works in.
    #[serde(rename = "ALL")]
    All,
    /// Consolidated billing only.
    #[serde(rename = "CONSOLIDATED_BILLING")]
    ConsolidatedBilling,
}

impl FeatureSet {
    /// The Organizations wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureSet::All => "ALL",
            FeatureSet::ConsolidatedBilling => "CONSOLIDATED_BILLING",
        }
    }
}

/// An IAM organization feature of centralized root access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Feature {
    /// Manage and delete member root credentials.
    RootCredentialsManagement,
    /// Privileged root sessions through `sts:AssumeRoot`.
    RootSessions,
}

impl Feature {
    /// The IAM wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::RootCredentialsManagement => "RootCredentialsManagement",
            Feature::RootSessions => "RootSessions",
        }
    }
}

/// The organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-` followed by 10 to 32 lowercase letters or digits.
    pub id: String,
    /// All features or consolidated billing.
    #[serde(default = "default_feature_set")]
    pub feature_set: FeatureSet,
    /// The account that owns the organization; must be one of `accounts`.
    pub management_account_id: String,
}

fn default_feature_set() -> FeatureSet {
    FeatureSet::All
}

/// One AWS account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// 12 digits.
    pub id: String,
    /// Account name; defaults to `account-<id>`.
    #[serde(default)]
    pub name: String,
    /// Account email; defaults to `<id>@sandbox.example`.
    #[serde(default)]
    pub email: String,
    /// Access key of the account's administrator; derived from the id when empty.
    #[serde(default)]
    pub access_key_id: String,
    /// Secret of that access key; derived from the id when empty.
    #[serde(default)]
    pub secret_access_key: String,
    /// Whether the account belongs to the organization.
    #[serde(default = "yes")]
    pub in_organization: bool,
    /// `CREATED` or `INVITED`.
    #[serde(default = "default_joined_method")]
    pub joined_method: String,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub joined_timestamp: i64,
    /// The root user's credentials.
    #[serde(default)]
    pub root: RootUser,
    /// `ACTIVE` or `SUSPENDED`; a suspended account cannot be the target of `sts:AssumeRoot`.
    #[serde(default = "active_status")]
    pub status: String,
    /// Stands for a service control policy denying `sts:AssumeRoot` on this account: every
    /// root session on it is refused with an explicit deny (naming the account's
    /// `service_control_policy`, or [`DEFAULT_POLICY_ID`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assume_root_denied: bool,
    /// A service control policy attached to the account: it denies its actions to the
    /// account's principals (its root sessions, and `sts:AssumeRoot` when the account is the
    /// IAM delegated administrator), never to the management account's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_control_policy: Option<ServiceControlPolicy>,
    /// The organizational unit holding the account; the root ([`ROOT_ID`]) when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent_id: String,
    /// The account's S3 buckets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<Bucket>,
    /// The account's SQS queues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<Queue>,
}

/// The id of the organization's root, parent of the top-level accounts and units.
pub const ROOT_ID: &str = "r-sand";

/// An organizational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    /// `ou-` id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// The parent unit; the root ([`ROOT_ID`]) when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent_id: String,
}

impl OrganizationalUnit {
    /// The parent's id, the root's when none is set.
    pub fn parent(&self) -> &str {
        if self.parent_id.is_empty() {
            ROOT_ID
        } else {
            &self.parent_id
        }
    }
}

fn active_status() -> String {
    "ACTIVE".to_owned()
}

fn yes() -> bool {
    true
}

fn default_joined_method() -> String {
    "CREATED".to_owned()
}

fn seed_epoch() -> i64 {
    SEED_EPOCH
}

fn active() -> String {
    "Active".to_owned()
}

impl Account {
    /// An account with every optional field at its default.
    pub fn new(id: &str) -> Self {
        Account {
            id: id.to_owned(),
            name: String::new(),
            email: String::new(),
            access_key_id: String::new(),
            secret_access_key: String::new(),
            in_organization: true,
            joined_method: default_joined_method(),
            joined_timestamp: SEED_EPOCH,
            root: RootUser::default(),
            status: active_status(),
            assume_root_denied: false,
            service_control_policy: None,
            parent_id: String::new(),
            buckets: Vec::new(),
            queues: Vec::new(),
        }
    }

    /// The parent's id, the root's when none is set.
    pub fn parent_id(&self) -> &str {
        if self.parent_id.is_empty() {
            ROOT_ID
        } else {
            &self.parent_id
        }
    }

    /// The administrator credentials of this account.
    pub fn credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
        }
    }

    fn fill_defaults(&mut self) {
        let derived = Credentials::derived(&self.id);
        if self.access_key_id.is_empty() {
            self.access_key_id = derived.access_key_id;
        }
        if self.secret_access_key.is_empty() {
            self.secret_access_key = derived.secret_access_key;
        }
        if self.name.is_empty() {
            self.name = format!("account-{}", self.id);
        }
        if self.email.is_empty() {
            self.email = format!("{}@sandbox.example", self.id);
        }
    }
}

/// A change to one account through the control plane (`POST /_sandbox/accounts/{id}`): the
/// fields present replace the account's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// The root user's credentials, replaced as a whole.
    #[serde(default)]
    pub root: Option<RootUser>,
    /// The service-control-policy switch denying `sts:AssumeRoot` on the account.
    #[serde(default)]
    pub assume_root_denied: Option<bool>,
    /// The service control policy attached to the account; `null` detaches it.
    #[serde(default, deserialize_with = "present")]
    pub service_control_policy: Option<Option<ServiceControlPolicy>>,
    /// `ACTIVE` or `SUSPENDED`.
    #[serde(default)]
    pub status: Option<String>,
    /// The account's S3 buckets, replaced as a whole.
    #[serde(default)]
    pub buckets: Option<Vec<Bucket>>,
    /// The account's SQS queues, replaced as a whole.
    #[serde(default)]
    pub queues: Option<Vec<Queue>>,
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or set.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The id of the service control policy a denial names when the seed names none.
pub const DEFAULT_POLICY_ID: &str = "p-examplepolicy";

/// A service control policy with one deny statement, as the sandbox evaluates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceControlPolicy {
    /// `p-` followed by 8 to 128 lowercase letters, digits or underscores.
    #[serde(default = "default_policy_id")]
    pub id: String,
    /// The actions the statement denies, as IAM writes them: `iam:ListAccessKeys`, `iam:*`,
    /// `sts:AssumeRoot`, `*` (the default: everything).
    #[serde(default = "everything")]
    pub denied_actions: Vec<String>,
    /// Whether the statement carries the condition `"Null": {"aws:AssumedRoot": "true"}`, which
    /// leaves calls inside root sessions alone.
    #[serde(default)]
    pub exempt_root_sessions: bool,
}

fn default_policy_id() -> String {
    DEFAULT_POLICY_ID.to_owned()
}

fn everything() -> Vec<String> {
    vec!["*".to_owned()]
}

impl ServiceControlPolicy {
    /// Whether the statement names `action` (`service:Operation`), `*` matching any run of
    /// characters and `?` any one, case-insensitively, as IAM matches actions.
    pub fn names(&self, action: &str) -> bool {
        let action = action.to_ascii_lowercase();
        self.denied_actions.iter().any(|pattern| {
            wildcard_match(pattern.to_ascii_lowercase().as_bytes(), action.as_bytes())
        })
    }
}

fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|at| wildcard_match(rest, &text[at..])),
        Some((&first, rest)) => text
            .split_first()
            .is_some_and(|(&t, tail)| (first == b'?' || first == t) && wildcard_match(rest, tail)),
    }
}

/// The root user of an account and its long-term credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootUser {
    /// The console password, if any.
    #[serde(default)]
    pub login_profile: Option<LoginProfile>,
    /// Root access keys.
    #[serde(default)]
    pub access_keys: Vec<RootAccessKey>,
    /// Root X.509 signing certificates.
    #[serde(default)]
    pub signing_certificates: Vec<SigningCertificate>,
    /// Root MFA devices.
    #[serde(default)]
    pub mfa_devices: Vec<MfaDevice>,
}

/// A root password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginProfile {
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub created: i64,
    /// Whether the password must be reset at next sign-in.
    #[serde(default)]
    pub password_reset_required: bool,
}

/// A root access key (data only: it cannot sign sandbox requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootAccessKey {
    /// `AKIA…`.
    pub id: String,
    /// `Active` or `Inactive`.
    #[serde(default = "active")]
    pub status: String,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub created: i64,
    /// When and where the key was last used; absent if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<AccessKeyLastUsed>,
}

/// The last use of a root access key, as `GetAccessKeyLastUsed` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyLastUsed {
    /// Epoch seconds.
    pub date: i64,
    /// e.g. `s3`.
    #[serde(default = "not_applicable")]
    pub service_name: String,
    /// e.g. `us-east-1`.
    #[serde(default = "not_applicable")]
    pub region: String,
}

fn not_applicable() -> String {
    "N/A".to_owned()
}

/// A root signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningCertificate {
    /// Certificate id.
    pub id: String,
    /// `Active` or `Inactive`.
    #[serde(default = "active")]
    pub status: String,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub uploaded: i64,
    /// PEM body.
    #[serde(default)]
    pub body: String,
}

/// A root MFA device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDevice {
    /// Serial number or ARN.
    pub serial_number: String,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub enabled: i64,
}

/// Trusted access of one service principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedAccess {
    /// e.g. `iam.amazonaws.com`.
    pub service_principal: String,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub date_enabled: i64,
}

/// A delegated administrator registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    /// The member account.
    pub account_id: String,
    /// The service it administers.
    pub service_principal: String,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub delegation_enabled_date: i64,
}

/// The whole sandbox model, as seeded and as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seed {
    /// The organization, if the accounts are in one.
    #[serde(default)]
    pub organization: Option<Organization>,
    /// Every account the sandbox knows, in and out of the organization.
    pub accounts: Vec<Account>,
    /// Service principals with trusted access.
    #[serde(default)]
    pub trusted_access: Vec<TrustedAccess>,
    /// Registered delegated administrators.
    #[serde(default)]
    pub delegated_administrators: Vec<Delegation>,
    /// Enabled IAM organization features.
    #[serde(default)]
    pub features: Vec<Feature>,
    /// Organizations' quota on delegated administrators per service; unlimited when absent.
    #[serde(default)]
    pub max_delegated_administrators_per_service: Option<usize>,
    /// Organizational units (accounts name theirs in `parent_id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizational_units: Vec<OrganizationalUnit>,
    /// Which features each root task policy needs, by task policy name
    /// (`IAMAuditRootUserCredentials`, …); a task policy not named needs
    /// [`default_root_task_features`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub root_task_features: BTreeMap<String, Vec<Feature>>,
    /// The AWS partition the sandbox plays ([`PARTITIONS`]): the ARNs it writes and the task
    /// policy ARNs `sts:AssumeRoot` accepts are in it.
    #[serde(
        default = "default_partition",
        skip_serializing_if = "is_default_partition"
    )]
    pub partition: String,
}

/// The partitions a seed may name; `aws` by default.
pub const PARTITIONS: [&str; 3] = ["aws", "aws-us-gov", "aws-cn"];

fn default_partition() -> String {
    PARTITIONS[0].to_owned()
}

fn is_default_partition(partition: &str) -> bool {
    partition == PARTITIONS[0]
}

/// What `sts:AssumeRoot` with `policy` needs enabled when `root_task_features` does not name
/// it. AWS does not state it and sources disagree; the built-in rule is the best current
/// reading: `RootCredentialsManagement` for the IAM credential tasks, `RootSessions` for the S3
/// and SQS unlocks, and both for password recovery (which some sources tie to each). A seed
/// states another rule per task policy (`"root_task_features": {"IAMAuditRootUserCredentials": ["RootSessions"]}`).
pub fn default_root_task_features(policy: TaskPolicy) -> &'static [Feature] {
    match policy {
        TaskPolicy::AuditRootUserCredentials | TaskPolicy::DeleteRootUserCredentials => {
            &[Feature::RootCredentialsManagement]
        }
        TaskPolicy::CreateRootUserPassword => {
            &[Feature::RootCredentialsManagement, Feature::RootSessions]
        }
        TaskPolicy::S3UnlockBucketPolicy | TaskPolicy::SqsUnlockQueuePolicy => {
            &[Feature::RootSessions]
        }
    }
}

impl Seed {
    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The credentials of the account with this id.
    pub fn credentials(&self, account_id: &str) -> Option<Credentials> {
        self.account(account_id).map(Account::credentials)
    }

    /// The features `sts:AssumeRoot` with `policy` needs enabled.
    pub fn features_for(&self, policy: TaskPolicy) -> &[Feature] {
        self.root_task_features
            .get(policy.name())
            .map_or(default_root_task_features(policy), Vec::as_slice)
    }

    /// `arn:<partition>:` followed by `rest`, in the seed's partition.
    pub fn arn(&self, rest: &str) -> String {
        format!("arn:{}:{rest}", self.partition)
    }

    /// The ARN of the organization's service control policy `id`; `None` without an
    /// organization, where no policy exists.
    pub fn policy_arn(&self, id: &str) -> Option<String> {
        let org = self.organization.as_ref()?;
        Some(self.arn(&format!(
            "organizations::{}:policy/{}/service_control_policy/{id}",
            org.management_account_id, org.id
        )))
    }

    /// The management account's credentials, or the first account's when there is no organization.
    pub fn management_credentials(&self) -> Option<Credentials> {
        match &self.organization {
            Some(org) => self.credentials(&org.management_account_id),
            None => self.accounts.first().map(Account::credentials),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_is_a_valid_seed() {
        let doc: String = include_str!("mod.rs")
            .lines()
            .skip_while(|l| !l.starts_with("//! ```json"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let seed = Seed::from_json(&doc).unwrap();
        assert_eq!(seed.accounts.len(), 5);
        assert_eq!(seed.delegated_administrators.len(), 1);
        assert_eq!(seed.max_delegated_administrators_per_service, Some(1));
    }

    #[test]
    fn minimal_seed_gets_derived_credentials() {
        let seed = Seed::from_json(r#"{"accounts":[{"id":"123456789012"}]}"#).unwrap();
        assert!(seed.organization.is_none());
        assert_eq!(
            seed.credentials("123456789012"),
            Some(Credentials::derived("123456789012"))
        );
        assert_eq!(seed.accounts[0].access_key_id, "AKIASANDBOX456789012");
    }
}
