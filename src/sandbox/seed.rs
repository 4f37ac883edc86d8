//! The seed: the JSON document that describes an organization, its accounts and their root users.
//!
//! The same format is used for `--seed FILE`, `POST /_sandbox/seed`, `GET /_sandbox/state` and
//! `--state FILE`, so a saved state can be replayed as a seed. Every field but `accounts[].id`
//! has a default; credentials left out are derived from the account id (see [`Credentials::derived`]).
//!
//! ```json
//! {
//!   "organization": {"id": "o-sandbox1234", "feature_set": "ALL", "management_account_id": "111111111111"},
//!   "accounts": [
//!     {"id": "111111111111", "name": "management"},
//!     {"id": "222222222222", "root": {"login_profile": {"created": 1700000000},
//!                                     "access_keys": [{"id": "AKIAROOT222222222222"}]}},
//!     {"id": "999999999999", "in_organization": false}
//!   ],
//!   "trusted_access": [{"service_principal": "iam.amazonaws.com", "date_enabled": 1700000000}],
//!   "delegated_administrators": [{"account_id": "222222222222", "service_principal": "iam.amazonaws.com"}],
//!   "features": ["RootCredentialsManagement"],
//!   "max_delegated_administrators_per_service": 1
//! }
//! ```
//! `organization` absent or `null` means no account belongs to an organization.

use super::identity::TaskPolicy;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The management account of the default seed.
pub const MANAGEMENT_ACCOUNT_ID: &str = "111111111111";
/// The member accounts of the default seed.
pub const MEMBER_ACCOUNT_IDS: [&str; 3] = ["222222222222", "333333333333", "444444444444"];
/// The organization id of the default seed.
pub const ORGANIZATION_ID: &str = "o-sandbox1234";
/// The service principal of IAM centralized root access.
pub const IAM_SERVICE_PRINCIPAL: &str = "iam.amazonaws.com";

/// When the default seed's objects were created (2023-11-14T22:13:20Z).
const SEED_EPOCH: i64 = 1_700_000_000;

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
    /// root session on it is refused with an explicit deny.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assume_root_denied: bool,
    /// The organizational unit holding the account; the root ([`ROOT_ID`]) when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent_id: String,
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
            parent_id: String::new(),
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
    /// `ACTIVE` or `SUSPENDED`.
    #[serde(default)]
    pub status: Option<String>,
}

impl AccountPatch {
    /// Parses and validates a patch.
    pub fn from_json(body: &[u8]) -> Result<AccountPatch, SeedError> {
        let patch: AccountPatch = serde_json::from_slice(body)?;
        match &patch.status {
            Some(status) if !matches!(status.as_str(), "ACTIVE" | "SUSPENDED") => {
                Err(SeedError::Status(status.clone()))
            }
            _ => Ok(patch),
        }
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
    /// (`IAMAuditRootUserCredentials`, …); a task policy not named needs [`DEFAULT_ROOT_TASK_FEATURES`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub root_task_features: BTreeMap<String, Vec<Feature>>,
}

/// What `sts:AssumeRoot` needs enabled when `root_task_features` does not name the task policy.
/// AWS documents that root sessions need `RootSessions`; whether it also checks
/// `RootCredentialsManagement` for the credential tasks is not documented, so the sandbox lets
/// a seed require it (`"root_task_features": {"IAMDeleteRootUserCredentials": ["RootCredentialsManagement", "RootSessions"]}`).
pub const DEFAULT_ROOT_TASK_FEATURES: [Feature; 1] = [Feature::RootSessions];

/// Why a seed was refused.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Not valid JSON for the format.
    #[error("seed is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// An account id is not 12 digits.
    #[error("account id {0:?} is not 12 digits")]
    AccountId(String),
    /// A task policy name in `root_task_features` is not one of the five.
    #[error("root_task_features names {0:?}, which is not a root task policy")]
    TaskPolicy(String),
    /// An account or unit names a parent that is neither the root nor a unit.
    #[error("parent {0:?} is neither the root (r-sand) nor an organizational unit")]
    Parent(String),
    /// An account status is neither ACTIVE nor SUSPENDED.
    #[error("account status {0:?} is neither ACTIVE nor SUSPENDED")]
    Status(String),
    /// Two accounts share an id or access key.
    #[error("duplicate account id or access key {0:?}")]
    Duplicate(String),
    /// The organization id does not match `^o-[a-z0-9]{{10,32}}$`.
    #[error("organization id {0:?} does not match ^o-[a-z0-9]{{10,32}}$")]
    OrganizationId(String),
    /// The management account is not one of the accounts in the organization.
    #[error("management account {0} is not an account in the organization")]
    ManagementAccount(String),
    /// A delegated administrator is not a member account.
    #[error("delegated administrator {0} is not a member account of the organization")]
    Delegation(String),
}

/// Whether `id` is a 12-digit account id.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

fn is_organization_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("o-") else {
        return false;
    };
    (10..=32).contains(&rest.len())
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl Seed {
    /// Parses and validates a JSON seed.
    pub fn from_json(text: &str) -> Result<Seed, SeedError> {
        serde_json::from_str::<Seed>(text)?.validated()
    }

    /// The default seed: management account `111111111111`, members `222222222222`,
    /// `333333333333` (both with root password, access key, signing certificate and MFA) and
    /// `444444444444` (no root credentials); all features; trusted access off; no feature enabled.
    pub fn default_seed() -> Seed {
        let mut accounts = vec![Account {
            name: "management".to_owned(),
            joined_method: "INVITED".to_owned(),
            ..Account::new(MANAGEMENT_ACCOUNT_ID)
        }];
        for (index, id) in MEMBER_ACCOUNT_IDS.iter().enumerate() {
            let mut account = Account {
                name: format!("member-{}", index + 1),
                ..Account::new(id)
            };
            if index < 2 {
                account.root = RootUser::with_everything(id);
            }
            accounts.push(account);
        }
        for account in &mut accounts {
            account.fill_defaults();
        }
        Seed {
            organization: Some(Organization {
                id: ORGANIZATION_ID.to_owned(),
                feature_set: FeatureSet::All,
                management_account_id: MANAGEMENT_ACCOUNT_ID.to_owned(),
            }),
            accounts,
            trusted_access: Vec::new(),
            delegated_administrators: Vec::new(),
            features: Vec::new(),
            max_delegated_administrators_per_service: None,
            root_task_features: BTreeMap::new(),
            organizational_units: Vec::new(),
        }
    }

    /// Adds `count` member accounts `100000000000`, `100000000001`, … (for load tests).
    pub fn with_generated_members(mut self, count: usize) -> Seed {
        for n in 0..count {
            let mut account = Account::new(&format!("{:012}", 100_000_000_000usize + n));
            account.fill_defaults();
            self.accounts.push(account);
        }
        self
    }

    /// A large organization for scale tests and benchmarks: the default seed plus `members`
    /// generated members ([`Seed::with_generated_members`]) whose root users hold a mix of
    /// credentials, with trusted access for IAM and both IAM organization features on, so that
    /// root sessions work at once. Member `n` holds, by `n % 4`: everything, a password only,
    /// two access keys (one used), nothing.
    pub fn large_organization(members: usize) -> Seed {
        let mut seed = Seed::default_seed().with_generated_members(members);
        let generated = seed.accounts.len() - members;
        for (n, account) in seed.accounts[generated..].iter_mut().enumerate() {
            account.root = RootUser::mixed(&account.id, n);
        }
        seed.trusted_access = vec![TrustedAccess {
            service_principal: "iam.amazonaws.com".to_owned(),
            date_enabled: SEED_EPOCH,
        }];
        seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
        seed
    }

    /// Checks the invariants the handlers rely on and fills defaults.
    pub fn validated(mut self) -> Result<Seed, SeedError> {
        let mut seen = HashSet::new();
        for account in &mut self.accounts {
            if !is_account_id(&account.id) {
                return Err(SeedError::AccountId(account.id.clone()));
            }
            account.fill_defaults();
            if !matches!(account.status.as_str(), "ACTIVE" | "SUSPENDED") {
                return Err(SeedError::Status(account.status.clone()));
            }
            for key in [&account.id, &account.access_key_id] {
                if !seen.insert(key.clone()) {
                    return Err(SeedError::Duplicate(key.clone()));
                }
            }
        }
        if let Some(org) = &self.organization {
            if !is_organization_id(&org.id) {
                return Err(SeedError::OrganizationId(org.id.clone()));
            }
            let managed = self
                .account(&org.management_account_id)
                .is_some_and(|a| a.in_organization);
            if !managed {
                return Err(SeedError::ManagementAccount(
                    org.management_account_id.clone(),
                ));
            }
        }
        for delegation in &self.delegated_administrators {
            let member = self
                .account(&delegation.account_id)
                .is_some_and(|a| a.in_organization)
                && self
                    .organization
                    .as_ref()
                    .is_some_and(|o| o.management_account_id != delegation.account_id);
            if !member {
                return Err(SeedError::Delegation(delegation.account_id.clone()));
            }
        }
        let parents: HashSet<&str> = self
            .organizational_units
            .iter()
            .map(|u| u.id.as_str())
            .chain([ROOT_ID])
            .collect();
        let named = self.accounts.iter().map(Account::parent_id).chain(
            self.organizational_units
                .iter()
                .map(OrganizationalUnit::parent),
        );
        for parent in named {
            if !parents.contains(parent) {
                return Err(SeedError::Parent(parent.to_owned()));
            }
        }
        for (name, features) in &mut self.root_task_features {
            if TaskPolicy::from_name(name).is_none() {
                return Err(SeedError::TaskPolicy(name.clone()));
            }
            features.sort();
            features.dedup();
        }
        self.features.sort();
        self.features.dedup();
        Ok(self)
    }

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
            .map_or(&DEFAULT_ROOT_TASK_FEATURES[..], Vec::as_slice)
    }

    /// The management account's credentials, or the first account's when there is no organization.
    pub fn management_credentials(&self) -> Option<Credentials> {
        match &self.organization {
            Some(org) => self.credentials(&org.management_account_id),
            None => self.accounts.first().map(Account::credentials),
        }
    }
}

impl Default for Seed {
    fn default() -> Self {
        Seed::default_seed()
    }
}

impl RootUser {
    fn mixed(account_id: &str, n: usize) -> RootUser {
        let tail = &account_id[account_id.len().saturating_sub(8)..];
        let key = |suffix: &str, last_used: Option<AccessKeyLastUsed>| RootAccessKey {
            id: format!("AKIAROOTKEY{suffix}{tail}"),
            status: active(),
            created: SEED_EPOCH,
            last_used,
        };
        match n % 4 {
            0 => RootUser::with_everything(account_id),
            1 => RootUser {
                login_profile: Some(LoginProfile {
                    created: SEED_EPOCH,
                    password_reset_required: false,
                }),
                ..RootUser::default()
            },
            2 => RootUser {
                access_keys: vec![
                    key(
                        "1",
                        Some(AccessKeyLastUsed {
                            date: SEED_EPOCH,
                            service_name: "s3".to_owned(),
                            region: "us-east-1".to_owned(),
                        }),
                    ),
                    key("2", None),
                ],
                ..RootUser::default()
            },
            _ => RootUser::default(),
        }
    }

    fn with_everything(account_id: &str) -> RootUser {
        let tail = &account_id[account_id.len().saturating_sub(8)..];
        RootUser {
            login_profile: Some(LoginProfile {
                created: SEED_EPOCH,
                password_reset_required: false,
            }),
            access_keys: vec![RootAccessKey {
                id: format!("AKIAROOTKEY0{tail}"),
                status: active(),
                created: SEED_EPOCH,
                last_used: None,
            }],
            signing_certificates: vec![SigningCertificate {
                id: format!("CERTROOT{tail}SANDBOX0000000000"),
                status: active(),
                uploaded: SEED_EPOCH,
                body: "-----BEGIN CERTIFICATE-----\nU0FOREJPWA==\n-----END CERTIFICATE-----\n"
                    .to_owned(),
            }],
            mfa_devices: vec![MfaDevice {
                serial_number: format!("arn:aws:iam::{account_id}:mfa/root-account-mfa-device"),
                enabled: SEED_EPOCH,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_round_trips_through_json() {
        let seed = Seed::default_seed();
        let text = serde_json::to_string(&seed).unwrap();
        assert_eq!(Seed::from_json(&text).unwrap(), seed);
        assert_eq!(seed.accounts.len(), 4);
        assert!(
            seed.account("222222222222")
                .unwrap()
                .root
                .login_profile
                .is_some()
        );
        assert!(
            seed.account("444444444444")
                .unwrap()
                .root
                .login_profile
                .is_none()
        );
    }

    #[test]
    fn the_documented_example_is_a_valid_seed() {
        let doc: String = include_str!("seed.rs")
            .lines()
            .skip_while(|l| !l.starts_with("//! ```json"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let seed = Seed::from_json(&doc).unwrap();
        assert_eq!(seed.accounts.len(), 3);
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

    #[test]
    fn invalid_seeds_are_refused() {
        for bad in [
            r#"{"accounts":[{"id":"12"}]}"#,
            r#"{"accounts":[{"id":"123456789012"},{"id":"123456789012"}]}"#,
            r#"{"organization":{"id":"o-1","management_account_id":"123456789012"},"accounts":[{"id":"123456789012"}]}"#,
            r#"{"organization":{"id":"o-abcdefghij","management_account_id":"999999999999"},"accounts":[{"id":"123456789012"}]}"#,
            r#"{"organization":{"id":"o-abcdefghij","management_account_id":"123456789012"},"accounts":[{"id":"123456789012"}],"delegated_administrators":[{"account_id":"123456789012","service_principal":"iam.amazonaws.com"}]}"#,
        ] {
            assert!(Seed::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_members_have_distinct_keys() {
        let seed = Seed::default_seed()
            .with_generated_members(100)
            .validated()
            .unwrap();
        assert_eq!(seed.accounts.len(), 104);
    }

    #[test]
    fn a_large_organization_mixes_root_credentials_and_allows_root_sessions() {
        let seed = Seed::large_organization(1000).validated().unwrap();
        assert_eq!(seed.accounts.len(), 1004);
        let generated = &seed.accounts[4..];
        let with = |has: fn(&RootUser) -> bool| generated.iter().filter(|a| has(&a.root)).count();
        assert_eq!(with(|r| r.login_profile.is_some()), 500);
        assert_eq!(with(|r| r.access_keys.len() == 2), 250);
        assert_eq!(with(|r| !r.mfa_devices.is_empty()), 250);
        assert_eq!(with(|r| *r == RootUser::default()), 250);
        assert_eq!(seed.features.len(), 2);
        assert_eq!(seed.trusted_access.len(), 1);
    }
}
