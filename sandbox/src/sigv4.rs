//! AWS Signature Version 4 verification of incoming requests.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// No `Authorization` header.
    #[error("request is missing an Authorization header")]
    Missing,
    /// The header or the signed headers are not usable.
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// `X-Amz-Date` is too far from the server clock.
    #[error("Signature expired: {0} is more than 15 minutes away from the server time.")]
    Expired(String),
    /// `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD`: the signature would not cover the body.
    #[error(
        "UNSIGNED-PAYLOAD is not accepted for this request: the signature must cover the request body."
    )]
    UnsignedPayload,
    /// An S3 request without `X-Amz-Content-SHA256`, which S3 requires of SigV4 requests.
    #[error("Missing required header for this request: x-amz-content-sha256")]
    MissingContentSha256,
    /// The signature is wrong.
    #[error(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
    )]
    Mismatch,
}

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// Access key id of the credential.
    pub access_key_id: String,
    /// `YYYYMMDD` of the scope.
    pub date: String,
    /// Region of the scope.
    pub region: String,
    /// Service of the scope.
    pub service: String,
    /// Lower-case names of the signed headers, in order.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

impl Authorization {
    /// Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    pub fn parse(header: &str) -> Result<Authorization, SigV4Error> {
        let malformed = |what: &str| SigV4Error::Malformed(what.to_owned());
        let rest = header
            .strip_prefix(ALGORITHM)
            .ok_or_else(|| malformed("unsupported algorithm"))?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, value) = part
                .trim()
                .split_once('=')
                .ok_or_else(|| malformed("expected key=value"))?;
            match key {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
        let credential = credential.ok_or_else(|| malformed("missing Credential"))?;
        let scope: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
            return Err(malformed(
                "credential scope is not KEY/DATE/REGION/SERVICE/aws4_request",
            ));
        };
        let signed_headers: Vec<String> = signed
            .ok_or_else(|| malformed("missing SignedHeaders"))?
            .split(';')
            .map(str::to_owned)
            .collect();
        if !signed_headers.iter().any(|h| h == "host") {
            return Err(malformed("the host header must be signed"));
        }
        Ok(Authorization {
            access_key_id: access_key_id.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            signed_headers,
            signature: signature
                .ok_or_else(|| malformed("missing Signature"))?
                .to_owned(),
        })
    }

    /// Reads and parses the `Authorization` header of a request.
    pub fn from_headers(headers: &HeaderMap) -> Result<Authorization, SigV4Error> {
        let value = headers
            .get("authorization")
            .ok_or(SigV4Error::Missing)?
            .to_str()
            .map_err(|_| SigV4Error::Malformed("Authorization is not ASCII".to_owned()))?;
        Authorization::parse(value)
    }

    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// The parts of an HTTP request that SigV4 signs.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// `POST`, `GET`, …
    pub method: &'a str,
    /// The path as sent (percent-encoded).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// All headers.
    pub headers: &'a HeaderMap,
    /// The body bytes.
    pub body: &'a [u8],
}

/// Checks that `auth.signature` is the signature of `request` under `secret`, body included.
pub fn verify(
    auth: &Authorization,
    secret: &str,
    request: &SignedRequest<'_>,
) -> Result<(), SigV4Error> {
    // IAM, STS, Organizations and SQS bodies carry the whole request, and an S3 bucket
    // policy is a body: unsigned, a tampered body would pass. (AWS SDKs sign these bodies;
    // only streaming uploads use UNSIGNED-PAYLOAD.) S3 accepts it where there is no body to
    // cover, and wants the header on every request.
    let content_sha256 = header_str(request.headers, "x-amz-content-sha256");
    let s3 = auth.service == "s3";
    if content_sha256 == Some(UNSIGNED_PAYLOAD) && !(s3 && request.body.is_empty()) {
        return Err(SigV4Error::UnsignedPayload);
    }
    if s3 && content_sha256.is_none() {
        return Err(SigV4Error::MissingContentSha256);
    }
    let amz_date = header_str(request.headers, "x-amz-date")
        .ok_or_else(|| SigV4Error::Malformed("missing X-Amz-Date".to_owned()))?;
    if !amz_date.starts_with(&auth.date) {
        return Err(SigV4Error::Malformed(
            "the credential scope date does not match X-Amz-Date".to_owned(),
        ));
    }
    let canonical = canonical_request(auth, request)?;
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        auth.scope(),
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let expected = hex::decode(&auth.signature).map_err(|_| SigV4Error::Mismatch)?;
    keyed(&signing_key(secret, auth), string_to_sign.as_bytes())
        .verify_slice(&expected)
        .map_err(|_| SigV4Error::Mismatch)
}

/// How far `X-Amz-Date` may be from the server clock, as AWS allows.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 15 * 60;

/// Checks that `X-Amz-Date` is within [`MAX_CLOCK_SKEW_SECONDS`] of `now` (epoch seconds).
pub fn check_request_time(headers: &HeaderMap, now: i64) -> Result<(), SigV4Error> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let text = header_str(headers, "x-amz-date")
        .ok_or_else(|| SigV4Error::Malformed("missing X-Amz-Date".to_owned()))?;
    let signed_at = time::PrimitiveDateTime::parse(text, &format)
        .map_err(|_| SigV4Error::Malformed(format!("X-Amz-Date {text} is not YYYYMMDDTHHMMSSZ")))?
        .assume_utc()
        .unix_timestamp();
    if (now - signed_at).abs() > MAX_CLOCK_SKEW_SECONDS {
        return Err(SigV4Error::Expired(text.to_owned()));
    }
    Ok(())
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn keyed(key: &[u8], data: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data);
    mac
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    keyed(key, data).finalize().into_bytes().to_vec()
}

fn signing_key(secret: &str, auth: &Authorization) -> Vec<u8> {
    let date = hmac(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    let region = hmac(&date, auth.region.as_bytes());
    let service = hmac(&region, auth.service.as_bytes());
    hmac(&service, b"aws4_request")
}

fn canonical_request(
    auth: &Authorization,
    request: &SignedRequest<'_>,
) -> Result<String, SigV4Error> {
    let body_hash = hex::encode(Sha256::digest(request.body));
    let payload_hash = match header_str(request.headers, "x-amz-content-sha256") {
        Some(UNSIGNED_PAYLOAD) => UNSIGNED_PAYLOAD.to_owned(),
        Some(claimed) if claimed != body_hash => return Err(SigV4Error::Mismatch),
        _ => body_hash,
    };
    let mut headers = String::new();
    for name in &auth.signed_headers {
        let values: Vec<String> = request
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if values.is_empty() {
            return Err(SigV4Error::Malformed(format!(
                "signed header {name} is missing"
            )));
        }
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(&auth.service, request.path),
        canonical_query(request.query),
        headers,
        auth.signed_headers.join(";"),
        payload_hash
    ))
}

/// Non-S3 services encode each path segment again on top of the encoding sent on the wire;
/// S3 signs the path as sent.
fn canonical_uri(service: &str, path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    if service == "s3" {
        return path.to_owned();
    }
    path.split('/')
        .map(uri_encode)
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(k)),
                uri_encode(&percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn uri_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Signs a request the way an AWS SDK does, for tests that send hand-made signed requests.
#[cfg(any(test, feature = "test-support"))]
pub fn sign(
    access_key_id: &str,
    secret: &str,
    region: &str,
    service: &str,
    amz_date: &str,
    request: &SignedRequest<'_>,
    signed_headers: &[&str],
) -> Result<String, SigV4Error> {
    let mut auth = Authorization {
        access_key_id: access_key_id.to_owned(),
        date: amz_date.get(..8).unwrap_or(amz_date).to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: signed_headers.iter().map(|h| (*h).to_owned()).collect(),
        signature: String::new(),
    };
    let canonical = canonical_request(&auth, request)?;
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        auth.scope(),
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    auth.signature = hex::encode(hmac(&signing_key(secret, &auth), string_to_sign.as_bytes()));
    Ok(format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
        auth.access_key_id,
        auth.scope(),
        auth.signed_headers.join(";"),
        auth.signature
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// The `get-vanilla` case of the AWS SigV4 test suite.
    #[test]
    fn matches_the_aws_test_suite_vanilla_get() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("example.amazonaws.com"));
        headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let header = sign(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "us-east-1",
            "service",
            "20150830T123600Z",
            &request,
            &["host", "x-amz-date"],
        )
        .unwrap();
        assert!(header.ends_with(
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
        let auth = Authorization::parse(&header).unwrap();
        verify(&auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &request).unwrap();
        assert_eq!(verify(&auth, "wrong", &request), Err(SigV4Error::Mismatch));
    }

    #[test]
    fn unsigned_payloads_are_refused_even_when_correctly_signed() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1"));
        headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        headers.insert(
            "x-amz-content-sha256",
            HeaderValue::from_static("UNSIGNED-PAYLOAD"),
        );
        let request = SignedRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"Action=GetCallerIdentity",
        };
        let header = sign(
            "AK",
            "secret",
            "us-east-1",
            "sts",
            "20150830T123600Z",
            &request,
            &["host", "x-amz-content-sha256", "x-amz-date"],
        )
        .unwrap();
        let auth = Authorization::parse(&header).unwrap();
        assert_eq!(
            verify(&auth, "secret", &request),
            Err(SigV4Error::UnsignedPayload)
        );
    }

    #[test]
    fn request_time_must_be_within_fifteen_minutes() {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        let signed_at = 1_440_938_160;
        assert_eq!(check_request_time(&headers, signed_at + 899), Ok(()));
        assert!(check_request_time(&headers, signed_at - 901).is_err());
        headers.insert("x-amz-date", HeaderValue::from_static("yesterday"));
        assert!(check_request_time(&headers, signed_at).is_err());
    }

    #[test]
    fn rejects_malformed_headers() {
        assert!(Authorization::parse("Basic abc").is_err());
        assert!(
            Authorization::parse(
                "AWS4-HMAC-SHA256 Credential=AK/2015/us/iam, SignedHeaders=host, Signature=00"
            )
            .is_err()
        );
        assert!(
            Authorization::parse("AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=00")
                .is_err()
        );
    }

    #[test]
    fn canonical_query_sorts_and_encodes() {
        assert_eq!(canonical_query("b=2&a=x%20y&a=1"), "a=1&a=x%20y&b=2");
        assert_eq!(canonical_uri("iam", "/a%20b"), "/a%2520b");
        assert_eq!(canonical_uri("s3", "/a%20b"), "/a%20b");
    }
}
