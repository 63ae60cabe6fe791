//! `Verifier::precheck`: what can be refused before a body is read, with
//! the error `verify` would give, and nothing refused that `verify` accepts.

mod common;

use common::{at, creds, emr, T0};
use sparkplane_auth::{sha256_hex, sign, AuthError, RequestParts, StaticKeys, UriEncoding};

const BODY: &[u8] = br#"{"name":"x"}"#;

fn signed(region: &str, service: &str, when: u64) -> Vec<(String, String)> {
    let base = [("host", "localhost:8080"), ("content-type", "application/json")];
    let mut headers: Vec<(String, String)> = base.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    headers.extend(sign(
        "POST",
        "/applications",
        "",
        &base,
        BODY,
        &creds(),
        region,
        service,
        UriEncoding::Double,
        at(when),
    ));
    headers
}

fn parts(headers: &[(String, String)]) -> RequestParts<'_> {
    RequestParts {
        method: "POST",
        raw_path: "/applications",
        raw_query: "",
        headers: headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
    }
}

fn keys() -> StaticKeys {
    StaticKeys(vec![creds()])
}

#[test]
fn a_well_signed_request_passes_precheck_and_verify() {
    let headers = signed("us-east-1", "emr-serverless", T0);
    emr().precheck(&parts(&headers), at(T0), &keys()).unwrap();
    emr().verify(&parts(&headers), &sha256_hex(BODY), at(T0), &keys()).unwrap();
}

#[test]
fn a_missing_signature_is_refused_before_the_body() {
    let headers = vec![("host".to_string(), "localhost".to_string())];
    let err = emr().precheck(&parts(&headers), at(T0), &keys()).unwrap_err();
    assert!(matches!(err, AuthError::MissingAuthentication), "{err:?}");
}

#[test]
fn garbage_authorization_is_refused_before_the_body() {
    let headers = vec![("authorization".to_string(), "AWS4-HMAC-SHA256 nonsense".to_string())];
    let err = emr().precheck(&parts(&headers), at(T0), &keys()).unwrap_err();
    assert!(matches!(err, AuthError::IncompleteSignature(_)), "{err:?}");
}

#[test]
fn unknown_key_skew_and_scope_are_refused_before_the_body() {
    let headers = signed("us-east-1", "emr-serverless", T0);
    let err = emr().precheck(&parts(&headers), at(T0), &StaticKeys(vec![])).unwrap_err();
    assert!(matches!(err, AuthError::UnknownAccessKey { .. }), "{err:?}");

    let err = emr().precheck(&parts(&headers), at(T0 + 3600), &keys()).unwrap_err();
    assert!(matches!(err, AuthError::RequestTimeSkewed(_)), "{err:?}");

    for (region, service) in [("eu-west-1", "emr-serverless"), ("us-east-1", "s3")] {
        let headers = signed(region, service, T0);
        let err = emr().precheck(&parts(&headers), at(T0), &keys()).unwrap_err();
        assert!(matches!(err, AuthError::WrongScope { .. }), "{region} {service}: {err:?}");
    }
}

#[test]
fn a_wrong_signature_is_left_to_verify() {
    // Precheck cannot see the signature without the body; verify refuses it.
    let mut headers = signed("us-east-1", "emr-serverless", T0);
    for (name, value) in headers.iter_mut() {
        if name.eq_ignore_ascii_case("authorization") {
            let cut = value.rfind('=').unwrap() + 1;
            value.replace_range(cut.., &"0".repeat(64));
        }
    }
    emr().precheck(&parts(&headers), at(T0), &keys()).unwrap();
    let err = emr().verify(&parts(&headers), &sha256_hex(BODY), at(T0), &keys()).unwrap_err();
    assert!(matches!(err, AuthError::SignatureMismatch), "{err:?}");
}
