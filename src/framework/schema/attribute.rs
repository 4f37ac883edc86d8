//! Attributes of a block.

use std::sync::Arc;

use crate::cty::{Type, Value};
use crate::framework::plan_modifiers::PlanModifier;
use crate::framework::validators::Validator;

/// Who sets an attribute. Every valid combination of Terraform's required/optional/computed
/// flags is one variant; the invalid ones cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeMode {
    /// The configuration must set it.
    Required,
    /// The configuration may set it; the provider never does.
    Optional,
    /// Only the provider sets it.
    Computed,
    /// The configuration may set it; when it does not, the provider does (or the default applies).
    OptionalComputed,
}

impl AttributeMode {
    /// Whether the configuration may set the attribute.
    pub fn is_configurable(self) -> bool {
        !matches!(self, Self::Computed)
    }

    /// Whether the provider may choose the value.
    pub fn is_computed(self) -> bool {
        matches!(self, Self::Computed | Self::OptionalComputed)
    }
}

/// A human description, plain text and optionally Markdown (used by Terraform's docs tooling).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Description {
    /// Plain text.
    pub plain: String,
    /// Markdown, when it differs from the plain text.
    pub markdown: Option<String>,
}

/// One attribute of a [`Block`](super::Block).
#[derive(Debug, Clone)]
pub struct Attribute {
    ty: Type,
    mode: AttributeMode,
    sensitive: bool,
    description: Description,
    deprecation: Option<String>,
    default: Option<Value>,
    validators: Vec<Arc<dyn Validator>>,
    plan_modifiers: Vec<Arc<dyn PlanModifier>>,
}

impl Attribute {
    /// An attribute of type `ty` set as `mode` says.
    pub fn new(ty: Type, mode: AttributeMode) -> Self {
        Self {
            ty,
            mode,
            sensitive: false,
            description: Description::default(),
            deprecation: None,
            default: None,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
        }
    }

    /// A required attribute.
    pub fn required(ty: Type) -> Self {
        Self::new(ty, AttributeMode::Required)
    }

    /// An optional attribute the provider never sets.
    pub fn optional(ty: Type) -> Self {
        Self::new(ty, AttributeMode::Optional)
    }

    /// A read-only attribute the provider sets.
    pub fn computed(ty: Type) -> Self {
        Self::new(ty, AttributeMode::Computed)
    }

    /// An optional attribute the provider sets when the configuration does not.
    pub fn optional_computed(ty: Type) -> Self {
        Self::new(ty, AttributeMode::OptionalComputed)
    }

    /// Plain-text description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description.plain = text.into();
        self
    }

    /// Markdown description, for documentation.
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.description.markdown = Some(text.into());
        self
    }

    /// Marks the value sensitive: Terraform hides it in plans and output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Marks the attribute deprecated: setting it in configuration warns with `message`, and
    /// Terraform ≥ 1.15 receives `message` in the schema (`deprecation_message`).
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }

    /// The value planned when the configuration leaves the attribute null. Terraform only
    /// accepts provider-chosen values on computed attributes, so this makes the attribute
    /// [`AttributeMode::OptionalComputed`].
    pub fn default_value(mut self, value: Value) -> Self {
        self.mode = AttributeMode::OptionalComputed;
        self.default = Some(value);
        self
    }

    /// Adds a validator, run on known, non-null configuration values.
    pub fn validator(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    /// Adds a plan modifier; modifiers run in the order they were added.
    pub fn plan_modifier(mut self, modifier: impl PlanModifier + 'static) -> Self {
        self.plan_modifiers.push(Arc::new(modifier));
        self
    }

    /// The value type.
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// Who sets the attribute.
    pub fn mode(&self) -> AttributeMode {
        self.mode
    }

    /// Whether the value is sensitive.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }

    /// The description.
    pub fn get_description(&self) -> &Description {
        &self.description
    }

    /// The deprecation message, if deprecated.
    pub fn deprecation(&self) -> Option<&str> {
        self.deprecation.as_deref()
    }

    /// The default value, if any.
    pub fn default(&self) -> Option<&Value> {
        self.default.as_ref()
    }

    /// The validators.
    pub fn validators(&self) -> &[Arc<dyn Validator>] {
        &self.validators
    }

    /// The plan modifiers.
    pub fn plan_modifiers(&self) -> &[Arc<dyn PlanModifier>] {
        &self.plan_modifiers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_makes_the_attribute_optional_computed() {
        let attr = Attribute::optional(Type::String).default_value(Value::String("x".into()));
        assert_eq!(attr.mode(), AttributeMode::OptionalComputed);
        assert_eq!(attr.default(), Some(&Value::String("x".into())));
    }

    #[test]
    fn mode_flags() {
        let cases = [
            (AttributeMode::Required, true, false),
            (AttributeMode::Optional, true, false),
            (AttributeMode::Computed, false, true),
            (AttributeMode::OptionalComputed, true, true),
        ];
        for (mode, configurable, computed) in cases {
            assert_eq!(mode.is_configurable(), configurable, "{mode:?}");
            assert_eq!(mode.is_computed(), computed, "{mode:?}");
        }
    }
}
