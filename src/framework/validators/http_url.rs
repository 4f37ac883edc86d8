//! The string must be an absolute http(s) URL.

use super::{ValidateRequest, Validator, check_string};
use crate::framework::diagnostics::Diagnostics;

/// An absolute `http://` or `https://` URL with a host, e.g. `http://127.0.0.1:4566`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpUrl;

/// Whether `text` is an absolute http(s) URL with a non-empty host and a valid port if any.
pub fn is_http_url(text: &str) -> bool {
    let rest = match text.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest
        }
        _ => return false,
    };
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
    !host.is_empty() && port_ok
}

impl Validator for HttpUrl {
    fn description(&self) -> String {
        "be an absolute http:// or https:// URL".to_owned()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        check_string(
            req,
            diags,
            "Invalid Endpoint URL",
            &self.description(),
            is_http_url,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::test_support::assert_strings;

    #[test]
    fn table() {
        let cases = [
            ("https://iam.amazonaws.com", false),
            ("http://127.0.0.1:4566", false),
            ("http://localhost:4566/path?q=1", false),
            ("HTTPS://example.com/", false),
            ("http://[::1]:8080", false),
            ("ftp://example.com", true),
            ("example.com", true),
            ("http://", true),
            ("http://:80", true),
            ("http://host:port", true),
            ("http://host:99999", true),
            ("http://exa mple.com", true),
            ("", true),
        ];
        assert_strings(&HttpUrl, &cases);
    }
}
