//! The centralroot provider: its configuration and the AWS layer its resources call.

pub mod aws;
