//! The AWS-shaped error every handler returns, and the errors common to all operations.

use axum::http::StatusCode;

/// Which AWS service an operation belongs to; it decides the wire protocol and error spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// IAM, awsQuery, `Version=2010-05-08`.
    Iam,
    /// STS, awsQuery, `Version=2011-06-15`.
    Sts,
    /// Organizations, awsJson1_1.
    Organizations,
    /// S3, REST-XML, path-style addressing.
    S3,
    /// SQS, awsJson1_0 with query-compatible error codes.
    Sqs,
}

impl Service {
    /// The SigV4 signing name of the service.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Organizations => "organizations",
            Service::S3 => "s3",
            Service::Sqs => "sqs",
        }
    }

    fn is_query(self) -> bool {
        matches!(self, Service::Iam | Service::Sts)
    }

    /// Whether errors are written the REST-XML way (S3), with their own status codes.
    fn is_s3(self) -> bool {
        self == Service::S3
    }
}

/// An error answered to the client in its service's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The error code (`Code` in awsQuery, `__type` in awsJson).
    pub code: String,
    /// Human readable message.
    pub message: String,
    /// `Reason` of Organizations `ConstraintViolationException` / `InvalidInputException`.
    pub reason: Option<&'static str>,
    /// Headers the answer carries besides the envelope's, e.g. S3's `x-amz-bucket-region`.
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            reason: None,
            headers: Vec::new(),
        }
    }

    /// Adds a header to the answer.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// A client error (HTTP 400).
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// Attaches an Organizations `Reason`.
    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Organizations `InvalidInputException` with its reason.
    pub fn invalid_input(reason: &'static str, message: impl Into<String>) -> Self {
        Self::bad_request("InvalidInputException", message).with_reason(reason)
    }

    /// Organizations `ConstraintViolationException` with its reason.
    pub fn constraint_violation(reason: &'static str, message: impl Into<String>) -> Self {
        Self::bad_request("ConstraintViolationException", message).with_reason(reason)
    }

    /// The caller may not perform this operation.
    pub fn access_denied(service: Service, message: impl Into<String>) -> Self {
        if service != Service::Organizations {
            Self::new(StatusCode::FORBIDDEN, "AccessDenied", message)
        } else {
            Self::bad_request("AccessDeniedException", message)
        }
    }

    /// The request rate fault.
    pub fn throttling(service: Service) -> Self {
        let message = "Rate exceeded";
        if service.is_s3() {
            Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "SlowDown",
                "Please reduce your request rate.",
            )
        } else if service.is_query() {
            Self::bad_request("Throttling", message)
        } else {
            Self::bad_request("TooManyRequestsException", message)
        }
    }

    /// The internal server error fault.
    pub fn server_error(service: Service) -> Self {
        let code = match service {
            Service::Iam => "ServiceFailure",
            Service::Sts => "InternalFailure",
            Service::Organizations => "ServiceException",
            Service::S3 => "InternalError",
            Service::Sqs => "InternalFailure",
        };
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            code,
            "The request processing has failed because of an unknown error (injected by the sandbox).",
        )
    }

    /// No `Authorization` header.
    pub fn missing_authentication(service: Service) -> Self {
        let message = "Request is missing Authentication Token";
        if service.is_s3() {
            Self::new(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied")
        } else if service.is_query() {
            Self::new(StatusCode::FORBIDDEN, "MissingAuthenticationToken", message)
        } else {
            Self::bad_request("MissingAuthenticationTokenException", message)
        }
    }

    /// The access key (or session token) is unknown.
    pub fn invalid_client_token(service: Service) -> Self {
        let message = "The security token included in the request is invalid.";
        if service.is_s3() {
            Self::new(
                StatusCode::FORBIDDEN,
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
            )
        } else if service.is_query() {
            Self::new(StatusCode::FORBIDDEN, "InvalidClientTokenId", message)
        } else {
            Self::bad_request("UnrecognizedClientException", message)
        }
    }

    /// The signature does not match the secret of the access key.
    pub fn signature_mismatch(service: Service, message: impl Into<String>) -> Self {
        if service.is_query() || service.is_s3() {
            Self::new(StatusCode::FORBIDDEN, "SignatureDoesNotMatch", message)
        } else {
            Self::bad_request("InvalidSignatureException", message)
        }
    }

    /// The root session has expired.
    pub fn expired_token(service: Service) -> Self {
        let message = "The security token included in the request is expired";
        if service.is_s3() {
            Self::bad_request("ExpiredToken", message)
        } else if service.is_query() {
            Self::new(StatusCode::FORBIDDEN, "ExpiredToken", message)
        } else {
            Self::bad_request("ExpiredTokenException", message)
        }
    }

    /// The operation does not exist for this service.
    pub fn unknown_operation(service: Service, operation: &str) -> Self {
        match service {
            Service::Iam => Self::bad_request(
                "InvalidAction",
                format!("Could not find operation {operation} for version 2010-05-08"),
            ),
            Service::Sts => Self::bad_request(
                "InvalidAction",
                format!("Could not find operation {operation} for version 2011-06-15"),
            ),
            Service::Organizations | Service::Sqs => Self::bad_request(
                "UnknownOperationException",
                format!("The operation {operation} is not supported by the sandbox"),
            ),
            Service::S3 => Self::new(
                StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                format!("The sandbox does not implement {operation}."),
            ),
        }
    }

    /// The request body is over the sandbox's limit.
    pub fn request_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than {limit} bytes."),
        )
    }

    /// The request body did not arrive in time.
    pub fn request_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "RequestTimeout",
            "The request body was not received within the timeout period.",
        )
    }

    /// The request body could not be read.
    pub fn incomplete_body() -> Self {
        Self::bad_request("IncompleteBody", "The request body could not be read.")
    }

    /// A malformed awsQuery parameter.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::bad_request("ValidationError", message)
    }
}
