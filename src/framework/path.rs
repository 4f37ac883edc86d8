//! Building and printing [`AttributePath`]s, as `path.Root("x").AtListIndex(0)` does in the Go framework.

use crate::cty::{AttributePath, PathStep};

/// A path to the top-level attribute `name`.
pub fn root(name: &str) -> AttributePath {
    AttributePath(vec![PathStep::Attribute(name.to_owned())])
}

/// Chainable steps on an [`AttributePath`].
pub trait AttributePathExt {
    /// The path to attribute `name` of the object here.
    fn attr(&self, name: &str) -> AttributePath;
    /// The path to element `index` of the list here.
    fn index(&self, index: usize) -> AttributePath;
    /// The path to key `key` of the map here.
    fn key(&self, key: &str) -> AttributePath;
}

impl AttributePathExt for AttributePath {
    fn attr(&self, name: &str) -> AttributePath {
        with_step(self, PathStep::Attribute(name.to_owned()))
    }

    fn index(&self, index: usize) -> AttributePath {
        with_step(self, PathStep::Index(i64::try_from(index).unwrap_or(i64::MAX)))
    }

    fn key(&self, key: &str) -> AttributePath {
        with_step(self, PathStep::Key(key.to_owned()))
    }
}

fn with_step(path: &AttributePath, step: PathStep) -> AttributePath {
    let mut steps = path.0.clone();
    steps.push(step);
    AttributePath(steps)
}

/// The path as Terraform prints it: `assume_role[0].role_arn`, `tags["Name"]`.
pub fn display(path: &AttributePath) -> String {
    let mut out = String::new();
    for step in &path.0 {
        match step {
            PathStep::Attribute(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathStep::Key(key) => out.push_str(&format!("[{key:?}]")),
            PathStep::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_displays() {
        let cases = [
            (root("region"), "region"),
            (root("assume_role").index(0).attr("duration"), "assume_role[0].duration"),
            (root("tags").key("Name"), "tags[\"Name\"]"),
        ];
        for (path, want) in cases {
            assert_eq!(display(&path), want);
        }
    }

    #[test]
    fn steps_do_not_mutate_the_parent() {
        let parent = root("endpoints");
        let child = parent.index(0).attr("iam");
        assert_eq!(parent.0.len(), 1);
        assert_eq!(child.0.len(), 3);
    }
}
