//! Arbitrary-precision numbers.

/// A cty number. Terraform numbers are arbitrary-precision decimals; this keeps them exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(pub bigdecimal::BigDecimal);
