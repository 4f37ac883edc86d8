//! The types of one kind that a provider serves, by name: where an RPC looks its type up, and
//! what the schema RPCs list.

use std::collections::BTreeMap;

use super::{Handle, Kind};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::provider::Named;

/// The served types of kind `T`, each resolved once into its [`Handle`], by type name.
pub struct Types<T: ?Sized>(BTreeMap<&'static str, Handle<T>>);

impl<T: Kind + ?Sized> Types<T> {
    /// The handles of `types`, each under the name it is given with.
    pub(super) fn new(types: Vec<Named<T>>) -> Self {
        types
            .into_iter()
            .map(|(name, implementation)| Handle::new(name, implementation))
            .collect()
    }

    /// The type named `type_name`, or the diagnostic that answers a request for a type of
    /// this kind the provider does not have.
    pub fn get(&self, type_name: &str) -> Result<&Handle<T>, Diagnostic> {
        self.0
            .get(type_name)
            .ok_or_else(|| unknown_type(T::NAME, type_name))
    }
}

impl<T: ?Sized> Types<T> {
    /// Every type, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Handle<T>> {
        self.0.values()
    }
}

impl<T: ?Sized> FromIterator<Handle<T>> for Types<T> {
    fn from_iter<I: IntoIterator<Item = Handle<T>>>(handles: I) -> Self {
        Self(
            handles
                .into_iter()
                .map(|handle| (handle.type_name(), handle))
                .collect(),
        )
    }
}

fn unknown_type(kind: &str, type_name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Unknown {kind} Type"),
        format!(
            "This provider has no {} type named {type_name:?}. Check the type name, or upgrade \
             the provider if it was added in a newer version.",
            kind.to_lowercase()
        ),
    )
}
