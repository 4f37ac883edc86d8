//! The cty values layer: golden vectors, codecs and property tests, in one test binary.

mod json_codec;
mod msgpack_codec;
mod roundtrip;
