//! Schemas to protobuf.

use crate::framework::schema::{
    Attribute, AttributeMode, Block, Description, IdentitySchema, NestedBlock, Nesting, Schema,
};
use crate::tfplugin6 as pb;

/// A schema; each description goes as Markdown when it has some, else as plain text.
pub fn schema(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(block(&s.block)),
    }
}

/// An identity schema; descriptions go as Markdown, the only kind the message has.
pub fn identity_schema(s: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes()
            .iter()
            .map(
                |(name, a)| pb::resource_identity_schema::IdentityAttribute {
                    name: name.clone(),
                    r#type: a.ty().to_json(),
                    required_for_import: a.is_required_for_import(),
                    optional_for_import: !a.is_required_for_import(),
                    description: a.get_description().to_owned(),
                },
            )
            .collect(),
    }
}

/// Markdown when there is some (Terraform's docs tooling renders it), else plain text.
fn description(d: &Description) -> (String, pb::StringKind) {
    match &d.markdown {
        Some(markdown) => (markdown.clone(), pb::StringKind::Markdown),
        None => (d.plain.clone(), pb::StringKind::Plain),
    }
}

fn block(b: &Block) -> pb::schema::Block {
    let (text, kind) = description(b.get_description());
    pb::schema::Block {
        version: 0,
        attributes: b
            .attributes()
            .iter()
            .map(|(name, a)| attribute(name, a))
            .collect(),
        block_types: b
            .blocks()
            .iter()
            .map(|(name, nb)| nested_block(name, nb))
            .collect(),
        description: text,
        description_kind: kind as i32,
        deprecated: b.deprecation().is_some(),
        deprecation_message: b.deprecation().unwrap_or_default().to_owned(),
    }
}

fn attribute(name: &str, a: &Attribute) -> pb::schema::Attribute {
    let (text, kind) = description(a.get_description());
    let mode = a.mode();
    pb::schema::Attribute {
        name: name.to_owned(),
        r#type: a.ty().to_json(),
        nested_type: None,
        description: text,
        required: mode == AttributeMode::Required,
        optional: matches!(
            mode,
            AttributeMode::Optional | AttributeMode::OptionalComputed
        ),
        computed: mode.is_computed(),
        sensitive: a.is_sensitive(),
        description_kind: kind as i32,
        deprecated: a.deprecation().is_some(),
        deprecation_message: a.deprecation().unwrap_or_default().to_owned(),
        write_only: false,
    }
}

fn nested_block(name: &str, nb: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let nesting = match nb.nesting() {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
    };
    pb::schema::NestedBlock {
        type_name: name.to_owned(),
        block: Some(block(nb.block())),
        nesting: nesting as i32,
        min_items: i64::from(nb.get_min_items()),
        max_items: nb.get_max_items().map_or(0, i64::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Type;
    use crate::framework::schema::IdentityAttribute;

    #[test]
    fn identity_attributes() {
        let s = IdentitySchema::new(0)
            .attribute(
                "account_id",
                IdentityAttribute::required_for_import(Type::String).description("The account."),
            )
            .attribute(
                "service_principal",
                IdentityAttribute::optional_for_import(Type::String),
            );
        let pb = identity_schema(&s);
        assert_eq!(pb.version, 0);
        let got: Vec<_> = pb
            .identity_attributes
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.r#type.as_slice(),
                    a.required_for_import,
                    a.optional_for_import,
                    a.description.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "account_id",
                    b"\"string\"".as_slice(),
                    true,
                    false,
                    "The account."
                ),
                (
                    "service_principal",
                    b"\"string\"".as_slice(),
                    false,
                    true,
                    ""
                ),
            ]
        );
    }

    #[test]
    fn flags_types_and_descriptions() {
        let s = Schema::new(
            2,
            Block::new()
                .attribute("a", Attribute::required(Type::String).description("plain"))
                .attribute(
                    "b",
                    Attribute::optional_computed(Type::set(Type::String))
                        .description("plain")
                        .markdown_description("**md**")
                        .sensitive(),
                )
                .attribute("c", Attribute::computed(Type::Bool).deprecated("gone"))
                .block(
                    "nb",
                    NestedBlock::new(Nesting::List, Block::new().deprecated("use a"))
                        .min_items(1)
                        .max_items(1),
                ),
        );
        let pb = schema(&s);
        assert_eq!(pb.version, 2);
        let block = pb.block.unwrap();
        let a = &block.attributes[0];
        assert_eq!(
            (a.name.as_str(), a.required, a.optional, a.computed),
            ("a", true, false, false)
        );
        assert_eq!(a.r#type, b"\"string\"");
        assert_eq!(a.description_kind, pb::StringKind::Plain as i32);
        let b = &block.attributes[1];
        assert_eq!(
            (b.required, b.optional, b.computed, b.sensitive),
            (false, true, true, true)
        );
        assert_eq!(b.r#type, br#"["set","string"]"#);
        assert_eq!(
            (b.description.as_str(), b.description_kind),
            ("**md**", pb::StringKind::Markdown as i32)
        );
        let c = &block.attributes[2];
        assert_eq!((c.optional, c.computed, c.deprecated), (false, true, true));
        assert_eq!(c.deprecation_message, "gone");
        assert!(!a.deprecated && a.deprecation_message.is_empty());
        assert!(!block.deprecated && block.deprecation_message.is_empty());
        let nb = &block.block_types[0];
        assert_eq!(
            (nb.type_name.as_str(), nb.min_items, nb.max_items),
            ("nb", 1, 1)
        );
        assert_eq!(
            nb.nesting,
            pb::schema::nested_block::NestingMode::List as i32
        );
        let nested = nb.block.as_ref().unwrap();
        assert_eq!(
            (nested.deprecated, nested.deprecation_message.as_str()),
            (true, "use a")
        );
    }
}
