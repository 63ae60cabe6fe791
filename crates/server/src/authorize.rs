//! Authorization of every signed API request, after its signature.
//!
//! The caller is resolved from the signing key, the request is mapped to its
//! action and resource ([`crate::access`]), the resource's tags are read
//! when a non-root caller's policies could need them, and the caller's
//! identity policies decide. The caller travels on to the handlers as a
//! request extension (StartJobRun needs it for `iam:PassRole`).

use axum::http::request::Parts;
use sparkplane_api::ErrorCode;
use sparkplane_iam::Caller;
use sparkplane_policy::{Context, TokenError};

use crate::access::{self, Tagged};
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

pub async fn authorize(
    state: &AppState,
    access_key_id: &str,
    parts: &Parts,
    body: &[u8],
) -> Result<Caller, ApiResponseError> {
    let token = parts.headers.get("x-amz-security-token").and_then(|v| v.to_str().ok());
    if let Err(err) = state.iam.check_token(access_key_id, token) {
        let code = match err {
            TokenError::Invalid => ErrorCode::UnrecognizedClient,
            TokenError::Expired => ErrorCode::ExpiredToken,
        };
        return Err(ApiResponseError::new(code, err.message()));
    }
    // Verification found the key, so only a key deleted in between is missing.
    let Some(caller) = state.iam.caller(access_key_id) else {
        return Err(ApiResponseError::new(
            ErrorCode::UnrecognizedClient,
            "The security token included in the request is invalid.",
        ));
    };
    if caller.is_root() {
        return Ok(caller);
    }
    let config = state.controller.config();
    let query = RawQuery::parse(parts.uri.query());
    let Some(target) =
        access::target(&config.region, &config.account_id, parts.method.as_str(), parts.uri.path(), &query)
    else {
        return Ok(caller);
    };
    let mut context = access::request_tag_context(&target, body, &query);
    if let Some(peer) = parts.extensions.get::<sparkplane_http::Peer>() {
        context.insert("aws:SourceIp", peer.ip().to_string());
    }
    // A store read per request only when some policy can look at the tags.
    if caller.uses_condition_key_prefix("aws:ResourceTag/") {
        add_resource_tags(state, target.tagged.as_ref(), &mut context).await;
    }
    caller.authorize(target.action, &target.resource, &context).map_err(|denied| {
        ApiResponseError::new(ErrorCode::AccessDenied, denied.message(target.action, &target.resource))
    })?;
    Ok(caller)
}

/// Whether `caller` may do `action` on the resource `tagged` names, with the
/// context a request for it would have (`aws:SourceIp`, the resource's
/// tags): for handlers that show several resources and must leave out the
/// ones a direct request would be refused.
pub(crate) async fn allowed(
    state: &AppState,
    caller: &Caller,
    peer: Option<&sparkplane_http::Peer>,
    action: &str,
    tagged: Tagged,
) -> Result<(), ApiResponseError> {
    let config = state.controller.config();
    let app_arn =
        |id: &str| format!("arn:aws:emr-serverless:{}:{}:/applications/{id}", config.region, config.account_id);
    let resource = match &tagged {
        Tagged::Application(id) => app_arn(id),
        Tagged::JobRun(app, run) => format!("{}/jobruns/{run}", app_arn(app)),
        Tagged::Session(app, session) => format!("{}/sessions/{session}", app_arn(app)),
    };
    let mut context = Context::new();
    if let Some(peer) = peer {
        context.insert("aws:SourceIp", peer.ip().to_string());
    }
    if caller.uses_condition_key_prefix("aws:ResourceTag/") {
        add_resource_tags(state, Some(&tagged), &mut context).await;
    }
    caller
        .authorize(action, &resource, &context)
        .map_err(|denied| ApiResponseError::new(ErrorCode::AccessDenied, denied.message(action, &resource)))
}

/// `aws:ResourceTag/<key>` of an existing application or run. A resource
/// that does not exist has no tags; the handler then answers 404 if the
/// caller was allowed to ask.
async fn add_resource_tags(state: &AppState, tagged: Option<&Tagged>, context: &mut Context) {
    let tags = match tagged {
        Some(Tagged::Application(id)) => state.controller.get_application(id).await.ok().map(|app| app.tags),
        Some(Tagged::JobRun(app, run)) => state.controller.get_job_run(app, run, None).await.ok().map(|run| run.tags),
        Some(Tagged::Session(app, session)) => {
            state.controller.get_session(app, session).await.ok().map(|session| session.tags)
        }
        None => None,
    };
    for (key, value) in tags.flatten().unwrap_or_default() {
        context.insert(&format!("aws:ResourceTag/{key}"), value);
    }
}
