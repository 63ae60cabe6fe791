//! The IAM and STS query protocols: a form-encoded `Action=...` request in,
//! an XML document out, as `aws iam` and boto3's `iam`/`sts` clients speak
//! them. Every IAM action is authorized against the caller's policies
//! (`iam:<Action>` on the entity's ARN) before it runs.

mod actions;
mod params;
mod render;
mod xml;

use sparkplane_policy::Context;

use crate::{Caller, Iam, IamError};
use params::Params;
use xml::Xml;

/// Which query service a request was signed for (the credential scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Iam,
    Sts,
}

impl Service {
    fn namespace(self) -> &'static str {
        match self {
            Service::Iam => "https://iam.amazonaws.com/doc/2010-05-08/",
            Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
        }
    }
}

/// A finished response: status and `text/xml` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResponse {
    pub status: u16,
    pub body: String,
}

/// Runs one query-protocol request for `caller`.
pub async fn handle(iam: &Iam, caller: &Caller, service: Service, body: &[u8], request_id: &str) -> QueryResponse {
    let params = Params::parse(body);
    let action = params.get("Action").unwrap_or_default().to_string();
    let result = match service {
        Service::Sts => sts(caller, &action),
        Service::Iam => actions::run(iam, caller, &action, &params).await,
    };
    match result {
        Ok(result) => QueryResponse { status: 200, body: envelope(service, &action, result, request_id) },
        Err(err) => {
            if !err.is_sender_fault() {
                tracing::error!(action = %action, error = %err, "iam request failed");
            }
            error_response(service, &err, request_id)
        }
    }
}

/// The body of a successful action: `Some(xml)` goes inside
/// `<{Action}Result>`; operations without output have none.
pub(crate) type ActionResult = Result<Option<String>, IamError>;

fn sts(caller: &Caller, action: &str) -> ActionResult {
    match action {
        // Always allowed, as in AWS: no policy can deny it.
        "GetCallerIdentity" => {
            let mut xml = Xml::new();
            xml.text("Arn", &caller.arn).text("UserId", &caller.user_id).text("Account", &caller.account);
            Ok(Some(xml.finish()))
        }
        other => Err(IamError::InvalidAction(other.to_string())),
    }
}

fn envelope(service: Service, action: &str, result: Option<String>, request_id: &str) -> String {
    let mut xml = Xml::new();
    xml.raw(&format!("<{action}Response xmlns=\"{}\">", service.namespace()));
    if let Some(result) = result {
        xml.open(&format!("{action}Result")).raw(&result).close(&format!("{action}Result"));
    }
    xml.open("ResponseMetadata").text("RequestId", request_id).close("ResponseMetadata");
    xml.close(&format!("{action}Response"));
    xml.finish()
}

pub fn error_response(service: Service, err: &IamError, request_id: &str) -> QueryResponse {
    let fault = if err.is_sender_fault() { "Sender" } else { "Receiver" };
    error_document(service, err.http_status(), fault, err.code(), &err.public_message(), request_id)
}

/// The query protocol's `<ErrorResponse>`, also for failures that happen
/// before an action runs (authentication).
pub fn error_document(
    service: Service,
    status: u16,
    fault: &str,
    code: &str,
    message: &str,
    request_id: &str,
) -> QueryResponse {
    let mut xml = Xml::new();
    xml.raw(&format!("<ErrorResponse xmlns=\"{}\">", service.namespace()))
        .open("Error")
        .text("Type", fault)
        .text("Code", code)
        .text("Message", message)
        .close("Error")
        .text("RequestId", request_id)
        .close("ErrorResponse");
    QueryResponse { status, body: xml.finish() }
}

/// Denies with IAM's AccessDenied unless `caller` may do `action` on `resource`.
pub(crate) fn require(caller: &Caller, action: &str, resource: &str) -> Result<(), IamError> {
    caller
        .authorize(action, resource, &Context::new())
        .map_err(|denied| IamError::AccessDenied(denied.message(action, resource)))
}
