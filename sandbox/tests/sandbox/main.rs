//! The sandbox through the real AWS SDK for Rust: one test binary, one module per area.

mod abuse;
mod credential_report;
mod faults;
mod features;
mod guide;
mod organizations;
mod process;
mod protocol;
mod root_credentials;
mod sts;
mod support;
mod unlock;
