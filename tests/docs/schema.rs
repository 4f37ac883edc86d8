//! The `## Schema` section of a page, rendered from a framework [`Block`] the way
//! tfplugindocs renders a Go provider's schema: Required / Optional / Read-Only lists, then one
//! "Nested Schema" section per nested block.

use std::collections::BTreeMap;

use centralroot::cty::{Type, Value};
use centralroot::framework::plan_modifiers::{PlanModifier, RequiresReplace};
use centralroot::framework::schema::{Attribute, AttributeMode, Block, NestedBlock, Nesting};

/// Which list of the schema section an attribute or block belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    const ALL: [Group; 3] = [Group::Required, Group::Optional, Group::ReadOnly];

    fn title(self) -> &'static str {
        match self {
            Group::Required => "Required",
            Group::Optional => "Optional",
            Group::ReadOnly => "Read-Only",
        }
    }

    fn of_attribute(attribute: &Attribute) -> Group {
        match attribute.mode() {
            AttributeMode::Required => Group::Required,
            AttributeMode::Optional | AttributeMode::OptionalComputed => Group::Optional,
            AttributeMode::Computed => Group::ReadOnly,
        }
    }

    fn of_block(nested: &NestedBlock) -> Group {
        if nested.get_min_items() > 0 {
            Group::Required
        } else if is_read_only(nested.block()) {
            Group::ReadOnly
        } else {
            Group::Optional
        }
    }
}

/// A block the configuration cannot set anything in.
fn is_read_only(block: &Block) -> bool {
    block
        .attributes()
        .values()
        .all(|attribute| attribute.mode() == AttributeMode::Computed)
        && block
            .blocks()
            .values()
            .all(|nested| is_read_only(nested.block()))
}

/// A section queued below the lists: a nested block, or the object type of an attribute.
#[derive(Clone)]
enum Nested<'a> {
    Block(&'a Block),
    /// The attribute types of an object and the group its attribute is in.
    Object(&'a BTreeMap<String, Type>, Group),
}

/// `## Schema` with the lists of `block` and its nested sections.
pub fn section(block: &Block) -> String {
    let mut out = String::from("## Schema\n");
    let mut queue = Vec::new();
    groups(block, &[], "### ", &mut out, &mut queue);
    // Breadth-first, as tfplugindocs orders them: a block's section before its children's.
    let mut index = 0;
    while index < queue.len() {
        let (path, nested): (Vec<String>, Nested<'_>) = queue[index].clone();
        let kind = match nested {
            Nested::Block(_) => "nestedblock",
            Nested::Object(..) => "nestedatt",
        };
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n### Nested Schema for `{}`\n",
            anchor(kind, &path),
            path.join(".")
        ));
        match nested {
            Nested::Block(child) => groups(child, &path, "", &mut out, &mut queue),
            Nested::Object(attributes, group) => {
                out.push_str(&format!("\n{}:\n\n", group.title()));
                for (name, ty) in attributes {
                    let mut item_path = path.clone();
                    item_path.push(name.clone());
                    let mut item = format!("- `{name}` ({})", type_name(ty));
                    if let Some(fields) = object_fields(ty) {
                        item.push_str(&format!(
                            " (see [below for nested schema](#{}))",
                            anchor("nestedatt", &item_path)
                        ));
                        queue.push((item_path, Nested::Object(fields, group)));
                    }
                    out.push_str(&item);
                    out.push('\n');
                }
            }
        }
        index += 1;
    }
    out
}

/// The attribute types of `ty` when it is an object or a collection of objects.
fn object_fields(ty: &Type) -> Option<&BTreeMap<String, Type>> {
    match ty {
        Type::Object { attributes, .. } => Some(attributes),
        Type::List(element) | Type::Set(element) | Type::Map(element) => object_fields(element),
        _ => None,
    }
}

/// Appends the Required / Optional / Read-Only lists of `block`, queueing its nested sections.
fn groups<'a>(
    block: &'a Block,
    path: &[String],
    heading: &str,
    out: &mut String,
    queue: &mut Vec<(Vec<String>, Nested<'a>)>,
) {
    for group in Group::ALL {
        let mut items: Vec<(&String, String)> = Vec::new();
        for (name, attribute) in block.attributes() {
            if Group::of_attribute(attribute) != group {
                continue;
            }
            let mut item = attribute_item(name, attribute);
            if let Some(fields) = object_fields(attribute.ty()) {
                let mut child_path = path.to_vec();
                child_path.push(name.clone());
                item.push_str(&format!(
                    " (see [below for nested schema](#{}))",
                    anchor("nestedatt", &child_path)
                ));
                queue.push((child_path, Nested::Object(fields, group)));
            }
            items.push((name, item));
        }
        for (name, child) in block.blocks() {
            if Group::of_block(child) == group {
                let mut child_path = path.to_vec();
                child_path.push(name.clone());
                items.push((
                    name,
                    block_item(name, child, &anchor("nestedblock", &child_path)),
                ));
                queue.push((child_path, Nested::Block(child.block())));
            }
        }
        if items.is_empty() {
            continue;
        }
        items.sort_by(|a, b| a.0.cmp(b.0));
        if heading.is_empty() {
            out.push_str(&format!("\n{}:\n\n", group.title()));
        } else {
            out.push_str(&format!("\n{heading}{}\n\n", group.title()));
        }
        for (_, item) in items {
            out.push_str(&item);
            out.push('\n');
        }
    }
}

/// The HTML anchor of a nested section, as tfplugindocs names them.
fn anchor(kind: &str, path: &[String]) -> String {
    format!("{kind}--{}", path.join("--"))
}

/// `- `name` (Type, Sensitive) Description. Value must …. Defaults to …. Changing this forces …`
fn attribute_item(name: &str, attribute: &Attribute) -> String {
    let mut flags = vec![type_name(attribute.ty())];
    if attribute.is_sensitive() {
        flags.push("Sensitive".to_owned());
    }
    if attribute.deprecation().is_some() {
        flags.push("Deprecated".to_owned());
    }
    let mut sentences = vec![description_text(attribute)];
    for validator in attribute.validators() {
        sentences.push(format!("Value must {}.", validator.description()));
    }
    if let Some(default) = attribute.default() {
        sentences.push(format!("Defaults to `{}`.", literal(default)));
    }
    if requires_replace(attribute) {
        sentences.push("Changing this forces a new resource.".to_owned());
    }
    if let Some(message) = attribute.deprecation() {
        sentences.push(format!("**Deprecated:** {}", sentence(message)));
    }
    list_item(name, &flags.join(", "), &sentences)
}

/// `- `name` (Block List, Max: 1) Description. (see [below for nested schema](#anchor))`
fn block_item(name: &str, nested: &NestedBlock, anchor: &str) -> String {
    let mut flags = vec![
        match nested.nesting() {
            Nesting::Single => "Block",
            Nesting::List => "Block List",
            Nesting::Set => "Block Set",
        }
        .to_owned(),
    ];
    if nested.get_min_items() > 0 {
        flags.push(format!("Min: {}", nested.get_min_items()));
    }
    if let Some(max) = nested.get_max_items() {
        flags.push(format!("Max: {max}"));
    }
    let block = nested.block();
    let description = block.get_description();
    let mut sentences = vec![sentence(
        description
            .markdown
            .as_deref()
            .unwrap_or(&description.plain),
    )];
    if let Some(message) = block.deprecation() {
        sentences.push(format!("**Deprecated:** {}", sentence(message)));
    }
    sentences.push(format!("(see [below for nested schema](#{anchor}))"));
    list_item(name, &flags.join(", "), &sentences)
}

fn list_item(name: &str, flags: &str, sentences: &[String]) -> String {
    let text: Vec<&str> = sentences
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    // Continuation lines of a multi-line description stay inside the list item.
    format!("- `{name}` ({flags}) {}", text.join(" "))
        .trim_end()
        .replace('\n', "\n  ")
}

/// The attribute's Markdown description, else its plain one, as a sentence.
fn description_text(attribute: &Attribute) -> String {
    let description = attribute.get_description();
    sentence(
        description
            .markdown
            .as_deref()
            .unwrap_or(&description.plain),
    )
}

/// `text` trimmed and ending with a full stop (empty stays empty).
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['.', '!', '?', ':']) {
        return text.to_owned();
    }
    format!("{text}.")
}

/// Whether the attribute carries the framework's [`RequiresReplace`] plan modifier. The
/// framework exposes modifiers as trait objects with a description, not as types, so the
/// description is what identifies it.
fn requires_replace(attribute: &Attribute) -> bool {
    let marker = RequiresReplace.description();
    attribute
        .plan_modifiers()
        .iter()
        .any(|modifier| modifier.description() == marker)
}

/// The name tfplugindocs gives a type.
pub fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".to_owned(),
        Type::Number => "Number".to_owned(),
        Type::String => "String".to_owned(),
        Type::Dynamic => "Dynamic".to_owned(),
        Type::List(element) => format!("List of {}", type_name(element)),
        Type::Set(element) => format!("Set of {}", type_name(element)),
        Type::Map(element) => format!("Map of {}", type_name(element)),
        Type::Tuple(_) => "Tuple".to_owned(),
        Type::Object { .. } => "Object".to_owned(),
    }
}

/// A value as it would be written in HCL.
pub fn literal(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Unknown(_) => "(known after apply)".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(entries) | Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{key} = {}", literal(value)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        Value::Dynamic(_, inner) => literal(inner),
    }
}

/// Every attribute and block of `block` (recursively) whose description is empty, as dotted
/// paths under `prefix`.
pub fn undescribed(block: &Block, prefix: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for (name, attribute) in block.attributes() {
        let description = attribute.get_description();
        let markdown = description.markdown.as_deref().unwrap_or("");
        if description.plain.trim().is_empty() && markdown.trim().is_empty() {
            missing.push(format!("{prefix}{name}"));
        }
    }
    for (name, nested) in block.blocks() {
        if nested.block().get_description().plain.trim().is_empty() {
            missing.push(format!("{prefix}{name}"));
        }
        missing.extend(undescribed(nested.block(), &format!("{prefix}{name}.")));
    }
    missing
}
