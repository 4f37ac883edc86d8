//! Every way serving the plugin can fail, with the message the user sees on stderr.

use std::io;
use std::path::PathBuf;

/// A failure that ends the plugin process with exit status 1.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// Started without Terraform's magic cookie, most likely by hand.
    #[error(
        "terraform-provider-centralroot is a Terraform/OpenTofu plugin and is not meant to be executed directly: \
         run it through terraform (or tofu), which starts it automatically.\n\
         To debug it, start it with `--debug` and attach Terraform through TF_REATTACH_PROVIDERS."
    )]
    NotLaunchedByTerraform,
    /// Terraform offered no protocol version this provider speaks.
    #[error(
        "terraform-provider-centralroot speaks plugin protocol 6 only, but the client offered \
         PLUGIN_PROTOCOL_VERSIONS={offered:?}. Use Terraform 1.0 or later, or any OpenTofu release."
    )]
    UnsupportedProtocol {
        /// The raw `PLUGIN_PROTOCOL_VERSIONS` value.
        offered: String,
    },
    /// AutoMTLS is expected but the client did not pass its certificate.
    #[error(
        "PLUGIN_CLIENT_CERT is not set, so the client cannot be authenticated. \
         Terraform sets it; set TF_DISABLE_PLUGIN_TLS=1 to serve without TLS."
    )]
    MissingClientCert,
    /// `PLUGIN_CLIENT_CERT` holds no usable PEM certificate.
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate")]
    InvalidClientCert,
    /// The server certificate could not be generated.
    #[error("cannot generate the server certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the server configuration.
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// `PLUGIN_UNIX_SOCKET_GROUP` names no known group.
    #[error("PLUGIN_UNIX_SOCKET_GROUP={0:?} is neither a group id nor a group name in /etc/group")]
    UnknownGroup(String),
    /// The unix socket could not be created or prepared.
    #[error("cannot prepare the plugin socket {path}: {source}")]
    Socket {
        /// Where the socket was to be.
        path: PathBuf,
        /// The underlying failure.
        source: io::Error,
    },
    /// The async runtime or a signal handler could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(io::Error),
    /// The handshake line could not be written.
    #[error("cannot write the handshake to stdout: {0}")]
    Stdout(io::Error),
    /// The gRPC server failed.
    #[error("gRPC server failed: {0}")]
    Serve(#[from] tonic::transport::Error),
    /// A command line argument this binary does not know.
    #[error(
        "unknown argument {0:?}; usage: terraform-provider-centralroot [--debug | --version | --help | sandbox ...]"
    )]
    UnknownArgument(String),
}
