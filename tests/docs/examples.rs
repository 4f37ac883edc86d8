//! The example configurations under `examples/`, and a simple check that they only use
//! arguments and attributes the schemas declare.
//!
//! The check reads HCL line by line: it knows `resource`, `data`, `ephemeral` and `provider`
//! blocks, their `name = …` arguments and nested `name {` blocks, and references such as
//! `centralroot_x.name.attr`, `data.centralroot_x.name.attr` or
//! `ephemeral.centralroot_x.name.attr`. That is enough for examples
//! written in the usual one-argument-per-line style; `terraform validate` in the end-to-end
//! tests is the full check.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use centralroot::framework::schema::Block;
use regex::Regex;

/// The repository's `examples/` directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// `examples/<relative>`, if it exists.
pub fn read(relative: &str) -> Option<String> {
    fs::read_to_string(root().join(relative)).ok()
}

/// Every `.tf` file under `examples/`, as (path relative to the repository, contents).
pub fn all_tf_files() -> Vec<(String, String)> {
    let mut found = Vec::new();
    collect(&root(), &mut found);
    found.sort();
    found
}

fn collect(dir: &Path, found: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "tf") {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
            let relative = path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&path)
                .display()
                .to_string();
            found.push((relative, text));
        }
    }
}

/// The schemas an example may use: the provider block, and each kind of type by type name.
pub struct Schemas<'a> {
    pub provider_name: &'a str,
    pub provider: &'a Block,
    pub resources: BTreeMap<String, &'a Block>,
    pub data_sources: BTreeMap<String, &'a Block>,
    pub ephemeral_resources: BTreeMap<String, &'a Block>,
}

impl<'a> Schemas<'a> {
    /// The types of a block keyword or reference prefix: `resource` (or none), `data`,
    /// `ephemeral`.
    fn of_kind(&self, keyword: &str) -> &BTreeMap<String, &'a Block> {
        match keyword {
            "data" => &self.data_sources,
            "ephemeral" => &self.ephemeral_resources,
            _ => &self.resources,
        }
    }
}

/// Arguments every resource and data source block accepts, whatever its schema.
const META_ARGUMENTS: [&str; 4] = ["count", "for_each", "depends_on", "provider"];
/// Nested blocks Terraform itself interprets.
const META_BLOCKS: [&str; 5] = [
    "lifecycle",
    "provisioner",
    "connection",
    "dynamic",
    "precondition",
];

/// Where a schema block sits, which decides the meta-arguments and meta-blocks it accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The body of a resource, data source or ephemeral resource.
    Type,
    /// A `provider` block.
    Provider,
    /// A nested block.
    Nested,
}

impl Level {
    fn accepts_argument(self, name: &str) -> bool {
        match self {
            Level::Type => META_ARGUMENTS.contains(&name),
            Level::Provider => name == "alias",
            Level::Nested => false,
        }
    }
}

/// What an open `{` stands for.
enum Frame<'a> {
    /// A block of one of our schemas, with the meta-arguments Terraform accepts there.
    Schema { block: &'a Block, level: Level },
    /// Anything else: other blocks, object expressions.
    Other,
}

/// Problems in `text` (the file `file`): arguments, blocks, types and attribute references
/// the schemas do not declare.
pub fn check(file: &str, text: &str, schemas: &Schemas<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    let header =
        Regex::new(r#"^(resource|data|ephemeral)\s+"([^"]+)"\s+"[^"]+"\s*\{"#).expect("regex");
    let provider = Regex::new(r#"^provider\s+"([^"]+)"\s*\{"#).expect("regex");
    let argument = Regex::new(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*=").expect("regex");
    let block =
        Regex::new(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*(\x22[^\x22]*\x22\s*)*\{").expect("regex");
    let mut stack: Vec<Frame<'_>> = Vec::new();

    for (number, raw) in text.lines().enumerate() {
        let at = format!("{file}:{}", number + 1);
        let line = code_of(raw);
        let trimmed = line.trim();
        // The frame the first `{` of this line opens.
        let mut opens = Frame::Other;
        match stack.last() {
            None => {
                if let Some(caps) = header.captures(raw.trim()) {
                    let (kind, ty) = (&caps[1], &caps[2]);
                    match schemas.of_kind(kind).get(ty) {
                        Some(block) => {
                            opens = Frame::Schema {
                                block,
                                level: Level::Type,
                            }
                        }
                        None if ty.starts_with(&format!("{}_", schemas.provider_name)) => {
                            problems.push(format!("{at}: no {kind} type {ty}"));
                        }
                        None => {}
                    }
                } else if let Some(caps) = provider.captures(raw.trim())
                    && &caps[1] == schemas.provider_name
                {
                    opens = Frame::Schema {
                        block: schemas.provider,
                        level: Level::Provider,
                    };
                }
            }
            Some(Frame::Schema {
                block: current,
                level,
            }) => {
                if let Some(caps) = argument.captures(trimmed) {
                    let name = &caps[1];
                    let meta = level.accepts_argument(name);
                    if !meta && current.attribute_named(name).is_none() {
                        problems.push(format!("{at}: argument {name} is not in the schema"));
                    }
                } else if let Some(caps) = block.captures(trimmed) {
                    let name = &caps[1];
                    match current.blocks().get(name) {
                        Some(nested) => {
                            opens = Frame::Schema {
                                block: nested.block(),
                                level: Level::Nested,
                            }
                        }
                        None if *level == Level::Type && META_BLOCKS.contains(&name) => {}
                        None => problems.push(format!("{at}: block {name} is not in the schema")),
                    }
                }
            }
            Some(Frame::Other) => {}
        }
        let mut opens = Some(opens);
        for c in line.chars() {
            match c {
                '{' => stack.push(opens.take().unwrap_or(Frame::Other)),
                '}' => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    problems.extend(check_references(file, text, schemas));
    problems
}

/// References `TYPE.NAME.ATTR`, `data.TYPE.NAME.ATTR` and `ephemeral.TYPE.NAME.ATTR` to our
/// types whose attribute the schema lacks.
fn check_references(file: &str, text: &str, schemas: &Schemas<'_>) -> Vec<String> {
    let reference = Regex::new(&format!(
        r"(?:^|[^\w.])(?:(data|ephemeral)\.)?({}_[a-z0-9_]+)\.[A-Za-z_][A-Za-z0-9_-]*\.([A-Za-z_][A-Za-z0-9_]*)",
        regex::escape(schemas.provider_name)
    ))
    .expect("regex");
    let mut problems = Vec::new();
    for (number, raw) in text.lines().enumerate() {
        let line = without_comment(raw);
        for caps in reference.captures_iter(&line) {
            let known = schemas.of_kind(caps.get(1).map_or("", |m| m.as_str()));
            let (ty, attribute) = (&caps[2], &caps[3]);
            let at = format!("{file}:{}", number + 1);
            match known.get(ty) {
                None => problems.push(format!("{at}: reference to unknown type {ty}")),
                Some(block)
                    if block.attribute_named(attribute).is_none()
                        && !block.blocks().contains_key(attribute) =>
                {
                    problems.push(format!("{at}: {ty} has no attribute {attribute}"));
                }
                Some(_) => {}
            }
        }
    }
    problems
}

/// The line without its comment (`#` or `//` outside strings).
fn without_comment(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            '"' => in_string = !in_string,
            '#' if !in_string => break,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The line without its comment and with string contents removed, so braces inside strings
/// and templates do not count.
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut chars = without_comment(line)
        .chars()
        .collect::<Vec<_>>()
        .into_iter();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            _ if in_string => {}
            _ => out.push(c),
        }
    }
    out
}

/// `terraform import ADDRESS ID` commands of an `import.sh`, as (address, id).
pub fn import_commands(script: &str) -> Vec<(String, String)> {
    script
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["terraform", "import", address, id] => Some((
                    (*address).to_owned(),
                    id.trim_matches(['"', '\'']).to_owned(),
                )),
                _ => None,
            }
        })
        .collect()
}
