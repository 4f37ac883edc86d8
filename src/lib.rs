//! terraform-provider-centralroot: a Terraform and OpenTofu provider for AWS centralized root access.

pub mod actions;
pub mod aws;
pub mod cty;
pub mod data_sources;
pub mod ephemeral_resources;
pub mod framework;
pub mod list_resources;
pub mod logging;
pub mod plugin;
pub mod provider;
pub mod resources;
pub mod tfplugin6;
pub mod types_common;
