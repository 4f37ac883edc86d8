//! The protocol's promises about applied state, checked once for every resource.

use super::planning::walk_schema;
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;
use crate::framework::values::unknown_paths;

/// Checks a state returned by create or update against the plan: present, wholly known, and
/// equal to every known planned value. `operation` names the step for the messages.
pub(crate) fn check_applied(operation: &str, planned: &Value, state: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if state.is_null() {
        diags.error(
            format!("Missing Resource State After {operation}"),
            format!(
                "The resource returned no state after {}. This is a bug in the provider, please \
                 report it.",
                operation.to_lowercase()
            ),
        );
        return diags;
    }
    diags.extend(unknown_after(operation, "resource", "applying", state));
    let mut mismatches = Vec::new();
    collect_mismatches(planned, state, &AttributePath::default(), &mut mismatches);
    for path in mismatches {
        diags.attribute_error(
            path,
            "Applied Value Differs From Plan",
            "The resource stored a value other than the one Terraform planned for this \
             attribute. This is a bug in the provider, please report it.",
        );
    }
    diags
}

/// An error on every value the `kind` of type ("resource", "data source") left unknown in
/// `value` after `operation` (`Read`, `Open`…), which it was `doing` ("refreshing"): Terraform
/// accepts no unknown value in what a type answers once its operation ran.
pub(crate) fn unknown_after(
    operation: &str,
    kind: &str,
    doing: &str,
    value: &Value,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for path in unknown_paths(value, &AttributePath::default()) {
        diags.attribute_error(
            path,
            format!("Unknown Value After {operation}"),
            format!(
                "The {kind} left this value unknown after {doing}. This is a bug in the \
                 provider, please report it."
            ),
        );
    }
    diags
}

/// Checks a plan refined by the resource's `modify_plan` against the configuration, as
/// Terraform will: a value the configuration sets must be planned as set (unknown stays
/// unknown). Catches the provider bug here, with the attribute path, instead of Terraform's
/// "produced an invalid plan".
pub(crate) fn check_plan(schema: &Schema, config: &Value, planned: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for path in config_mismatches(schema, config, planned) {
        diags.attribute_error(
            path,
            "Planned Value Differs From Configuration",
            "The resource planned a value other than the configured one for this attribute. \
             This is a bug in the provider, please report it.",
        );
    }
    diags
}

/// Paths where `value` breaks the configuration, as Terraform checks plans and opened
/// ephemeral results (`objchange.AssertPlanValid`): a value the configuration sets must be
/// kept (unknown stays unknown); only computed attributes left null may be filled in.
pub(crate) fn config_mismatches(
    schema: &Schema,
    config: &Value,
    value: &Value,
) -> Vec<AttributePath> {
    let mut paths = Vec::new();
    let mut value = value.clone();
    walk_schema(
        schema,
        config,
        None,
        &mut value,
        &mut |path, attr, cfg, _, val| {
            let must_follow_config = !attr.mode().is_computed() || !cfg.is_null();
            let follows = if cfg.is_unknown() {
                val.is_unknown()
            } else {
                cfg.semantically_equal(val)
            };
            if must_follow_config && !follows {
                paths.push(path.clone());
            }
        },
    );
    paths
}

/// Errors for every unknown value in a configuration that must be wholly known when
/// `operation` runs. Terraform never sends one; this keeps a type from ever seeing it.
pub(crate) fn check_known_config(operation: &str, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for path in unknown_paths(config, &AttributePath::default()) {
        diags.attribute_error(
            path,
            "Unknown Configuration Value",
            format!(
                "Terraform sent {operation} a configuration with this value still unknown, \
                 so it was not run. Terraform should wait until the value is known: this is \
                 a bug in Terraform or in the caller, please report it."
            ),
        );
    }
    diags
}

/// Paths where `planned` is known and `actual` differs.
fn collect_mismatches(
    planned: &Value,
    actual: &Value,
    at: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    match (planned, actual) {
        (Value::Unknown(_), _) => {}
        (Value::Object(p), Value::Object(a)) => {
            for (name, pv) in p {
                collect_mismatches(
                    pv,
                    a.get(name).unwrap_or(&Value::Null),
                    &at.clone().attr(name.as_str()),
                    out,
                );
            }
        }
        (Value::List(p), Value::List(a)) if p.len() == a.len() => {
            for (i, (pv, av)) in p.iter().zip(a).enumerate() {
                collect_mismatches(pv, av, &at.clone().index(i as i64), out);
            }
        }
        (Value::Map(p), Value::Map(a)) if p.len() == a.len() => {
            for (k, pv) in p {
                match a.get(k) {
                    Some(av) => collect_mismatches(pv, av, &at.clone().key(k.as_str()), out),
                    None => out.push(at.clone()),
                }
            }
        }
        (Value::Set(p), Value::Set(a)) if !planned.is_wholly_known() => {
            if p.len() != a.len() {
                out.push(at.clone());
            }
        }
        _ => {
            if !crate::cty::Value::semantically_equal(planned, actual) {
                out.push(at.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::values::string_set;
    use crate::framework::values::test_values::{id_name_label, obj, string, unknown};

    #[test]
    fn plan_must_follow_config() {
        let schema = Schema::new(0, id_name_label());
        let config = obj(&[
            ("id", Value::Null),
            ("name", string("a")),
            ("label", unknown()),
        ]);
        let good = obj(&[
            ("id", string("x")),
            ("name", string("a")),
            ("label", unknown()),
        ]);
        assert!(check_plan(&schema, &config, &good).is_empty());
        let bad = obj(&[
            ("id", unknown()),
            ("name", string("b")),
            ("label", string("l")),
        ]);
        let paths: Vec<_> = check_plan(&schema, &config, &bad)
            .iter()
            .map(|d| d.attribute.clone().unwrap())
            .collect();
        assert_eq!(
            paths,
            vec![AttributePath::root("label"), AttributePath::root("name")]
        );
    }

    #[test]
    fn table() {
        let planned = obj(&[
            ("id", unknown()),
            ("name", string("a")),
            ("tags", string_set(["x", "y"])),
        ]);
        type Expected<'a> = Vec<(&'a str, Option<AttributePath>)>;
        let cases: Vec<(&str, Value, Expected)> = vec![
            (
                "good",
                obj(&[
                    ("id", string("1")),
                    ("name", string("a")),
                    ("tags", string_set(["y", "x"])),
                ]),
                vec![],
            ),
            (
                "missing",
                Value::Null,
                vec![("Missing Resource State After Create", None)],
            ),
            (
                "unknown left",
                obj(&[
                    ("id", unknown()),
                    ("name", string("a")),
                    ("tags", string_set(["x", "y"])),
                ]),
                vec![(
                    "Unknown Value After Create",
                    Some(AttributePath::root("id")),
                )],
            ),
            (
                "changed planned value",
                obj(&[
                    ("id", string("1")),
                    ("name", string("b")),
                    ("tags", string_set(["x"])),
                ]),
                vec![
                    (
                        "Applied Value Differs From Plan",
                        Some(AttributePath::root("name")),
                    ),
                    (
                        "Applied Value Differs From Plan",
                        Some(AttributePath::root("tags")),
                    ),
                ],
            ),
        ];
        for (name, state, want) in cases {
            let diags = check_applied("Create", &planned, &state);
            let got: Vec<_> = diags
                .iter()
                .map(|d| (d.summary.as_str(), d.attribute.clone()))
                .collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
