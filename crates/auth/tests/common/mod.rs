//! Fixtures shared by the verifier's integration tests.

use sparkplane_auth::{Credentials, UriEncoding, Verifier};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const T0: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z

pub fn creds() -> Credentials {
    Credentials {
        access_key_id: "SPKTESTKEY2345672345".into(),
        secret_access_key: "s3cr3t/+s3cr3t/+s3cr3t/+s3cr3t/+s3cr3t/+".into(),
    }
}

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

pub fn emr() -> Verifier {
    Verifier::new("us-east-1", "emr-serverless", UriEncoding::Double)
}
