//! What a type may ask of AWS, declared once beside its schema: a [`Permissions`] constant
//! naming, for each Terraform operation of the type ([`Step`]), the entry points of the AWS
//! layer it uses ([`crate::aws::calls`]). Everything else follows from that one table: the
//! "Permissions" section of the type's page, its share of the provider's IAM policy
//! ([`Grant::policy_document`]), and what the end-to-end tests let it send to the sandbox.

use serde_json::{Value, json};

use crate::aws::{Operation, Partition, TaskPolicy};

/// A Terraform operation of a type, as its permissions name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The provider block, when Terraform configures the provider.
    Configure,
    /// Planning a change (a resource's plan, an action's plan).
    Plan,
    /// Refreshing a resource, or reading a data source.
    Read,
    /// Importing a resource (the read that follows is [`Step::Read`]).
    Import,
    /// Creating a resource.
    Create,
    /// Updating a resource in place.
    Update,
    /// Destroying a resource.
    Delete,
    /// Opening an ephemeral resource.
    Open,
    /// Invoking an action.
    Invoke,
    /// Listing for `terraform query`.
    List,
}

impl Step {
    /// The operation's name in documentation, e.g. `Read`.
    pub fn name(self) -> &'static str {
        match self {
            Step::Configure => "Configure",
            Step::Plan => "Plan",
            Step::Read => "Read",
            Step::Import => "Import",
            Step::Create => "Create",
            Step::Update => "Update",
            Step::Delete => "Delete",
            Step::Open => "Open",
            Step::Invoke => "Invoke",
            Step::List => "List",
        }
    }
}

/// The AWS operations one type may send, by [`Step`]: each step names the lists of
/// [`crate::aws::calls`] of the entry points it uses. A step with no list calls nothing.
#[derive(Debug, Clone, Copy)]
pub struct Permissions {
    steps: &'static [(Step, &'static [&'static [Operation]])],
}

impl Permissions {
    /// The permissions of a type whose `steps` call these lists.
    pub const fn new(steps: &'static [(Step, &'static [&'static [Operation]])]) -> Self {
        Self { steps }
    }

    /// What each step needs, in the order declared.
    pub fn steps(&self) -> Vec<(Step, Grant)> {
        self.steps
            .iter()
            .map(|(step, lists)| (*step, Grant::of(lists.iter().flat_map(|list| list.iter()))))
            .collect()
    }

    /// What the type needs, every step together.
    pub fn grant(&self) -> Grant {
        Grant::of(
            self.steps
                .iter()
                .flat_map(|(_, lists)| lists.iter().flat_map(|list| list.iter())),
        )
    }
}

/// What some operations need: the calls the provider's own credentials make (IAM actions and
/// `sts:AssumeRoot` with its task policies), and the calls made inside the root sessions, which
/// the task policies allow. Each list is sorted by action and holds each operation once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    /// Made with the provider's credentials (`AssumeRoot` once per task policy).
    pub caller: Vec<Operation>,
    /// Made inside a root session, with the session's credentials.
    pub in_root_session: Vec<Operation>,
}

impl Grant {
    /// What `operations` need.
    pub fn of<'a>(operations: impl IntoIterator<Item = &'a Operation>) -> Self {
        let mut grant = Self::default();
        for operation in operations {
            let list = if operation.in_root_session() {
                &mut grant.in_root_session
            } else {
                &mut grant.caller
            };
            if !list.contains(operation) {
                list.push(*operation);
            }
        }
        for list in [&mut grant.caller, &mut grant.in_root_session] {
            list.sort_by_key(|operation| {
                let policy = operation.task_policy().map(TaskPolicy::name);
                (operation.action(), policy)
            });
        }
        grant
    }

    /// What every grant of `grants` needs.
    pub fn union<'a>(grants: impl IntoIterator<Item = &'a Grant>) -> Self {
        Self::of(
            grants
                .into_iter()
                .flat_map(|grant| grant.caller.iter().chain(&grant.in_root_session)),
        )
    }

    /// Whether nothing is needed.
    pub fn is_empty(&self) -> bool {
        self.caller.is_empty() && self.in_root_session.is_empty()
    }

    /// The IAM actions of the provider's credentials, each once, `sts:AssumeRoot` included.
    pub fn actions(&self) -> Vec<String> {
        let mut actions: Vec<String> = self.caller.iter().map(|op| op.action()).collect();
        actions.dedup();
        actions
    }

    /// The task policies `sts:AssumeRoot` is called with: the values of `sts:TaskPolicyArn`.
    pub fn task_policies(&self) -> Vec<TaskPolicy> {
        self.caller
            .iter()
            .filter_map(|op| op.task_policy())
            .collect()
    }

    /// The IAM actions made inside root sessions, each once.
    pub fn session_actions(&self) -> Vec<String> {
        self.in_root_session.iter().map(|op| op.action()).collect()
    }

    /// An IAM policy document that allows exactly the provider's calls: one statement for the
    /// actions, and one for `sts:AssumeRoot` on the condition that `sts:TaskPolicyArn` is one
    /// of the task policies used. The calls inside root sessions need no statement: the task
    /// policy is the session's whole permission.
    pub fn policy_document(&self) -> Value {
        let actions: Vec<String> = self
            .actions()
            .into_iter()
            .filter(|action| action != ASSUME_ROOT)
            .collect();
        let arns: Vec<String> = self
            .task_policies()
            .into_iter()
            .map(|policy| policy.arn(Partition::Aws))
            .collect();
        let mut statements = Vec::new();
        if !actions.is_empty() {
            statements.push(allow("CentralizedRootAccess", json!(actions)));
        }
        if !arns.is_empty() {
            let mut statement = allow("RootTasks", json!(ASSUME_ROOT));
            statement["Condition"] = json!({"StringEquals": {"sts:TaskPolicyArn": arns}});
            statements.push(statement);
        }
        json!({"Version": "2012-10-17", "Statement": statements})
    }
}

/// A statement `sid` that allows `action` on every resource.
fn allow(sid: &str, action: Value) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Action": action, "Resource": "*"})
}

/// The action that opens a root session.
const ASSUME_ROOT: &str = "sts:AssumeRoot";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::calls;

    const TABLE: Permissions = Permissions::new(&[
        (Step::Plan, &[calls::ORGANIZATION]),
        (Step::Read, &[calls::AUDIT_ACCOUNT, calls::MEMBERSHIP]),
        (Step::Create, &[calls::REMOVE_ROOT_CREDENTIALS]),
        (Step::Delete, &[]),
    ]);

    #[test]
    fn steps_sort_and_split_what_they_call() {
        let steps = TABLE.steps();
        let names: Vec<&str> = steps.iter().map(|(step, _)| step.name()).collect();
        assert_eq!(names, ["Plan", "Read", "Create", "Delete"]);
        let (_, read) = &steps[1];
        assert_eq!(
            read.actions(),
            [
                "organizations:DescribeAccount",
                "organizations:DescribeOrganization",
                "sts:AssumeRoot"
            ]
        );
        assert_eq!(read.task_policies(), [TaskPolicy::AuditRootUserCredentials]);
        assert_eq!(
            read.session_actions(),
            [
                "iam:GetAccessKeyLastUsed",
                "iam:GetAccountSummary",
                "iam:GetLoginProfile",
                "iam:ListAccessKeys",
                "iam:ListMFADevices",
                "iam:ListSigningCertificates"
            ]
        );
        assert!(steps[3].1.is_empty());
        let whole = TABLE.grant();
        assert_eq!(
            whole.task_policies(),
            [
                TaskPolicy::AuditRootUserCredentials,
                TaskPolicy::DeleteRootUserCredentials
            ]
        );
        assert_eq!(whole.actions().len(), 3, "sts:AssumeRoot once");
        assert_eq!(Grant::union([&read.clone(), &whole]), whole);
    }

    #[test]
    fn the_policy_allows_the_actions_and_the_tasks_used_alone() {
        let policy = TABLE.grant().policy_document();
        assert_eq!(
            policy,
            json!({
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "CentralizedRootAccess",
                        "Effect": "Allow",
                        "Action": [
                            "organizations:DescribeAccount",
                            "organizations:DescribeOrganization"
                        ],
                        "Resource": "*"
                    },
                    {
                        "Sid": "RootTasks",
                        "Effect": "Allow",
                        "Action": "sts:AssumeRoot",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"sts:TaskPolicyArn": [
                            "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                            "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
                        ]}}
                    }
                ]
            })
        );
        let caller_only = Grant::of(calls::CALLER_IDENTITY).policy_document();
        assert_eq!(caller_only["Statement"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            Grant::default().policy_document()["Statement"],
            json!([]),
            "nothing to allow"
        );
    }
}
