//! Default planning: the plan a resource gets before its own `modify_plan`.
//!
//! The rules keep Terraform's consistency checks satisfied:
//! 1. Destroy (proposed state null): the plan is null, nothing else runs.
//! 2. Defaults: an attribute with a default that the configuration leaves null plans the default.
//! 3. If the plan now differs from the prior state (always, on create), every computed
//!    attribute that the configuration leaves null and that has no default becomes unknown:
//!    the provider may change it. Otherwise the prior state is kept as is, so a resource with
//!    no configuration change plans no change.
//! 4. Attribute plan modifiers run in order (e.g. `UseStateForUnknown` brings back prior
//!    values; `RequiresReplace` records paths whose value changes).
//!
//! Non-computed attributes are never touched: Terraform's proposed state already equals the
//! configuration there.

use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan_modifiers::{PlanModifyRequest, PlanModifyResponse};
use crate::framework::schema::{Attribute, Block, Nesting, Schema};
use crate::framework::values::ValueExt;

/// The result of default planning.
#[derive(Debug)]
pub struct DefaultPlan {
    /// The proposed new state with defaults applied and computed values left unknown, or kept
    /// from the prior state where nothing changes.
    pub planned: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Errors and warnings from plan modifiers.
    pub diagnostics: Diagnostics,
}

/// Plans a change of a resource with `schema` from `prior` (null on create) to the
/// configuration `config`, starting from Terraform's `proposed` new state.
pub fn default_plan(
    schema: &Schema,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> DefaultPlan {
    if proposed.is_null() {
        return DefaultPlan {
            planned: Value::Null,
            requires_replace: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
    }
    let prior_obj = (!prior.is_null()).then_some(prior);
    let mut planned = proposed.clone();
    let visit_all = |planned: &mut Value, visit: &mut Visit<'_>| {
        walk_schema(schema, config, prior_obj, planned, visit);
    };

    visit_all(&mut planned, &mut |_, attr, cfg, _, plan| {
        if let (Some(default), Value::Null) = (attr.default(), cfg) {
            *plan = default.clone();
        }
    });

    let changed =
        prior_obj.is_none_or(|prior| !crate::cty::Value::semantically_equal(prior, &planned));
    if changed {
        visit_all(&mut planned, &mut |_, attr, cfg, _, plan| {
            if attr.mode().is_computed() && attr.default().is_none() && cfg.is_null() {
                *plan = Value::unknown();
            }
        });
    }

    let mut requires_replace = Vec::new();
    let mut diagnostics = Diagnostics::new();
    visit_all(&mut planned, &mut |path, attr, cfg, state, plan| {
        for modifier in attr.plan_modifiers() {
            let mut resp = PlanModifyResponse {
                plan: std::mem::replace(plan, Value::Null),
                requires_replace: false,
                diagnostics: Diagnostics::new(),
            };
            modifier.modify(
                &PlanModifyRequest {
                    path,
                    config: cfg,
                    state,
                },
                &mut resp,
            );
            *plan = resp.plan;
            if resp.requires_replace && !requires_replace.contains(path) {
                requires_replace.push(path.clone());
            }
            diagnostics.extend(resp.diagnostics);
        }
    });

    DefaultPlan {
        planned,
        requires_replace,
        diagnostics,
    }
}

/// What [`walk_schema`] hands to its visitor for each attribute: its path, schema, configuration
/// value, prior value (`None` when the enclosing object is new) and planned value.
pub(crate) type Visit<'f> =
    dyn FnMut(&AttributePath, &Attribute, &Value, Option<&Value>, &mut Value) + 'f;

/// Visits every attribute of `planned` (a value of `schema`), nested blocks included, with the
/// matching configuration and prior values.
pub(crate) fn walk_schema(
    schema: &Schema,
    config: &Value,
    prior: Option<&Value>,
    planned: &mut Value,
    visit: &mut Visit<'_>,
) {
    let root = AttributePath::default();
    walk(&schema.block, &root, config, prior, planned, visit);
}

/// [`walk_schema`] within the nested `block` at `path`.
fn walk(
    block: &Block,
    path: &AttributePath,
    config: &Value,
    prior: Option<&Value>,
    planned: &mut Value,
    visit: &mut Visit<'_>,
) {
    let Value::Object(planned_attrs) = planned else {
        return;
    };
    for (name, attr) in block.attributes() {
        let plan = planned_attrs.entry(name.clone()).or_insert(Value::Null);
        let state = prior.map(|p| p.attr(name));
        visit(
            &path.clone().attr(name.as_str()),
            attr,
            config.attr(name),
            state,
            plan,
        );
    }
    for (name, nested) in block.blocks() {
        let Some(plan) = planned_attrs.get_mut(name) else {
            continue;
        };
        let at = path.clone().attr(name.as_str());
        let cfg = config.attr(name);
        let state = prior.map(|p| p.attr(name)).filter(|s| !s.is_null());
        match (nested.nesting(), plan) {
            (Nesting::Single, plan @ Value::Object(_)) => {
                walk(nested.block(), &at, cfg, state, plan, visit);
            }
            (Nesting::List, Value::List(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let cfg_item = cfg
                        .elements()
                        .and_then(|e| e.get(i))
                        .unwrap_or(&Value::Null);
                    let state_item = state.and_then(|s| s.elements()).and_then(|e| e.get(i));
                    walk(
                        nested.block(),
                        &at.clone().index(i as i64),
                        cfg_item,
                        state_item,
                        item,
                        visit,
                    );
                }
            }
            (Nesting::Set, Value::Set(items)) => {
                for item in items.iter_mut() {
                    let cfg_item = matching_config_element(cfg, item);
                    walk(nested.block(), &at, cfg_item, None, item, visit);
                }
            }
            _ => {}
        }
    }
}

/// The configuration element a planned set element came from: the first one whose
/// non-null attributes all equal the planned element's.
fn matching_config_element<'a>(config: &'a Value, planned: &Value) -> &'a Value {
    config
        .elements()
        .unwrap_or_default()
        .iter()
        .find(|candidate| match candidate {
            Value::Object(attrs) => attrs
                .iter()
                .filter(|(_, v)| !v.is_null())
                .all(|(k, v)| crate::cty::Value::semantically_equal(v, planned.attr(k))),
            _ => false,
        })
        .unwrap_or(&Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Type;
    use crate::framework::plan_modifiers::RequiresReplace;
    use crate::framework::schema::{Attribute, NestedBlock};
    use crate::framework::values::test_values::{ordinary_resource, string, unknown, with_attrs};

    fn schema() -> Schema {
        Schema::new(
            0,
            ordinary_resource()
                .attribute(
                    "principal",
                    Attribute::optional(Type::String)
                        .default_value(string("iam.amazonaws.com"))
                        .plan_modifier(RequiresReplace),
                )
                .attribute("label", Attribute::optional_computed(Type::String))
                .block("rule", rules(Nesting::List)),
        )
    }

    /// `rule` blocks: a name from the configuration and a computed id.
    fn rules(nesting: Nesting) -> NestedBlock {
        NestedBlock::new(
            nesting,
            Block::new()
                .attribute("name", Attribute::required(Type::String))
                .attribute("rule_id", Attribute::computed(Type::String)),
        )
    }

    /// An object of the schema with the given attributes set, others null.
    fn obj(pairs: &[(&str, Value)]) -> Value {
        with_attrs(&schema().empty_value(), pairs)
    }

    /// A created object as its state stores it.
    fn stored() -> Value {
        obj(&[
            ("id", string("i-1")),
            ("arn", string("arn:1")),
            ("name", string("a")),
            ("principal", string("iam.amazonaws.com")),
            ("label", string("chosen")),
        ])
    }

    fn rule(name: &str, id: Value) -> Value {
        crate::framework::attributes::object([("name", string(name)), ("rule_id", id)])
    }

    /// Terraform's proposed new state: configuration, with prior values for computed
    /// attributes the configuration leaves null.
    fn proposed(config: &Value, prior: &Value) -> Value {
        let mut p = config.clone();
        if prior.is_null() {
            return p;
        }
        for name in ["id", "arn", "principal", "label"] {
            if config.attr(name).is_null() {
                p.set_attr(name, prior.attr(name).clone())
                    .expect("an object");
            }
        }
        p
    }

    struct Case {
        name: &'static str,
        prior: Value,
        config: Value,
        want: Value,
        replace: Vec<AttributePath>,
    }

    #[test]
    fn table() {
        let state = stored();
        // What an update plans before the case's own changes: computed values unknown, but
        // for `id`, which keeps its state.
        let replanned = with_attrs(&state, &[("arn", unknown()), ("label", unknown())]);
        let cases = vec![
            Case {
                name: "create: computed unknown, default applied, config kept",
                prior: Value::Null,
                config: obj(&[("name", string("a")), ("note", string("n"))]),
                want: with_attrs(&replanned, &[("id", unknown()), ("note", string("n"))]),
                replace: vec![],
            },
            Case {
                name: "create with unknown config value keeps it unknown",
                prior: Value::Null,
                config: obj(&[("name", unknown()), ("label", string("mine"))]),
                want: with_attrs(
                    &state,
                    &[
                        ("id", unknown()),
                        ("arn", unknown()),
                        ("name", unknown()),
                        ("label", string("mine")),
                    ],
                ),
                replace: vec![],
            },
            Case {
                name: "no-op keeps prior state",
                prior: state.clone(),
                config: obj(&[("name", string("a"))]),
                want: state.clone(),
                replace: vec![],
            },
            Case {
                name: "update: computed unknown except UseStateForUnknown",
                prior: state.clone(),
                config: obj(&[("name", string("a")), ("note", string("new"))]),
                want: with_attrs(&replanned, &[("note", string("new"))]),
                replace: vec![],
            },
            Case {
                name: "replace on changed name",
                prior: state.clone(),
                config: obj(&[("name", string("b"))]),
                want: with_attrs(&replanned, &[("name", string("b"))]),
                replace: vec![AttributePath::root("name")],
            },
            Case {
                name: "replace on unknown name",
                prior: state.clone(),
                config: obj(&[("name", unknown())]),
                want: with_attrs(&replanned, &[("name", unknown())]),
                replace: vec![AttributePath::root("name")],
            },
            Case {
                name: "default differing from prior forces replacement",
                prior: with_attrs(&state, &[("principal", string("other.amazonaws.com"))]),
                config: obj(&[("name", string("a"))]),
                want: replanned.clone(),
                replace: vec![AttributePath::root("principal")],
            },
            Case {
                name: "destroy passes through",
                prior: state.clone(),
                config: Value::Null,
                want: Value::Null,
                replace: vec![],
            },
        ];
        for case in cases {
            let proposed = if case.config.is_null() {
                Value::Null
            } else {
                proposed(&case.config, &case.prior)
            };
            let plan = default_plan(&schema(), &case.prior, &proposed, &case.config);
            assert_eq!(plan.planned, case.want, "{}", case.name);
            assert_eq!(plan.requires_replace, case.replace, "{}", case.name);
            assert!(plan.diagnostics.is_empty(), "{}", case.name);
        }
    }

    #[test]
    fn nested_set_blocks_match_config_elements() {
        let schema = Schema::new(0, Block::new().block("rule", rules(Nesting::Set)));
        let config = Value::Object(
            [(
                "rule".to_owned(),
                Value::Set(vec![rule("b", Value::Null), rule("a", Value::Null)]),
            )]
            .into(),
        );
        let plan = default_plan(&schema, &Value::Null, &config, &config);
        assert!(Value::semantically_equal(
            plan.planned.attr("rule"),
            &Value::Set(vec![rule("a", unknown()), rule("b", unknown())])
        ));
    }

    #[test]
    fn nested_list_blocks() {
        let prior = with_attrs(
            &stored(),
            &[("rule", Value::List(vec![rule("a", string("r-1"))]))],
        );
        let config = obj(&[
            ("name", string("a")),
            (
                "rule",
                Value::List(vec![rule("a", Value::Null), rule("b", Value::Null)]),
            ),
        ]);
        let mut proposed = proposed(&config, &prior);
        proposed
            .set_attr(
                "rule",
                Value::List(vec![rule("a", string("r-1")), rule("b", Value::Null)]),
            )
            .expect("an object");
        let plan = default_plan(&schema(), &prior, &proposed, &config);
        assert_eq!(
            plan.planned.attr("rule"),
            &Value::List(vec![rule("a", unknown()), rule("b", unknown())])
        );
    }
}
