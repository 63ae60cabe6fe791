//! `POST /`: the IAM and STS query protocols on the API port.
//!
//! `aws iam` and `aws sts` with `--endpoint-url` send form-encoded
//! `Action=...` requests to the endpoint's root, signed for service `iam` or
//! `sts`. The credential scope says which; the request is verified for that
//! service and handed to [`sparkplane_iam::query`].

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sparkplane_auth::{sha256_hex, AuthError, RequestParts, UriEncoding, Verifier};
use sparkplane_iam::query::{self, Service};
use sparkplane_iam::IamError;
use sparkplane_policy::TokenError;

use crate::AppState;

/// IAM's largest request: a 131,072-character document, URL-encoded (up to
/// three bytes per character), plus the other parameters.
const MAX_QUERY_BODY_BYTES: usize = 512 * 1024;

/// IAM is a global service whose requests botocore signs for `us-east-1`;
/// with `--endpoint-url` it may sign with the configured region instead.
const IAM_SIGNING_REGION: &str = "us-east-1";

pub async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let request_id = crate::request_id::new_request_id();
    let (parts, body) = request.into_parts();
    let request_parts = crate::auth::request_parts(&parts);
    let (service, region) = match scope_of(&request_parts) {
        Some((service, region)) if service == "sts" => (Service::Sts, region),
        Some((service, region)) if service == "iam" => (Service::Iam, region),
        // Not IAM or STS: the EMR API has no operation at the root.
        _ => return auth_error(Service::Iam, &AuthError::MissingAuthentication, &request_id),
    };
    let config = state.controller.config();
    let region = match service {
        Service::Iam if region == IAM_SIGNING_REGION => IAM_SIGNING_REGION.to_string(),
        _ => config.region.clone(),
    };
    let service_name = if service == Service::Sts { "sts" } else { "iam" };
    let verifier = Verifier::new(region, service_name, UriEncoding::Double).require_signed_payload();
    let now = std::time::SystemTime::now();
    if let Err(err) = verifier.precheck(&request_parts, now, state.keys.as_ref()) {
        return auth_error(service, &err, &request_id);
    }
    let bytes = match axum::body::to_bytes(body, MAX_QUERY_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let err = IamError::Validation(format!("Request body exceeds {MAX_QUERY_BODY_BYTES} bytes"));
            return xml(query::error_response(service, &err, &request_id), &request_id);
        }
    };
    let principal = match verifier.verify(&request_parts, &sha256_hex(&bytes), now, state.keys.as_ref()) {
        Ok(principal) => principal,
        Err(err) => return auth_error(service, &err, &request_id),
    };
    let token = parts.headers.get("x-amz-security-token").and_then(|v| v.to_str().ok());
    if let Err(err) = state.iam.check_token(&principal.access_key_id, token) {
        let code = match err {
            TokenError::Invalid => "InvalidClientTokenId",
            TokenError::Expired => "ExpiredToken",
        };
        return xml(query_error(service, code, 403, err.message(), &request_id), &request_id);
    }
    let Some(caller) = state.iam.caller(&principal.access_key_id) else {
        return auth_error(
            service,
            &AuthError::UnknownAccessKey { access_key_id: principal.access_key_id },
            &request_id,
        );
    };
    xml(query::handle(&state.iam, &caller, service, &bytes, &request_id).await, &request_id)
}

/// `(service, region)` of the request's credential scope.
fn scope_of(request: &RequestParts) -> Option<(String, String)> {
    let credential = match request.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("authorization")) {
        Some((_, value)) => value.split("Credential=").nth(1)?.split([',', ' ']).next()?.to_string(),
        None => url::form_urlencoded::parse(request.raw_query.as_bytes())
            .find(|(key, _)| key == "X-Amz-Credential")
            .map(|(_, value)| value.into_owned())?,
    };
    let fields: Vec<&str> = credential.split('/').collect();
    match fields.as_slice() {
        [_, _, region, service, _] => Some((service.to_string(), region.to_string())),
        _ => None,
    }
}

/// Authentication failures in the query protocol's words: IAM and STS say
/// `InvalidClientTokenId` for an unknown or inactive key and
/// `SignatureDoesNotMatch` for a bad signature, with status 403.
fn auth_error(service: Service, err: &AuthError, request_id: &str) -> Response {
    let (code, status) = match err {
        AuthError::MissingAuthentication => ("MissingAuthenticationToken", 403),
        AuthError::UnknownAccessKey { .. } => ("InvalidClientTokenId", 403),
        AuthError::SignatureMismatch | AuthError::WrongScope { .. } => ("SignatureDoesNotMatch", 403),
        AuthError::RequestTimeSkewed(_) | AuthError::PresignExpired(_) => ("RequestExpired", 403),
        _ => ("IncompleteSignature", 400),
    };
    xml(query_error(service, code, status, &err.to_string(), request_id), request_id)
}

fn query_error(service: Service, code: &str, status: u16, message: &str, request_id: &str) -> query::QueryResponse {
    query::error_document(service, status, "Sender", code, message, request_id)
}

fn xml(response: query::QueryResponse, request_id: &str) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut http = (status, response.body).into_response();
    http.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        http.headers_mut().insert("x-amzn-RequestId", value);
    }
    http
}
