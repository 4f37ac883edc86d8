//! The go-plugin handshake: who may start us, which protocol we speak, and the
//! line that tells the client where to connect.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde_json::json;

use super::error::PluginError;

/// Environment variable carrying Terraform's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The cookie value every Terraform and OpenTofu release sends.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The only plugin protocol this provider serves.
pub const PROTOCOL_VERSION: u32 = 6;
/// go-plugin's own core protocol version, first field of the handshake.
const CORE_PROTOCOL_VERSION: u32 = 1;
/// The provider's source address, used in the reattach line.
pub const SOURCE_ADDRESS: &str = "registry.terraform.io/centralroot/centralroot";

/// Refuses to run unless started by a plugin client that set the magic cookie.
pub fn check_magic_cookie(value: Option<&str>) -> Result<(), PluginError> {
    match value {
        Some(MAGIC_COOKIE_VALUE) => Ok(()),
        _ => Err(PluginError::NotLaunchedByTerraform),
    }
}

/// Picks protocol 6 from the client's comma list.
///
/// An absent or empty list means the client did not negotiate, in which case
/// go-plugin servers answer with their default version: ours is 6.
pub fn negotiate_protocol(offered: Option<&str>) -> Result<u32, PluginError> {
    let Some(list) = offered.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let speaks_ours = list
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == PROTOCOL_VERSION);
    if speaks_ours {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(PluginError::UnsupportedProtocol {
            offered: list.to_owned(),
        })
    }
}

/// The handshake line, newline included:
/// `1|6|unix|<path>|grpc|<certificate DER, base64 standard alphabet without padding>`.
///
/// Without TLS the certificate field stays empty, as go-plugin does.
pub fn handshake_line(socket: &str, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{socket}|grpc|{cert}\n")
}

/// The `TF_REATTACH_PROVIDERS` value for a plaintext server on `socket`.
///
/// `"Test": true` is what makes Terraform accept protocol 6 on reattach and
/// leave the process alone when it is done with it.
pub fn reattach_value(socket: &str, pid: u32) -> String {
    json!({
        SOURCE_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": "unix", "String": socket },
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        assert!(check_magic_cookie(Some(MAGIC_COOKIE_VALUE)).is_ok());
        assert!(check_magic_cookie(None).is_err());
        assert!(check_magic_cookie(Some("")).is_err());
        assert!(check_magic_cookie(Some(&MAGIC_COOKIE_VALUE[1..])).is_err());
    }

    #[test]
    fn protocol_six_is_chosen_in_any_order() {
        for offered in ["5,6", "6,5", "6", " 4 , 6 ", "x,6"] {
            assert_eq!(negotiate_protocol(Some(offered)).ok(), Some(6), "{offered}");
        }
        assert_eq!(negotiate_protocol(None).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some("")).ok(), Some(6));
    }

    #[test]
    fn protocol_five_alone_is_refused_with_the_offer_in_the_message() {
        let err = negotiate_protocol(Some("5")).err().map(|e| e.to_string());
        let message = err.unwrap_or_default();
        assert!(message.contains("protocol 6"), "{message}");
        assert!(message.contains("\"5\""), "{message}");
        assert!(negotiate_protocol(Some("7,60")).is_err());
    }

    #[test]
    fn handshake_line_has_unpadded_standard_base64() {
        // 4 bytes need padding in padded base64 ("+/8A/w=="), and use both 62/63 symbols.
        let line = handshake_line("/tmp/plugin1", Some(&[0xfb, 0xff, 0x00, 0xff]));
        assert_eq!(line, "1|6|unix|/tmp/plugin1|grpc|+/8A/w\n");
        assert_eq!(handshake_line("/s", None), "1|6|unix|/s|grpc|\n");
    }

    #[test]
    fn reattach_value_has_the_fields_terraform_reads() {
        let value: serde_json::Value =
            serde_json::from_str(&reattach_value("/tmp/p", 42)).unwrap_or_default();
        let entry = &value[SOURCE_ADDRESS];
        assert_eq!(entry["Protocol"], "grpc");
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Pid"], 42);
        assert_eq!(entry["Test"], true);
        assert_eq!(entry["Addr"]["Network"], "unix");
        assert_eq!(entry["Addr"]["String"], "/tmp/p");
    }
}
