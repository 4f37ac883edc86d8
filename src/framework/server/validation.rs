//! Configuration checks every schema implies.

use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{AttributeMode, Block, Nesting};
use crate::framework::validators::ValidateRequest;
use crate::framework::values::ValueExt;

/// Checks `value` (the configuration of `block`, at `path`) against the schema: required and
/// read-only attributes, deprecations, block counts and attribute validators. `root` is the
/// whole configuration, handed to validators. Unknown values are skipped: they are checked
/// again when known.
pub(crate) fn validate_block(
    block: &Block,
    path: &AttributePath,
    value: &Value,
    root: &Value,
    diags: &mut Diagnostics,
) {
    if !matches!(value, Value::Object(_)) {
        return;
    }
    for (name, attr) in block.attributes() {
        let at = path.clone().attr(name.as_str());
        let v = value.attr(name);
        match (attr.mode(), v) {
            (AttributeMode::Required, Value::Null) => diags.attribute_error(
                at.clone(),
                "Missing Required Attribute",
                format!("The argument {name:?} is required, but no definition was found."),
            ),
            (AttributeMode::Computed, v) if !v.is_null() => diags.attribute_error(
                at.clone(),
                "Invalid Configuration for Read-Only Attribute",
                format!(
                    "Cannot set a value for {name:?}: the provider computes it. Remove the line \
                     setting it."
                ),
            ),
            _ => {}
        }
        if v.is_null() {
            continue;
        }
        if let Some(message) = attr.deprecation() {
            diags.attribute_warning(at.clone(), "Attribute Deprecated", message);
        }
        if v.is_unknown() {
            continue;
        }
        let req = ValidateRequest {
            path: &at,
            value: v,
            config: root,
        };
        for validator in attr.validators() {
            validator.validate(&req, diags);
        }
    }
    for (name, nested) in block.blocks() {
        let at = path.clone().attr(name.as_str());
        let v = value.attr(name);
        let items: Vec<&Value> = match (nested.nesting(), v) {
            (_, Value::Unknown(_)) => continue,
            (Nesting::Single, Value::Null) => Vec::new(),
            (Nesting::Single, v) => vec![v],
            (_, Value::List(items) | Value::Set(items)) => items.iter().collect(),
            _ => Vec::new(),
        };
        let count = u32::try_from(items.len()).unwrap_or(u32::MAX);
        if count < nested.get_min_items() {
            diags.attribute_error(
                at.clone(),
                format!("Missing {name} Block"),
                format!(
                    "At least {} {name:?} block(s) required, {count} found.",
                    nested.get_min_items()
                ),
            );
        }
        if let Some(max) = nested.get_max_items().filter(|max| count > *max) {
            diags.attribute_error(
                at.clone(),
                format!("Too Many {name} Blocks"),
                format!("No more than {max} {name:?} block(s) allowed, {count} found."),
            );
        }
        if count > 0
            && let Some(message) = nested.block().deprecation()
        {
            diags.attribute_warning(at.clone(), "Block Deprecated", message);
        }
        for (i, item) in items.into_iter().enumerate() {
            let item_path = match nested.nesting() {
                Nesting::Single => at.clone(),
                Nesting::List => at.clone().index(i as i64),
                // The protocol cannot address a set element; the set itself is the closest.
                Nesting::Set => at.clone(),
            };
            validate_block(nested.block(), &item_path, item, root, diags);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Type;
    use crate::framework::schema::{Attribute, NestedBlock};
    use crate::framework::validators::StringOneOf;
    use crate::framework::values::test_values::{string, unknown};

    fn schema() -> Block {
        Block::new()
            .attribute("name", Attribute::required(Type::String))
            .attribute("id", Attribute::computed(Type::String))
            .attribute(
                "mode",
                Attribute::optional(Type::String).validator(StringOneOf::new(["a", "b"])),
            )
            .attribute(
                "old",
                Attribute::optional(Type::String).deprecated("use name"),
            )
            .block(
                "inner",
                NestedBlock::new(
                    Nesting::List,
                    Block::new().attribute(
                        "kind",
                        Attribute::required(Type::String).validator(StringOneOf::new(["x"])),
                    ),
                )
                .max_items(1),
            )
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = schema_empty();
        for (k, val) in pairs {
            v.set_attr(k, val.clone()).expect("an object");
        }
        v
    }

    fn schema_empty() -> Value {
        schema().empty_value()
    }

    fn inner(kind: Value) -> Value {
        Value::Object([("kind".to_owned(), kind)].into())
    }

    #[test]
    fn table() {
        type Expected<'a> = Vec<(&'a str, AttributePath)>;
        let cases: Vec<(&str, Value, Expected)> = vec![
            ("valid", config(&[("name", string("n"))]), vec![]),
            (
                "missing required",
                config(&[]),
                vec![("Missing Required Attribute", AttributePath::root("name"))],
            ),
            (
                "unknown required is fine",
                config(&[("name", unknown())]),
                vec![],
            ),
            (
                "read-only set",
                config(&[("name", string("n")), ("id", string("x"))]),
                vec![(
                    "Invalid Configuration for Read-Only Attribute",
                    AttributePath::root("id"),
                )],
            ),
            (
                "validator",
                config(&[("name", string("n")), ("mode", string("c"))]),
                vec![("Invalid Attribute Value", AttributePath::root("mode"))],
            ),
            (
                "validator skips unknown",
                config(&[("name", string("n")), ("mode", unknown())]),
                vec![],
            ),
            (
                "deprecated",
                config(&[("name", string("n")), ("old", string("o"))]),
                vec![("Attribute Deprecated", AttributePath::root("old"))],
            ),
            (
                "nested validator path",
                config(&[
                    ("name", string("n")),
                    ("inner", Value::List(vec![inner(string("y"))])),
                ]),
                vec![(
                    "Invalid Attribute Value",
                    AttributePath::root("inner").index(0).attr("kind"),
                )],
            ),
            (
                "too many blocks",
                config(&[
                    ("name", string("n")),
                    (
                        "inner",
                        Value::List(vec![inner(string("x")), inner(string("x"))]),
                    ),
                ]),
                vec![("Too Many inner Blocks", AttributePath::root("inner"))],
            ),
            (
                "unknown block list",
                config(&[("name", string("n")), ("inner", unknown())]),
                vec![],
            ),
        ];
        for (name, value, want) in cases {
            let mut diags = Diagnostics::new();
            validate_block(
                &schema(),
                &AttributePath::default(),
                &value,
                &value,
                &mut diags,
            );
            let got: Vec<(&str, AttributePath)> = diags
                .iter()
                .map(|d| (d.summary.as_str(), d.attribute.clone().unwrap_or_default()))
                .collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
