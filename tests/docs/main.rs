//! The Registry documentation under `docs/` is generated from the provider's schemas and the
//! files under `examples/`; these tests regenerate it in memory and fail when `docs/` differs.
//! `UPDATE_DOCS=1 cargo test --test docs` rewrites the generated pages instead.
//!
//! Layout:
//! - [`schema`]: the `## Schema` section of a block (Required / Optional / Read-Only, nested
//!   blocks, defaults, replacement, validators).
//! - [`pages`]: whole pages (front matter, example usage, import) and `docs/index.md` from
//!   `tests/docs/templates/index.md`.
//! - [`examples`]: the example files, and the check that they only use what the schemas declare.
//! - [`permissions`]: each page's Permissions section and the provider's IAM policy, from the
//!   table each type declares.
//!
//! Hand-written pages (`docs/guides/`) are not generated and not compared.

mod examples;
mod pages;
mod permissions;
mod schema;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use centralroot::framework::provider::{Named, Provider};
use centralroot::framework::schema::{Block, IdentitySchema, Schema};
use centralroot::provider::CentralRootProvider;

use pages::Kind;

/// What to run to regenerate the pages.
const UPDATE_COMMAND: &str = "UPDATE_DOCS=1 cargo test --test docs";

/// The provider's types: (kind, full type name, schema), sorted by kind then name.
fn types() -> Vec<(Kind, String, Schema)> {
    let provider = CentralRootProvider;
    let mut types: Vec<(Kind, String, Schema)> = [
        of_kind(Kind::Resource, provider.resources(), |r| r.schema()),
        of_kind(Kind::DataSource, provider.data_sources(), |d| d.schema()),
        of_kind(Kind::Action, provider.actions(), |a| a.schema()),
        of_kind(
            Kind::EphemeralResource,
            provider.ephemeral_resources(),
            |e| e.schema(),
        ),
        of_kind(Kind::ListResource, provider.list_resources(), |l| {
            l.config_schema()
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    types.sort_by(|a, b| (a.0.directory(), &a.1).cmp(&(b.0.directory(), &b.1)));
    types
}

/// The types of one kind from the provider's list of them: (kind, name, `schema` of each).
fn of_kind<T: ?Sized>(
    kind: Kind,
    types: Vec<Named<T>>,
    schema: impl Fn(&T) -> Schema,
) -> Vec<(Kind, String, Schema)> {
    types
        .into_iter()
        .map(|(name, implementation)| (kind, name.to_owned(), schema(&implementation)))
        .collect()
}

/// The identity schema of resource `type_name`, if it has one.
fn identity(kind: Kind, type_name: &str) -> Option<IdentitySchema> {
    if kind != Kind::Resource {
        return None;
    }
    CentralRootProvider
        .resources()
        .iter()
        .find(|(name, _)| *name == type_name)
        .and_then(|(_, r)| r.identity_schema())
}

/// `docs/<kind>/<name without the provider prefix>.md`, as tfplugindocs names pages.
fn page_path(kind: Kind, type_name: &str) -> String {
    let prefix = format!("{}_", CentralRootProvider.type_name());
    let short = type_name.strip_prefix(&prefix).unwrap_or(type_name);
    format!("{}/{short}.md", kind.directory())
}

/// Every generated page, by path relative to `docs/`.
fn generate() -> BTreeMap<String, String> {
    let provider = CentralRootProvider;
    let mut pages = BTreeMap::new();
    pages.insert(
        "index.md".to_owned(),
        pages::index_page(provider.type_name(), &provider.schema()),
    );
    for (kind, name, type_schema) in types() {
        pages.insert(
            page_path(kind, &name),
            pages::type_page(kind, &name, &type_schema, identity(kind, &name).as_ref()),
        );
    }
    pages
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
}

/// The generated pages on disk: `docs/index.md` and everything under the generated directories.
fn pages_on_disk() -> BTreeMap<String, String> {
    let root = docs_dir();
    let mut found = BTreeMap::new();
    if let Ok(text) = fs::read_to_string(root.join("index.md")) {
        found.insert("index.md".to_owned(), text);
    }
    for kind in Kind::ALL {
        let Ok(entries) = fs::read_dir(root.join(kind.directory())) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(text) = fs::read_to_string(entry.path()) {
                found.insert(format!("{}/{name}", kind.directory()), text);
            }
        }
    }
    found
}

/// Writes `pages` under `docs/` and removes generated pages no type has any more.
fn write_pages(pages: &BTreeMap<String, String>) {
    let root = docs_dir();
    for stale in pages_on_disk()
        .keys()
        .filter(|path| !pages.contains_key(*path))
    {
        fs::remove_file(root.join(stale)).unwrap_or_else(|err| panic!("remove {stale}: {err}"));
    }
    for (path, text) in pages {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|err| panic!("create {parent:?}: {err}"));
        }
        fs::write(&target, text).unwrap_or_else(|err| panic!("write {path}: {err}"));
    }
}

/// Where two texts first differ, as "line N: expected … / found …".
fn first_difference(expected: &str, found: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut found_lines = found.lines();
    let mut number = 1;
    loop {
        match (expected_lines.next(), found_lines.next()) {
            (Some(e), Some(f)) if e == f => number += 1,
            (None, None) => return "trailing whitespace differs".to_owned(),
            (e, f) => {
                return format!(
                    "line {number}:\n      generated: {}\n      on disk:   {}",
                    e.unwrap_or("<end of file>"),
                    f.unwrap_or("<end of file>")
                );
            }
        }
    }
}

#[test]
fn docs_match_the_schemas_and_examples() {
    let generated = generate();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| !v.is_empty() && v != "0") {
        write_pages(&generated);
        return;
    }
    let on_disk = pages_on_disk();
    let mut problems = Vec::new();
    for (path, text) in &generated {
        match on_disk.get(path) {
            None => problems.push(format!("docs/{path} is missing")),
            Some(found) if found != text => problems.push(format!(
                "docs/{path} is out of date, first difference at {}",
                first_difference(text, found)
            )),
            Some(_) => {}
        }
    }
    for path in on_disk.keys().filter(|path| !generated.contains_key(*path)) {
        problems.push(format!("docs/{path} documents no type of the provider"));
    }
    assert!(
        problems.is_empty(),
        "the documentation does not match the schemas and examples:\n  {}\n\nRun `{UPDATE_COMMAND}` to regenerate docs/ (and commit the result).",
        problems.join("\n  ")
    );
}

#[test]
fn every_schema_attribute_and_block_is_described() {
    let provider = CentralRootProvider;
    let mut missing = schema::undescribed(&provider.schema().block, "provider.");
    if provider
        .schema()
        .block
        .get_description()
        .plain
        .trim()
        .is_empty()
    {
        missing.push("provider (the provider block itself)".to_owned());
    }
    for (_, name, type_schema) in types() {
        if type_schema.block.get_description().plain.trim().is_empty() {
            missing.push(format!("{name} (the type itself)"));
        }
        missing.extend(schema::undescribed(&type_schema.block, &format!("{name}.")));
    }
    assert!(
        missing.is_empty(),
        "these have an empty description, which the docs would show as blank:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_type_has_an_example() {
    let mut missing = Vec::new();
    if examples::read("provider/provider.tf").is_none() {
        missing.push("examples/provider/provider.tf".to_owned());
    }
    for (kind, name, _) in types() {
        let path = format!("{}/{name}/{}", kind.directory(), kind.example_file());
        if examples::read(&path).is_none() {
            missing.push(format!("examples/{path}"));
        }
    }
    assert!(
        missing.is_empty(),
        "examples are missing (the docs show them under Example Usage):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn import_examples_are_terraform_import_commands() {
    for (kind, name, _) in types() {
        if kind != Kind::Resource {
            continue;
        }
        let Some(script) = examples::read(&format!("resources/{name}/import.sh")) else {
            continue;
        };
        let commands = examples::import_commands(&script);
        assert!(
            !commands.is_empty(),
            "examples/resources/{name}/import.sh has no `terraform import ADDRESS ID` line"
        );
        for (address, _) in commands {
            assert!(
                address.starts_with(&format!("{name}.")),
                "examples/resources/{name}/import.sh imports {address}, not a {name}"
            );
        }
    }
}

/// The schemas of this provider, for [`examples::check`].
fn with_schemas<R>(check: impl FnOnce(&examples::Schemas<'_>) -> R) -> R {
    let provider = CentralRootProvider;
    let provider_schema = provider.schema();
    let types = types();
    let blocks = |wanted: Kind| -> BTreeMap<String, &Block> {
        types
            .iter()
            .filter(|(kind, _, _)| *kind == wanted)
            .map(|(_, name, schema)| (name.clone(), &schema.block))
            .collect()
    };
    check(&examples::Schemas {
        provider_name: provider.type_name(),
        provider: &provider_schema.block,
        resources: blocks(Kind::Resource),
        data_sources: blocks(Kind::DataSource),
        ephemeral_resources: blocks(Kind::EphemeralResource),
    })
}

#[test]
fn examples_use_only_what_the_schemas_declare() {
    let files = examples::all_tf_files();
    assert!(!files.is_empty(), "no .tf file under examples/");
    let problems: Vec<String> = with_schemas(|schemas| {
        files
            .iter()
            .flat_map(|(path, text)| examples::check(path, text, schemas))
            .collect()
    });
    assert!(
        problems.is_empty(),
        "examples use arguments, blocks or attributes the schemas do not declare:\n  {}",
        problems.join("\n  ")
    );
}

/// The generator and the checker on a made-up resource, so their behaviour is pinned even
/// while the provider has few types.
mod generator {
    use super::*;
    use centralroot::cty::{Type, Value};
    use centralroot::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
    use centralroot::framework::schema::{Attribute, NestedBlock, Nesting};
    use centralroot::framework::validators::StringOneOf;

    fn widget() -> Block {
        Block::new()
            .description("A widget.")
            .attribute(
                "name",
                Attribute::required(Type::String)
                    .description("The name")
                    .plan_modifier(RequiresReplace),
            )
            .attribute(
                "color",
                Attribute::optional(Type::String)
                    .description("The color.")
                    .validator(StringOneOf::new(["red", "blue"]))
                    .default_value(Value::String("red".into())),
            )
            .attribute(
                "secret",
                Attribute::optional(Type::String)
                    .sensitive()
                    .description("A secret."),
            )
            .attribute(
                "tags",
                Attribute::optional(Type::set(Type::String)).description("Tags."),
            )
            .attribute(
                "id",
                Attribute::computed(Type::String)
                    .description("The ID.")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                "items",
                Attribute::computed(Type::list(Type::object([
                    ("key", Type::String),
                    ("count", Type::Number),
                ])))
                .description("The items."),
            )
            .block(
                "part",
                NestedBlock::new(
                    Nesting::List,
                    Block::new()
                        .description("A part.")
                        .attribute("size", Attribute::required(Type::Number).description("")),
                )
                .max_items(1),
            )
    }

    #[test]
    fn schema_section_has_the_tfplugindocs_shape() {
        let text = schema::section(&widget());
        let expected = "## Schema

### Required

- `name` (String) The name. Changing this forces a new resource.

### Optional

- `color` (String) The color. Value must be one of: \"red\", \"blue\". Defaults to `\"red\"`.
- `part` (Block List, Max: 1) A part. (see [below for nested schema](#nestedblock--part))
- `secret` (String, Sensitive) A secret.
- `tags` (Set of String) Tags.

### Read-Only

- `id` (String) The ID.
- `items` (List of Object) The items. (see [below for nested schema](#nestedatt--items))

<a id=\"nestedblock--part\"></a>
### Nested Schema for `part`

Required:

- `size` (Number)

<a id=\"nestedatt--items\"></a>
### Nested Schema for `items`

Read-Only:

- `count` (Number)
- `key` (String)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn empty_descriptions_are_found() {
        assert_eq!(schema::undescribed(&widget(), "w."), ["w.part.size"]);
    }

    fn lease() -> Block {
        Block::new()
            .attribute("for_account", Attribute::required(Type::String))
            .attribute("secret", Attribute::computed(Type::String).sensitive())
    }

    fn check(text: &str) -> Vec<String> {
        let widget = widget();
        let lease = lease();
        let provider = Block::new().attribute("region", Attribute::optional(Type::String));
        let schemas = examples::Schemas {
            provider_name: "centralroot",
            provider: &provider,
            resources: [("centralroot_widget".to_owned(), &widget)].into(),
            data_sources: BTreeMap::new(),
            ephemeral_resources: [("centralroot_lease".to_owned(), &lease)].into(),
        };
        examples::check("x.tf", text, &schemas)
    }

    #[test]
    fn the_example_check_accepts_valid_use() {
        let text = r#"
provider "centralroot" {
  region = "us-east-1" # a { brace in a comment
}

resource "centralroot_widget" "a" {
  name       = "x{"
  tags       = ["a", "b"]
  depends_on = [terraform_data.other]
  part {
    size = 1
  }
  lifecycle {
    ignore_changes = [tags]
  }
}

output "o" {
  value = { id = centralroot_widget.a.id, name = "${centralroot_widget.a.name}" }
}

ephemeral "centralroot_lease" "l" {
  for_account = centralroot_widget.a.id
}

provider "centralroot" {
  alias  = "leased"
  region = ephemeral.centralroot_lease.l.secret
}
"#;
        assert_eq!(check(text), Vec::<String>::new());
    }

    #[test]
    fn the_example_check_finds_what_the_schema_lacks() {
        let text = r#"
provider "centralroot" {
  regoin = "us-east-1"
}

resource "centralroot_widget" "a" {
  name = "x"
  colour = "red"
  part {
    weight = 1
  }
  gadget {
  }
}

resource "centralroot_gizmo" "b" {}

output "o" {
  value = centralroot_widget.a.arn
}

ephemeral "centralroot_lease" "l" {
  for_acount = "x"
}

locals {
  l = ephemeral.centralroot_lease.l.token
}
"#;
        assert_eq!(
            check(text),
            [
                "x.tf:3: argument regoin is not in the schema",
                "x.tf:8: argument colour is not in the schema",
                "x.tf:10: argument weight is not in the schema",
                "x.tf:12: block gadget is not in the schema",
                "x.tf:16: no resource type centralroot_gizmo",
                "x.tf:23: argument for_acount is not in the schema",
                "x.tf:19: centralroot_widget has no attribute arn",
                "x.tf:27: centralroot_lease has no attribute token",
            ]
        );
    }

    #[test]
    fn import_commands_are_parsed() {
        let script = "# comment\nterraform import centralroot_widget.a 123\n\nterraform import centralroot_widget.a \"1/2\"\n";
        assert_eq!(
            examples::import_commands(script),
            [
                ("centralroot_widget.a".to_owned(), "123".to_owned()),
                ("centralroot_widget.a".to_owned(), "1/2".to_owned()),
            ]
        );
    }
}
