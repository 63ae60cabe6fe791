//! Time of one authorization decision in-process (caller lookup, global
//! keys, policy evaluation), without HTTP or the store: the floor under
//! `bench/authz_cost.py`'s per-request figure.
//!
//! `cargo run --release -p sparkplane-iam --example authz_micro`

use std::sync::Arc;
use std::time::Instant;

use sparkplane_auth::Credentials;
use sparkplane_iam::{model::User, Iam, SecretDeriver};
use sparkplane_policy::Context;
use sparkplane_store::SqliteStore;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../policy/tests/data");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let store = Arc::new(SqliteStore::in_memory().await.expect("in-memory store"));
    let root = Credentials { access_key_id: "SPKROOT".into(), secret_access_key: "s".into() };
    let iam = Iam::open(store, "123456789012", root, SecretDeriver::from_key([1; 32])).await.expect("iam");
    iam.create_user("bench", None, vec![]).await.expect("user");
    let read = |name: &str| std::fs::read_to_string(format!("{DATA}/{name}")).expect("walkthrough document");
    let documents = [read("user-policy.json"), read("runtime-role-policy.json").replace("{DOC-EXAMPLE-BUCKET}", "out")];
    for (n, document) in documents.iter().enumerate() {
        let policy = iam.create_policy(&format!("p{n}"), None, document, None, vec![]).await.expect("policy");
        iam.attach_policy::<User>("bench", &policy.arn).await.expect("attach");
    }
    let key = iam.create_access_key("bench").await.expect("key").key.id;
    let cases = [
        ("emr-serverless:GetApplication", "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00a"),
        ("s3:GetObject", "arn:aws:s3:::out/data/part-0"),
        ("s3:GetObject", "arn:aws:s3:::secret/data/part-0"),
    ];
    let iterations: u32 = std::env::var("ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    for (action, resource) in cases {
        let context = Context::new();
        let start = Instant::now();
        let mut allowed = 0;
        for _ in 0..iterations {
            let caller = iam.caller(&key).expect("caller");
            allowed += usize::from(caller.authorize(action, resource, &context).is_ok());
        }
        let per = start.elapsed().as_secs_f64() / f64::from(iterations) * 1e6;
        println!("{action} on {resource}: {per:.2} µs per decision (allowed {allowed}/{iterations})");
    }
}
