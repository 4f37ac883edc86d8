//! The msgpack encoding of cty values, as Terraform sends `DynamicValue.msgpack`.
//!
//! Rules (go-cty `cty/msgpack`): null is nil; a number is an int when it is an integer in the
//! `i64` range, else a float64 when exactly representable, else its decimal string; lists,
//! sets and tuples are arrays; maps and objects are maps (objects always carry every
//! attribute, sorted by name); a value of a `dynamic` place is `[type JSON as bin, value]`;
//! an unknown is extension 0 (`d4 00 00`) or, with refinements, extension 12 holding a map.
//!
//! Decoding is defensive: input comes from another process. Lengths are checked against the
//! remaining input before anything is allocated, nesting is bounded by [`MAX_DEPTH`](super::MAX_DEPTH), and
//! every malformation is a [`DecodeError`], never a panic.

use std::collections::BTreeMap;

use rmp::Marker;

use super::error::deeper;
use super::members::{Member, map_members, object_members};
use super::{DecodeError, EncodeError, Number, PathStep, Refinements, Type, Value};

/// Extension type of a refined unknown.
const EXT_REFINED_UNKNOWN: i8 = 12;
/// Largest refinement payload accepted, as go-cty does: more is abuse.
const MAX_REFINEMENT_LEN: usize = 1024;

/// Refinement map keys.
const KEY_NULLNESS: i64 = 1;
const KEY_STRING_PREFIX: i64 = 2;
const KEY_NUMBER_LOWER: i64 = 3;
const KEY_NUMBER_UPPER: i64 = 4;
const KEY_LENGTH_LOWER: i64 = 5;
const KEY_LENGTH_UPPER: i64 = 6;

/// Decodes `bytes` as a value of type `ty`. Trailing bytes are an error.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut d = Decoder::new(bytes);
    let v = d.value(ty, 0)?;
    if d.pos != bytes.len() {
        return Err(d.err("trailing bytes after the value"));
    }
    Ok(v)
}

/// Encodes `v` as a value of type `ty`.
///
/// An object attribute missing from `v` is written as nil. Refinements that do not apply to
/// the type (a string prefix on a number) are an error; on a `dynamic` place they are dropped,
/// as go-cty does.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder {
        out: Vec::new(),
        path: Vec::new(),
    };
    e.value(v, ty, 0)?;
    Ok(e.out)
}

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    path: Vec<PathStep>,
}

/// What an extension header announced.
struct ExtHeader {
    ty: i8,
    len: usize,
}

impl<'a> Decoder<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Decoder {
            buf,
            pos: 0,
            path: Vec::new(),
        }
    }

    fn err(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(&self.path, message)
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(self.err("unexpected end of input"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn peek_marker(&self) -> Result<Marker, DecodeError> {
        match self.buf.get(self.pos) {
            Some(b) => Ok(Marker::from_u8(*b)),
            None => Err(self.err("unexpected end of input")),
        }
    }

    fn marker(&mut self) -> Result<Marker, DecodeError> {
        let m = self.peek_marker()?;
        self.pos += 1;
        Ok(m)
    }

    fn u8(&mut self) -> Result<usize, DecodeError> {
        Ok(usize::from(self.take_array::<1>()?[0]))
    }

    fn u16(&mut self) -> Result<usize, DecodeError> {
        Ok(usize::from(u16::from_be_bytes(self.take_array()?)))
    }

    fn u32(&mut self) -> Result<usize, DecodeError> {
        let n = u32::from_be_bytes(self.take_array()?);
        usize::try_from(n).map_err(|_| self.err("length out of range"))
    }

    /// Reads an extension header if the next item is an extension.
    fn ext_header(&mut self, m: Marker) -> Result<Option<ExtHeader>, DecodeError> {
        let len = match m {
            Marker::FixExt1 => 1,
            Marker::FixExt2 => 2,
            Marker::FixExt4 => 4,
            Marker::FixExt8 => 8,
            Marker::FixExt16 => 16,
            Marker::Ext8 => self.u8()?,
            Marker::Ext16 => self.u16()?,
            Marker::Ext32 => self.u32()?,
            _ => return Ok(None),
        };
        let ty = i8::from_be_bytes(self.take_array()?);
        Ok(Some(ExtHeader { ty, len }))
    }

    fn array_len(&mut self, m: Marker, what: &str) -> Result<usize, DecodeError> {
        match m {
            Marker::FixArray(n) => Ok(usize::from(n)),
            Marker::Array16 => self.u16(),
            Marker::Array32 => self.u32(),
            _ => Err(self.err(format!("{what} is required"))),
        }
    }

    fn map_len(&mut self, m: Marker, what: &str) -> Result<usize, DecodeError> {
        match m {
            Marker::FixMap(n) => Ok(usize::from(n)),
            Marker::Map16 => self.u16(),
            Marker::Map32 => self.u32(),
            _ => Err(self.err(format!("{what} is required"))),
        }
    }

    /// Reads a str (or, leniently, bin) payload as bytes.
    fn raw_bytes(&mut self, m: Marker, what: &str) -> Result<&'a [u8], DecodeError> {
        let len = match m {
            Marker::FixStr(n) => usize::from(n),
            Marker::Str8 | Marker::Bin8 => self.u8()?,
            Marker::Str16 | Marker::Bin16 => self.u16()?,
            Marker::Str32 | Marker::Bin32 => self.u32()?,
            _ => return Err(self.err(format!("{what} is required"))),
        };
        self.take(len)
    }

    fn string(&mut self, m: Marker, what: &str) -> Result<String, DecodeError> {
        let bytes = self.raw_bytes(m, what)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(self.err(format!("{what} is not valid UTF-8"))),
        }
    }

    /// Reads any msgpack integer as an i128 (wide enough for both u64 and i64).
    fn integer(&mut self, m: Marker) -> Result<Option<i128>, DecodeError> {
        Ok(Some(match m {
            Marker::FixPos(n) => i128::from(n),
            Marker::FixNeg(n) => i128::from(n),
            Marker::U8 => i128::from(u8::from_be_bytes(self.take_array()?)),
            Marker::U16 => i128::from(u16::from_be_bytes(self.take_array()?)),
            Marker::U32 => i128::from(u32::from_be_bytes(self.take_array()?)),
            Marker::U64 => i128::from(u64::from_be_bytes(self.take_array()?)),
            Marker::I8 => i128::from(i8::from_be_bytes(self.take_array()?)),
            Marker::I16 => i128::from(i16::from_be_bytes(self.take_array()?)),
            Marker::I32 => i128::from(i32::from_be_bytes(self.take_array()?)),
            Marker::I64 => i128::from(i64::from_be_bytes(self.take_array()?)),
            _ => return Ok(None),
        }))
    }

    fn number(&mut self, m: Marker) -> Result<Number, DecodeError> {
        if let Some(i) = self.integer(m)? {
            return Ok(Number(bigdecimal::BigDecimal::from(i)));
        }
        let f = match m {
            Marker::F32 => f64::from(f32::from_be_bytes(self.take_array()?)),
            Marker::F64 => f64::from_be_bytes(self.take_array()?),
            _ => {
                let s = self.string(m, "number")?;
                return s.parse().map_err(|e| self.err(format!("{e}")));
            }
        };
        Number::from_f64(f).ok_or_else(|| self.err("infinite and NaN numbers are not supported"))
    }

    fn enter(&mut self, depth: usize) -> Result<usize, DecodeError> {
        deeper(depth, |message| self.err(message))
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        let m = self.marker()?;
        if let Some(ext) = self.ext_header(m)? {
            return self.unknown(ext, ty, depth);
        }
        if m == Marker::Null {
            return Ok(Value::Null);
        }
        match ty {
            Type::Bool => match m {
                Marker::True => Ok(Value::Bool(true)),
                Marker::False => Ok(Value::Bool(false)),
                _ => Err(self.err("bool is required")),
            },
            Type::Number => Ok(Value::Number(self.number(m)?)),
            Type::String => Ok(Value::String(self.string(m, "string")?)),
            Type::List(ety) | Type::Set(ety) => {
                let what = if matches!(ty, Type::List(_)) {
                    "a list"
                } else {
                    "a set"
                };
                let len = self.array_len(m, what)?;
                let items = self.elements(len, |_| ety, depth)?;
                Ok(match ty {
                    Type::List(_) => Value::List(items),
                    _ => Value::Set(items),
                })
            }
            Type::Tuple(etys) => {
                let len = self.array_len(m, "a tuple")?;
                if len != etys.len() {
                    return Err(self.err(format!("a tuple of length {} is required", etys.len())));
                }
                Ok(Value::Tuple(self.elements(len, |i| &etys[i], depth)?))
            }
            Type::Map(ety) => {
                let len = self.map_len(m, "a map")?;
                let depth = self.enter(depth)?;
                let mut entries = BTreeMap::new();
                for _ in 0..len {
                    let km = self.marker()?;
                    let key = self.string(km, "map key")?;
                    self.path.push(PathStep::Key(key));
                    let v = self.value(ety, depth)?;
                    if let Some(PathStep::Key(key)) = self.path.pop() {
                        entries.insert(key, v);
                    }
                }
                Ok(Value::Map(entries))
            }
            Type::Object { attributes, .. } => {
                let len = self.map_len(m, "an object")?;
                let depth = self.enter(depth)?;
                let mut attrs = BTreeMap::new();
                for _ in 0..len {
                    let km = self.marker()?;
                    let name = self.string(km, "attribute name")?;
                    let Some(aty) = attributes.get(&name) else {
                        return Err(self.err(format!("unsupported attribute {name:?}")));
                    };
                    self.path.push(PathStep::Attribute(name));
                    let v = self.value(aty, depth)?;
                    if let Some(PathStep::Attribute(name)) = self.path.pop() {
                        attrs.insert(name, v);
                    }
                }
                // Be lenient where go-cty is strict: an absent attribute is null.
                for name in attributes.keys() {
                    if !attrs.contains_key(name) {
                        attrs.insert(name.clone(), Value::Null);
                    }
                }
                Ok(Value::Object(attrs))
            }
            Type::Dynamic => {
                let len = self.array_len(m, "a dynamic value [type, value]")?;
                if len != 2 {
                    return Err(self.err("a dynamic value must be a [type, value] array"));
                }
                let tm = self.marker()?;
                let type_json = self.raw_bytes(tm, "dynamic value type")?;
                let concrete = Type::from_json(type_json)
                    .map_err(|e| self.err(format!("dynamic value type: {e}")))?;
                let depth = self.enter(depth)?;
                let v = self.value(&concrete, depth)?;
                Ok(Value::Dynamic(Box::new(concrete), Box::new(v)))
            }
        }
    }

    fn elements<'t>(
        &mut self,
        len: usize,
        ety: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<Vec<Value>, DecodeError> {
        let depth = self.enter(depth)?;
        // Every element takes at least one byte: never trust the length prefix beyond that.
        let mut items = Vec::with_capacity(len.min(self.remaining()));
        for i in 0..len {
            self.path.push(PathStep::position(i));
            items.push(self.value(ety(i), depth)?);
            self.path.pop();
        }
        Ok(items)
    }

    fn unknown(&mut self, ext: ExtHeader, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        let body = self.take(ext.len)?;
        if ext.len <= 1 {
            return Ok(Value::unknown());
        }
        if ext.ty != EXT_REFINED_UNKNOWN {
            return Err(self.err(format!(
                "unsupported extension type {} of length {}",
                ext.ty, ext.len
            )));
        }
        if ext.len > MAX_REFINEMENT_LEN {
            return Err(self.err("oversize unknown value refinement"));
        }
        let mut d = Decoder {
            buf: body,
            pos: 0,
            path: self.path.clone(),
        };
        let m = d.marker()?;
        let entries = d.map_len(m, "a refinement map")?;
        if matches!(ty, Type::Dynamic) {
            // Refinements of an unknown dynamic value are meaningless; go-cty ignores them too.
            return Ok(Value::unknown());
        }
        let mut r = Refinements::default();
        for _ in 0..entries {
            let km = d.marker()?;
            let Some(key) = d.integer(km)? else {
                return Err(d.err("refinement keys must be integers"));
            };
            match i64::try_from(key).unwrap_or(i64::MAX) {
                KEY_NULLNESS => {
                    r.nullness = Some(match d.marker()? {
                        Marker::True => true,
                        Marker::False => false,
                        _ => return Err(d.err("null refinement is not a bool")),
                    });
                }
                KEY_STRING_PREFIX => {
                    if *ty != Type::String {
                        return Err(d.err("string prefix refinement for a non-string type"));
                    }
                    let m = d.marker()?;
                    r.string_prefix = Some(d.string(m, "string prefix refinement")?);
                }
                k @ (KEY_NUMBER_LOWER | KEY_NUMBER_UPPER) => {
                    if *ty != Type::Number {
                        return Err(d.err("number bound refinement for a non-number type"));
                    }
                    let bound = d.number_bound(depth)?;
                    if k == KEY_NUMBER_LOWER {
                        r.number_lower = Some(bound);
                    } else {
                        r.number_upper = Some(bound);
                    }
                }
                k @ (KEY_LENGTH_LOWER | KEY_LENGTH_UPPER) => {
                    if !ty.is_collection() {
                        return Err(d.err("length refinement for a non-collection type"));
                    }
                    let m = d.marker()?;
                    let n = d
                        .integer(m)?
                        .and_then(|n| u64::try_from(n).ok())
                        .ok_or_else(|| d.err("length refinement is not a non-negative integer"))?;
                    if k == KEY_LENGTH_LOWER {
                        r.length_lower = Some(n);
                    } else {
                        r.length_upper = Some(n);
                    }
                }
                // Unknown keys are reserved for future refinements: skip them.
                _ => d.skip(depth)?,
            }
        }
        // Trailing bytes in the payload are reserved by go-cty and ignored.
        Ok(Value::Unknown(r))
    }

    fn number_bound(&mut self, depth: usize) -> Result<(Number, bool), DecodeError> {
        let bound_ty = Type::Tuple(vec![Type::Number, Type::Bool]);
        match self.value(&bound_ty, depth)? {
            Value::Tuple(items) => match items.as_slice() {
                [Value::Number(n), Value::Bool(inclusive)] => Ok((n.clone(), *inclusive)),
                _ => Err(self.err("number bound refinement must be a known [number, bool]")),
            },
            _ => Err(self.err("number bound refinement must be a known [number, bool]")),
        }
    }

    /// Skips one msgpack item of any kind.
    fn skip(&mut self, depth: usize) -> Result<(), DecodeError> {
        let depth = self.enter(depth)?;
        let m = self.marker()?;
        if let Some(ext) = self.ext_header(m)? {
            self.take(ext.len)?;
            return Ok(());
        }
        let n = match m {
            Marker::Null | Marker::True | Marker::False | Marker::FixPos(_) | Marker::FixNeg(_) => {
                0
            }
            Marker::U8 | Marker::I8 => 1,
            Marker::U16 | Marker::I16 => 2,
            Marker::U32 | Marker::I32 | Marker::F32 => 4,
            Marker::U64 | Marker::I64 | Marker::F64 => 8,
            Marker::FixStr(_)
            | Marker::Str8
            | Marker::Str16
            | Marker::Str32
            | Marker::Bin8
            | Marker::Bin16
            | Marker::Bin32 => {
                self.raw_bytes(m, "string")?;
                0
            }
            Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                let len = self.array_len(m, "an array")?;
                for _ in 0..len {
                    self.skip(depth)?;
                }
                0
            }
            Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                let len = self.map_len(m, "a map")?;
                for _ in 0..len {
                    self.skip(depth)?;
                    self.skip(depth)?;
                }
                0
            }
            _ => return Err(self.err("reserved msgpack marker")),
        };
        self.take(n)?;
        Ok(())
    }
}

struct Encoder {
    out: Vec<u8>,
    path: Vec<PathStep>,
}

impl Encoder {
    fn err(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::at(&self.path, message)
    }

    fn len_u32(&self, n: usize) -> Result<u32, EncodeError> {
        u32::try_from(n).map_err(|_| self.err("too many elements for msgpack"))
    }

    fn nonconforming(&self, v: &Value, ty: &Type) -> EncodeError {
        let kind = match v {
            Value::Null => "null",
            Value::Unknown(_) => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Tuple(_) => "tuple",
            Value::Object(_) => "object",
            Value::Dynamic(..) => "dynamic-wrapped value",
        };
        self.err(format!("a {kind} value does not conform to type {ty}"))
    }

    fn enter(&self, depth: usize) -> Result<usize, EncodeError> {
        deeper(depth, |message| self.err(message))
    }

    /// An array of `items`, each with its type.
    fn sequence<'v, 't>(
        &mut self,
        items: impl ExactSizeIterator<Item = (&'v Value, &'t Type)>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let depth = self.enter(depth)?;
        let len = self.len_u32(items.len())?;
        let _ = rmp::encode::write_array_len(&mut self.out, len);
        for (i, (item, ety)) in items.enumerate() {
            self.path.push(PathStep::position(i));
            self.value(item, ety, depth)?;
            self.path.pop();
        }
        Ok(())
    }

    /// A map of `members`: name, path step, value and type of each.
    fn members<'v, 't>(
        &mut self,
        members: impl ExactSizeIterator<Item = Member<'v, 't>>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let depth = self.enter(depth)?;
        let len = self.len_u32(members.len())?;
        let _ = rmp::encode::write_map_len(&mut self.out, len);
        for (name, step, item, ety) in members {
            let _ = rmp::encode::write_str(&mut self.out, name);
            self.path.push(step);
            self.value(item, ety, depth)?;
            self.path.pop();
        }
        Ok(())
    }

    fn value(&mut self, v: &Value, ty: &Type, depth: usize) -> Result<(), EncodeError> {
        // Writes into a Vec cannot fail, so the results of rmp's writers are discarded.
        match (ty, v) {
            (_, Value::Unknown(r)) => self.unknown(r, ty),
            (_, Value::Null) => {
                let _ = rmp::encode::write_nil(&mut self.out);
                Ok(())
            }
            (Type::Dynamic, Value::Dynamic(concrete, inner)) => {
                let depth = self.enter(depth)?;
                let _ = rmp::encode::write_array_len(&mut self.out, 2);
                let _ = rmp::encode::write_bin(&mut self.out, &concrete.to_json());
                self.value(inner, concrete, depth)
            }
            (Type::Bool, Value::Bool(b)) => {
                let _ = rmp::encode::write_bool(&mut self.out, *b);
                Ok(())
            }
            (Type::Number, Value::Number(n)) => {
                write_number(&mut self.out, n);
                Ok(())
            }
            (Type::String, Value::String(s)) => {
                let _ = rmp::encode::write_str(&mut self.out, s);
                Ok(())
            }
            (Type::List(ety), Value::List(items)) | (Type::Set(ety), Value::Set(items)) => {
                self.sequence(items.iter().map(|item| (item, &**ety)), depth)
            }
            (Type::Tuple(etys), Value::Tuple(items)) => {
                if etys.len() != items.len() {
                    return Err(self.err(format!(
                        "a tuple of {} elements does not conform to type {ty}",
                        items.len()
                    )));
                }
                self.sequence(items.iter().zip(etys), depth)
            }
            (Type::Map(ety), Value::Map(entries)) => self.members(map_members(entries, ety), depth),
            (Type::Object { attributes, .. }, Value::Object(attrs)) => {
                let members = object_members(ty, attributes, attrs).map_err(|e| self.err(e))?;
                self.members(members, depth)
            }
            _ => Err(self.nonconforming(v, ty)),
        }
    }

    fn unknown(&mut self, r: &Refinements, ty: &Type) -> Result<(), EncodeError> {
        if matches!(ty, Type::Dynamic) {
            self.out.extend_from_slice(&[0xd4, 0, 0]);
            return Ok(());
        }
        if r.string_prefix.is_some() && *ty != Type::String {
            return Err(self.err(format!("string prefix refinement on type {ty}")));
        }
        if (r.number_lower.is_some() || r.number_upper.is_some()) && *ty != Type::Number {
            return Err(self.err(format!("number bound refinement on type {ty}")));
        }
        if (r.length_lower.is_some() || r.length_upper.is_some()) && !ty.is_collection() {
            return Err(self.err(format!("length refinement on type {ty}")));
        }
        let mut body = Vec::new();
        let mut entries = 0u32;
        if let Some(nullness) = r.nullness {
            entries += 1;
            let _ = rmp::encode::write_sint(&mut body, KEY_NULLNESS);
            let _ = rmp::encode::write_bool(&mut body, nullness);
        }
        if let Some(prefix) = &r.string_prefix {
            entries += 1;
            let _ = rmp::encode::write_sint(&mut body, KEY_STRING_PREFIX);
            let _ = rmp::encode::write_str(&mut body, prefix);
        }
        for (key, bound) in [
            (KEY_NUMBER_LOWER, &r.number_lower),
            (KEY_NUMBER_UPPER, &r.number_upper),
        ] {
            if let Some((n, inclusive)) = bound {
                entries += 1;
                let _ = rmp::encode::write_sint(&mut body, key);
                let _ = rmp::encode::write_array_len(&mut body, 2);
                write_number(&mut body, n);
                let _ = rmp::encode::write_bool(&mut body, *inclusive);
            }
        }
        for (key, bound) in [
            (KEY_LENGTH_LOWER, r.length_lower),
            (KEY_LENGTH_UPPER, r.length_upper),
        ] {
            if let Some(n) = bound {
                entries += 1;
                let _ = rmp::encode::write_sint(&mut body, key);
                let _ = rmp::encode::write_uint(&mut body, n);
            }
        }
        if entries == 0 {
            // An empty refinement map would be a refined unknown that refines nothing.
            self.out.extend_from_slice(&[0xd4, 0, 0]);
            return Ok(());
        }
        let mut map_header = Vec::new();
        let _ = rmp::encode::write_map_len(&mut map_header, entries);
        let len = self.len_u32(map_header.len() + body.len())?;
        let _ = rmp::encode::write_ext_meta(&mut self.out, len, EXT_REFINED_UNKNOWN);
        self.out.extend_from_slice(&map_header);
        self.out.extend_from_slice(&body);
        Ok(())
    }
}

/// Int when exactly an i64, float64 when exactly representable, else the decimal string.
fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(i) = n.to_i64() {
        let _ = rmp::encode::write_sint(out, i);
    } else if let Some(f) = n.to_f64_exact() {
        let _ = rmp::encode::write_f64(out, f);
    } else {
        let _ = rmp::encode::write_str(out, &n.to_string());
    }
}
