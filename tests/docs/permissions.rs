//! The `## Permissions` section of every type's page and the IAM policy of the provider's page,
//! rendered from the table each type declares beside its schema (`PERMISSIONS`, gathered in
//! `centralroot::provider::permissions`).

use centralroot::provider::permissions::{self, TypeKind};
use centralroot::types_common::permissions::{Grant, Permissions};

use super::pages::Kind;

/// The registry's kind of a page's kind.
fn type_kind(kind: Kind) -> TypeKind {
    match kind {
        Kind::Resource => TypeKind::Resource,
        Kind::DataSource => TypeKind::DataSource,
        Kind::EphemeralResource => TypeKind::EphemeralResource,
        Kind::ListResource => TypeKind::ListResource,
        Kind::Action => TypeKind::Action,
    }
}

/// The permissions of `type_name`; every type must declare them.
pub fn of(kind: Kind, type_name: &str) -> &'static Permissions {
    permissions::of(type_kind(kind), type_name).unwrap_or_else(|| {
        panic!(
            "{type_name} ({kind:?}) has no permissions: declare `PERMISSIONS` beside its schema \
             and add it to provider::permissions::TYPES"
        )
    })
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `grant` as a fenced JSON IAM policy document.
fn policy_block(grant: &Grant) -> String {
    let policy = serde_json::to_string_pretty(&grant.policy_document())
        .expect("a policy document serializes");
    format!("```json\n{policy}\n```\n")
}

/// `## Permissions` of a type's page: what each of its operations calls, and a policy for it.
pub fn section(kind: Kind, type_name: &str) -> String {
    let table = of(kind, type_name);
    let mut out = String::from(
        "\n## Permissions\n\nWhat each operation asks of AWS. The provider's credentials need \
         the actions; `sts:AssumeRoot` opens a root session on a member account limited to \
         the task policy named (condition key `sts:TaskPolicyArn`), and the calls made in that \
         session are allowed by the task policy alone (service control policies still apply \
         to them). A type that takes its task policy from its configuration lists every one it \
         accepts: allow those you use. An import is followed by a read. The [provider's page](../index.md#permissions) has the policy for every \
         type.\n\n| Operation | Actions | Task policies | In the root session |\n\
         |---|---|---|---|\n",
    );
    for (step, grant) in table.steps() {
        let actions = if grant.is_empty() {
            "none".to_owned()
        } else {
            code_list(&grant.actions())
        };
        let tasks: Vec<String> = grant
            .task_policies()
            .iter()
            .map(|policy| policy.name().to_owned())
            .collect();
        out.push_str(&format!(
            "| {} | {actions} | {} | {} |\n",
            step.name(),
            code_list(&tasks),
            code_list(&grant.session_actions())
        ));
    }
    out.push_str(&format!(
        "\nAn IAM policy that allows this {} alone:\n\n{}",
        kind.label().to_lowercase(),
        policy_block(&table.grant())
    ));
    out
}

/// The provider's IAM policy: what the provider block and every type need together.
pub fn provider_policy() -> String {
    policy_block(&permissions::everything())
}
