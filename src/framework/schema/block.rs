//! Blocks and nested blocks.

use std::collections::{BTreeMap, BTreeSet};

use super::attribute::{Attribute, Description};
use crate::cty::{Type, Value};

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nesting {
    /// At most one block; the value is an object or null.
    Single,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
}

/// A block: attributes and nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    attributes: BTreeMap<String, Attribute>,
    blocks: BTreeMap<String, NestedBlock>,
    description: Description,
    deprecation: Option<String>,
}

/// A block nested inside another, with its repetition rules.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    nesting: Nesting,
    block: Block,
    min_items: u32,
    max_items: Option<u32>,
}

impl Block {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds attribute `name`.
    pub fn attribute(mut self, name: impl Into<String>, attribute: Attribute) -> Self {
        self.attributes.insert(name.into(), attribute);
        self
    }

    /// Adds nested block `name`.
    pub fn block(mut self, name: impl Into<String>, block: NestedBlock) -> Self {
        self.blocks.insert(name.into(), block);
        self
    }

    /// Plain-text description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description.plain = text.into();
        self
    }

    /// Markdown description.
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.description.markdown = Some(text.into());
        self
    }

    /// Marks the block deprecated: writing it warns with `message`, and Terraform ≥ 1.15
    /// receives `message` in the schema (`deprecation_message`).
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }

    /// The attributes by name.
    pub fn attributes(&self) -> &BTreeMap<String, Attribute> {
        &self.attributes
    }

    /// The nested blocks by name.
    pub fn blocks(&self) -> &BTreeMap<String, NestedBlock> {
        &self.blocks
    }

    /// Attribute `name`, if declared.
    pub fn attribute_named(&self, name: &str) -> Option<&Attribute> {
        self.attributes.get(name)
    }

    /// The description.
    pub fn get_description(&self) -> &Description {
        &self.description
    }

    /// The deprecation message, if deprecated.
    pub fn deprecation(&self) -> Option<&str> {
        self.deprecation.as_deref()
    }

    /// The object type of this block's values.
    pub fn value_type(&self) -> Type {
        let mut attributes: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(name, attr)| (name.clone(), attr.ty().clone()))
            .collect();
        for (name, nested) in &self.blocks {
            attributes.insert(name.clone(), nested.value_type());
        }
        Type::Object {
            attributes,
            optional: BTreeSet::new(),
        }
    }

    /// An object with every attribute null, every single block null and every list or set
    /// block empty.
    pub fn empty_value(&self) -> Value {
        let mut attrs: BTreeMap<String, Value> = self
            .attributes
            .keys()
            .map(|name| (name.clone(), Value::Null))
            .collect();
        for (name, nested) in &self.blocks {
            let empty = match nested.nesting {
                Nesting::Single => Value::Null,
                Nesting::List => Value::List(Vec::new()),
                Nesting::Set => Value::Set(Vec::new()),
            };
            attrs.insert(name.clone(), empty);
        }
        Value::Object(attrs)
    }
}

impl NestedBlock {
    /// A nested block repeated as `nesting` says, without item limits.
    pub fn new(nesting: Nesting, block: Block) -> Self {
        Self {
            nesting,
            block,
            min_items: 0,
            max_items: None,
        }
    }

    /// At least `n` blocks.
    pub fn min_items(mut self, n: u32) -> Self {
        self.min_items = n;
        self
    }

    /// At most `n` blocks.
    pub fn max_items(mut self, n: u32) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The repetition mode.
    pub fn nesting(&self) -> Nesting {
        self.nesting
    }

    /// The block's own schema.
    pub fn block(&self) -> &Block {
        &self.block
    }

    /// Minimum number of blocks.
    pub fn get_min_items(&self) -> u32 {
        self.min_items
    }

    /// Maximum number of blocks, if limited.
    pub fn get_max_items(&self) -> Option<u32> {
        self.max_items
    }

    /// The type of this block's value inside its parent object.
    pub fn value_type(&self) -> Type {
        let inner = self.block.value_type();
        match self.nesting {
            Nesting::Single => inner,
            Nesting::List => Type::List(Box::new(inner)),
            Nesting::Set => Type::Set(Box::new(inner)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_type_includes_blocks() {
        let block = Block::new()
            .attribute("region", Attribute::optional(Type::String))
            .block(
                "assume_role",
                NestedBlock::new(
                    Nesting::List,
                    Block::new().attribute("role_arn", Attribute::optional(Type::String)),
                )
                .max_items(1),
            )
            .block("single", NestedBlock::new(Nesting::Single, Block::new()));
        let Type::Object { attributes, .. } = block.value_type() else {
            panic!("not an object");
        };
        assert_eq!(attributes["region"], Type::String);
        assert_eq!(
            attributes["assume_role"],
            Type::List(Box::new(Type::Object {
                attributes: [("role_arn".to_owned(), Type::String)].into(),
                optional: BTreeSet::new(),
            }))
        );
        assert!(matches!(attributes["single"], Type::Object { .. }));

        let Value::Object(empty) = block.empty_value() else {
            panic!("not an object");
        };
        assert_eq!(empty["region"], Value::Null);
        assert_eq!(empty["assume_role"], Value::List(Vec::new()));
        assert_eq!(empty["single"], Value::Null);
    }
}
