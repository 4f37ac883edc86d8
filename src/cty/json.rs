//! The JSON encoding of cty values: raw state and `DynamicValue.json`.
//!
//! Rules (go-cty `cty/json`): null is `null`; numbers are JSON numbers in plain decimal
//! notation, exact; objects carry every attribute, sorted by name; a value of a `dynamic`
//! place is `{"value":…,"type":…}`. JSON has no unknowns: encoding one is an error.
//! Like go-cty, decoding converts primitives where Terraform would (`"12"` for a number,
//! `"true"` for a bool, a number or bool for a string).

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::error::deeper;
use super::members::{Member, map_members, object_members};
use super::types::push_json_string;
use super::{AttributePath, DecodeError, EncodeError, PathStep, Type, Value};

/// Decodes JSON `bytes` as a value of type `ty`. An object attribute not in the type is an
/// error; an absent attribute is null.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode_with(bytes, ty, false)
}

/// Like [`decode`], but ignores object attributes the type does not have. Raw state written
/// under an older schema needs this during state upgrade.
pub fn decode_lenient(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode_with(bytes, ty, true)
}

/// Encodes `v` as a value of type `ty`. An object attribute missing from `v` is written as
/// `null`.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder {
        out: String::new(),
        path: Vec::new(),
    };
    e.value(v, ty, 0)?;
    Ok(e.out.into_bytes())
}

fn decode_with(bytes: &[u8], ty: &Type, lenient: bool) -> Result<Value, DecodeError> {
    // serde_json bounds its own recursion (128 levels), so hostile nesting fails here.
    let json: J = serde_json::from_slice(bytes).map_err(|e| DecodeError {
        path: AttributePath::new(),
        message: format!("invalid JSON: {e}"),
    })?;
    let mut d = Decoder {
        path: Vec::new(),
        lenient,
    };
    d.value(&json, ty, 0)
}

struct Decoder {
    path: Vec<PathStep>,
    lenient: bool,
}

impl Decoder {
    fn err(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(&self.path, message)
    }

    fn enter(&self, depth: usize) -> Result<usize, DecodeError> {
        deeper(depth, |message| self.err(message))
    }

    fn value(&mut self, json: &J, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        if json.is_null() {
            return Ok(Value::Null);
        }
        match ty {
            Type::Bool => match json {
                J::Bool(b) => Ok(Value::Bool(*b)),
                J::String(s) if s == "true" => Ok(Value::Bool(true)),
                J::String(s) if s == "false" => Ok(Value::Bool(false)),
                _ => Err(self.err("bool is required")),
            },
            Type::Number => {
                let text = match json {
                    J::Number(n) => n.as_str(),
                    J::String(s) => s.as_str(),
                    _ => return Err(self.err("number is required")),
                };
                text.parse()
                    .map(Value::Number)
                    .map_err(|e| self.err(format!("{e}")))
            }
            Type::String => match json {
                J::String(s) => Ok(Value::String(s.clone())),
                J::Number(n) => Ok(Value::String(n.as_str().to_owned())),
                J::Bool(b) => Ok(Value::String(b.to_string())),
                _ => Err(self.err("string is required")),
            },
            Type::List(ety) | Type::Set(ety) => {
                let J::Array(items) = json else {
                    return Err(self.err(if matches!(ty, Type::List(_)) {
                        "a list is required"
                    } else {
                        "a set is required"
                    }));
                };
                let items = self.elements(items, |_| ety, depth)?;
                Ok(match ty {
                    Type::List(_) => Value::List(items),
                    _ => Value::Set(items),
                })
            }
            Type::Tuple(etys) => {
                let J::Array(items) = json else {
                    return Err(self.err("a tuple is required"));
                };
                if items.len() != etys.len() {
                    return Err(self.err(format!("a tuple of length {} is required", etys.len())));
                }
                Ok(Value::Tuple(self.elements(items, |i| &etys[i], depth)?))
            }
            Type::Map(ety) => {
                let J::Object(entries) = json else {
                    return Err(self.err("a map is required"));
                };
                let depth = self.enter(depth)?;
                let mut out = BTreeMap::new();
                for (k, item) in entries {
                    self.path.push(PathStep::Key(k.clone()));
                    let v = self.value(item, ety, depth)?;
                    self.path.pop();
                    out.insert(k.clone(), v);
                }
                Ok(Value::Map(out))
            }
            Type::Object { attributes, .. } => {
                let J::Object(entries) = json else {
                    return Err(self.err("an object is required"));
                };
                let depth = self.enter(depth)?;
                let mut out = BTreeMap::new();
                for (name, item) in entries {
                    let Some(aty) = attributes.get(name) else {
                        if self.lenient {
                            continue;
                        }
                        return Err(self.err(format!("unsupported attribute {name:?}")));
                    };
                    self.path.push(PathStep::Attribute(name.clone()));
                    let v = self.value(item, aty, depth)?;
                    self.path.pop();
                    out.insert(name.clone(), v);
                }
                for name in attributes.keys() {
                    if !out.contains_key(name) {
                        out.insert(name.clone(), Value::Null);
                    }
                }
                Ok(Value::Object(out))
            }
            Type::Dynamic => {
                let J::Object(entries) = json else {
                    return Err(self.err("a dynamic value {\"value\":…,\"type\":…} is required"));
                };
                if let Some(key) = entries.keys().find(|k| *k != "value" && *k != "type") {
                    return Err(self.err(format!("invalid key {key:?} in dynamically-typed value")));
                }
                let (Some(type_json), Some(value_json)) =
                    (entries.get("type"), entries.get("value"))
                else {
                    return Err(self.err("a dynamic value needs both \"value\" and \"type\""));
                };
                let concrete = Type::from_json_value(type_json, 0)
                    .map_err(|e| self.err(format!("dynamic value type: {e}")))?;
                let depth = self.enter(depth)?;
                let v = self.value(value_json, &concrete, depth)?;
                Ok(Value::Dynamic(Box::new(concrete), Box::new(v)))
            }
        }
    }

    fn elements<'t>(
        &mut self,
        items: &[J],
        ety: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<Vec<Value>, DecodeError> {
        let depth = self.enter(depth)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            self.path.push(PathStep::position(i));
            out.push(self.value(item, ety(i), depth)?);
            self.path.pop();
        }
        Ok(out)
    }
}

struct Encoder {
    out: String,
    path: Vec<PathStep>,
}

impl Encoder {
    fn err(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::at(&self.path, message)
    }

    fn enter(&self, depth: usize) -> Result<usize, EncodeError> {
        deeper(depth, |message| self.err(message))
    }

    fn sequence<'v, 't>(
        &mut self,
        items: impl Iterator<Item = (&'v Value, &'t Type)>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let depth = self.enter(depth)?;
        self.out.push('[');
        for (i, (item, ety)) in items.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.path.push(PathStep::position(i));
            self.value(item, ety, depth)?;
            self.path.pop();
        }
        self.out.push(']');
        Ok(())
    }

    /// A JSON object of `members`: name, path step, value and type of each.
    fn members<'v, 't>(
        &mut self,
        members: impl Iterator<Item = Member<'v, 't>>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let depth = self.enter(depth)?;
        self.out.push('{');
        for (i, (name, step, item, ety)) in members.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            push_json_string(&mut self.out, name);
            self.out.push(':');
            self.path.push(step);
            self.value(item, ety, depth)?;
            self.path.pop();
        }
        self.out.push('}');
        Ok(())
    }

    fn value(&mut self, v: &Value, ty: &Type, depth: usize) -> Result<(), EncodeError> {
        match (ty, v) {
            (_, Value::Unknown(_)) => Err(self.err("unknown values cannot be encoded as JSON")),
            (_, Value::Null) => {
                self.out.push_str("null");
                Ok(())
            }
            (Type::Dynamic, Value::Dynamic(concrete, inner)) => {
                let depth = self.enter(depth)?;
                self.out.push_str("{\"value\":");
                self.value(inner, concrete, depth)?;
                self.out.push_str(",\"type\":");
                self.out.push_str(&concrete.to_string());
                self.out.push('}');
                Ok(())
            }
            (Type::Bool, Value::Bool(b)) => {
                self.out.push_str(if *b { "true" } else { "false" });
                Ok(())
            }
            (Type::Number, Value::Number(n)) => {
                self.out.push_str(&n.to_string());
                Ok(())
            }
            (Type::String, Value::String(s)) => {
                push_json_string(&mut self.out, s);
                Ok(())
            }
            (Type::List(ety), Value::List(items)) | (Type::Set(ety), Value::Set(items)) => {
                self.sequence(items.iter().map(|item| (item, &**ety)), depth)
            }
            (Type::Tuple(etys), Value::Tuple(items)) if etys.len() == items.len() => {
                self.sequence(items.iter().zip(etys), depth)
            }
            (Type::Map(ety), Value::Map(entries)) => self.members(map_members(entries, ety), depth),
            (Type::Object { attributes, .. }, Value::Object(attrs)) => {
                let members = object_members(ty, attributes, attrs).map_err(|e| self.err(e))?;
                self.members(members, depth)
            }
            _ => Err(self.err(format!("value does not conform to type {ty}"))),
        }
    }
}
