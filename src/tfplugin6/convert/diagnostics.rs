//! Diagnostics and attribute paths to protobuf.

use crate::cty::{AttributePath, PathStep};
use crate::framework::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::tfplugin6 as pb;

/// One diagnostic, its attribute path included.
pub fn diagnostic(d: &Diagnostic) -> pb::Diagnostic {
    let severity = match d.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.attribute.as_ref().map(path),
    }
}

/// A collection, in order.
pub fn diagnostics(ds: &Diagnostics) -> Vec<pb::Diagnostic> {
    ds.iter().map(diagnostic).collect()
}

/// An attribute path.
pub fn path(p: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .steps()
            .iter()
            .map(|step| pb::attribute_path::Step {
                selector: Some(match step {
                    PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
                    PathStep::Key(key) => Selector::ElementKeyString(key.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pb::attribute_path::step::Selector;

    #[test]
    fn path_steps_map_one_to_one() {
        let p = AttributePath::root("assume_role")
            .index(0)
            .attr("role_arn")
            .key("k");
        let got: Vec<_> = path(&p)
            .steps
            .into_iter()
            .map(|s| s.selector.unwrap())
            .collect();
        assert_eq!(
            got,
            vec![
                Selector::AttributeName("assume_role".into()),
                Selector::ElementKeyInt(0),
                Selector::AttributeName("role_arn".into()),
                Selector::ElementKeyString("k".into()),
            ]
        );
    }

    #[test]
    fn severity_and_texts() {
        let d = diagnostic(&Diagnostic::warning("S", "D"));
        assert_eq!(d.severity, pb::diagnostic::Severity::Warning as i32);
        assert_eq!((d.summary.as_str(), d.detail.as_str()), ("S", "D"));
        assert!(d.attribute.is_none());
        let e = diagnostic(&Diagnostic::error("E", "").at(AttributePath::root("x")));
        assert_eq!(e.severity, pb::diagnostic::Severity::Error as i32);
        assert_eq!(e.attribute.unwrap().steps.len(), 1);
    }
}
