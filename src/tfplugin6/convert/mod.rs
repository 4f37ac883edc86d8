//! Conversions between protobuf messages and framework types, one file per kind.

pub mod answer;
pub mod diagnostics;
pub mod dynamic_value;
pub mod encoder;
pub mod identity;
pub mod schema;
