//! The local IAM + Organizations + STS emulator.

pub mod cli;
