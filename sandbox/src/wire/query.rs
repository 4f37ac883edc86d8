//! awsQuery: form-encoded requests, XML answers and `ErrorResponse` envelopes (IAM and STS).

use crate::error::ApiError;
use quick_xml::escape::escape;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The XML namespace of IAM answers.
pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// The XML namespace of STS answers.
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The decoded form parameters of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Decodes an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Result<QueryParams, ApiError> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(QueryParams)
            .map_err(|_| ApiError::validation("the request body is not a valid form"))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a required parameter, or the awsQuery validation error.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| {
            ApiError::validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    }
}

/// An XML element of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlNode {
    /// `<name>text</name>`, text escaped when rendered.
    Text(&'static str, String),
    /// `<name>children</name>`.
    Element(&'static str, Vec<XmlNode>),
}

impl XmlNode {
    /// A text element.
    pub fn text(name: &'static str, text: impl Into<String>) -> XmlNode {
        XmlNode::Text(name, text.into())
    }

    /// A timestamp element in ISO 8601, as awsQuery serializes them.
    pub fn timestamp(name: &'static str, epoch_seconds: i64) -> XmlNode {
        XmlNode::Text(name, iso8601(epoch_seconds))
    }

    /// A list element: `<name><member>…</member>…</name>`.
    pub fn list(name: &'static str, members: Vec<Vec<XmlNode>>) -> XmlNode {
        XmlNode::Element(
            name,
            members
                .into_iter()
                .map(|m| XmlNode::Element("member", m))
                .collect(),
        )
    }

    /// A list of text members: `<name><member>a</member>…</name>`.
    pub fn text_list(name: &'static str, items: impl IntoIterator<Item = String>) -> XmlNode {
        XmlNode::Element(
            name,
            items
                .into_iter()
                .map(|item| XmlNode::Text("member", item))
                .collect(),
        )
    }

    pub(crate) fn render(&self, out: &mut String) {
        match self {
            XmlNode::Text(name, text) => {
                out.push_str(&format!("<{name}>{}</{name}>", escape(text.as_str())));
            }
            XmlNode::Element(name, children) => {
                out.push_str(&format!("<{name}>"));
                for child in children {
                    child.render(out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }
}

/// Formats epoch seconds as `2023-11-14T22:13:20Z`.
pub fn iso8601(epoch_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(epoch_seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// Renders `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata>…</ResponseMetadata></OpResponse>`;
/// operations without output have no `OpResult`.
pub fn render_response(
    operation: &str,
    namespace: &str,
    result: Option<&[XmlNode]>,
    request_id: &str,
) -> String {
    let mut out = format!("<{operation}Response xmlns=\"{namespace}\">");
    if let Some(children) = result {
        out.push_str(&format!("<{operation}Result>"));
        for child in children {
            child.render(&mut out);
        }
        out.push_str(&format!("</{operation}Result>"));
    }
    out.push_str(&format!(
        "<ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{operation}Response>",
        escape(request_id)
    ));
    out
}

/// Renders the awsQuery `ErrorResponse` envelope.
pub fn render_error(error: &ApiError, namespace: &str, request_id: &str) -> String {
    let kind = if error.status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    };
    format!(
        "<ErrorResponse xmlns=\"{namespace}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
        escape(error.code.as_str()),
        escape(error.message.as_str()),
        escape(request_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let xml = render_response(
            "GetUser",
            IAM_NAMESPACE,
            Some(&[XmlNode::text("Arn", "a<b>&\"c\"")]),
            "id",
        );
        assert!(
            xml.contains("<Arn>a&lt;b&gt;&amp;&quot;c&quot;</Arn>"),
            "{xml}"
        );
        assert!(xml.starts_with(
            "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult>"
        ));
    }

    #[test]
    fn errors_use_the_error_response_envelope() {
        let xml = render_error(&ApiError::validation("x < y"), IAM_NAMESPACE, "rid");
        assert!(xml.contains(
            "<Error><Type>Sender</Type><Code>ValidationError</Code><Message>x &lt; y</Message></Error><RequestId>rid</RequestId>"
        ));
    }

    #[test]
    fn form_parameters_are_decoded() {
        let params =
            QueryParams::parse(b"Action=AssumeRoot&TaskPolicyArn.arn=arn%3Aaws%3Ax").unwrap();
        assert_eq!(params.get("TaskPolicyArn.arn"), Some("arn:aws:x"));
        assert!(params.required("TargetPrincipal").is_err());
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
