//! Sessions on Sail (`sparkplane_engine::sail`): the engine runs in a
//! network namespace of its own, since its port checks no secret. What it
//! must reach of the server (the S3 endpoint and, with an issuer, the
//! credentials endpoint) it reaches through relays that the server listens
//! with inside that namespace, on the same loopback ports, so the URLs it
//! is given are plain `http://127.0.0.1:<port>` ones. Its S3 requests carry
//! the execution role's credentials, fetched as a Spark driver fetches them,
//! so the role's policy is enforced by the same S3 endpoint.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use sparkplane_api::Session;
use sparkplane_engine::sail::launch::launch_sail;
use sparkplane_engine::sail::netns::{relay, NetNs};
use sparkplane_engine::spark::LaunchedAttempt;
use tokio::task::JoinHandle;

use crate::access::grants::AttemptGrant;
use crate::base::config::S3ForJobs;
use crate::Controller;

/// A started Sail engine.
pub(super) struct SailEngine {
    pub launched: LaunchedAttempt,
    pub grant: Option<AttemptGrant>,
    pub netns: NetNs,
    pub relays: Relays,
}

/// Relay tasks, aborted when dropped: with the session, or with a start
/// that was cancelled half-way (a dropped JoinHandle would not stop them).
#[derive(Default)]
pub(super) struct Relays(Vec<JoinHandle<()>>);

impl Drop for Relays {
    fn drop(&mut self) {
        self.0.iter().for_each(JoinHandle::abort);
    }
}

/// What the engine's environment says, and which server ports it needs.
struct Reach {
    env: Vec<(String, String)>,
    targets: Vec<SocketAddr>,
    grant: Option<AttemptGrant>,
}

impl Controller {
    /// Why this server cannot run a Sail session, if it cannot: it must be
    /// able to make Sail a network namespace, and other jobs must be kept
    /// out of it by Landlock (unconfined, they could join it).
    pub(super) fn sail_refusal(&self) -> Option<String> {
        if !sparkplane_engine::sail::netns::can_isolate() {
            return Some(sparkplane_engine::sail::netns::NO_NAMESPACE.to_string());
        }
        if self.launch_context().sandbox.confinement() != sparkplane_engine::sandbox::Confinement::Landlock {
            return Some(
                "Sail checks no secret on its port, and without Landlock other jobs on this host could reach it; \
                 use the Spark engine"
                    .to_string(),
            );
        }
        None
    }

    /// Installs Sail if needed and starts it for `session` on `port` of its
    /// own namespace.
    pub(super) async fn start_session_sail(
        &self,
        session: &Session,
        work_dir: &Path,
        port: u16,
    ) -> Result<SailEngine, String> {
        // Checked at StartSession too; the application may have changed since.
        if let Some(why) = self.sail_refusal() {
            return Err(why);
        }
        let sail = self.runtimes.ensure_sail().await.map_err(|err| err.to_string())?;
        let Reach { env, targets, grant } = self.sail_reach(session)?;
        let sandbox = self.launch_context().sandbox;
        let started = launch_sail(&sail, work_dir, &sandbox, &env, port).map_err(|err| err.to_string())?;
        let mut relays = Relays::default();
        for target in targets {
            let inside = SocketAddr::from((Ipv4Addr::LOCALHOST, target.port()));
            match started.netns.listen(inside).await {
                Ok(listener) => relays.0.push(tokio::spawn(relay(listener, target))),
                Err(err) => {
                    let pgid = started.launched.process.pgid();
                    sparkplane_engine::process::kill_group(pgid, sparkplane_engine::process::SIGKILL);
                    return Err(format!("relay {target} into the Sail server's namespace: {err}"));
                }
            }
        }
        Ok(SailEngine { launched: started.launched, grant, netns: started.netns, relays })
    }

    /// S3 as a Spark driver of the session would have it: the embedded
    /// endpoint, with the execution role's credentials from the credentials
    /// endpoint (or the root keys when no issuer is set and buckets are not
    /// mounted, as jobs get them then).
    fn sail_reach(&self, session: &Session) -> Result<Reach, String> {
        let mut reach = Reach { env: Vec::new(), targets: Vec::new(), grant: None };
        let S3ForJobs::Embedded { .. } = self.config.s3_for_jobs else { return Ok(reach) };
        let Some(s3) = self.storage.s3_settings() else { return Ok(reach) };
        let (target, endpoint) = loopback_relay(&s3.endpoint)?;
        reach.targets.push(target);
        let env = [
            ("AWS_ENDPOINT", endpoint),
            ("AWS_REGION", s3.region.clone()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
            ("AWS_VIRTUAL_HOSTED_STYLE_REQUEST", s3.virtual_hosted_style.to_string()),
        ];
        reach.env.extend(env.map(|(k, v)| (k.to_string(), v)));
        if self.spark_fetches_credentials() {
            let view = super::supervise::credentials_view(session)?;
            let issued =
                self.attempt_grant(&view, 1).map_err(|err| format!("no credentials for the execution role: {err}"))?;
            if let Some(issued) = issued {
                let (target, full_uri) = loopback_relay(issued.full_uri())?;
                if !reach.targets.contains(&target) {
                    reach.targets.push(target);
                }
                reach.env.push(("AWS_CONTAINER_CREDENTIALS_FULL_URI".to_string(), full_uri));
                reach.env.push(("AWS_CONTAINER_AUTHORIZATION_TOKEN".to_string(), issued.token().to_string()));
                reach.grant = Some(issued);
            }
        } else if !self.root_s3a_conf().is_empty() {
            // No issuer: one tenant, whose jobs get the same keys in S3A.
            reach.env.push(("AWS_ACCESS_KEY_ID".to_string(), s3.access_key_id.clone()));
            reach.env.push(("AWS_SECRET_ACCESS_KEY".to_string(), s3.secret_access_key.clone()));
        }
        // Otherwise (buckets mounted into jobs) no credentials: `s3://`
        // from Sail is refused by the endpoint rather than run as root.
        Ok(reach)
    }
}

/// The server's address behind `url`, and `url` as the engine sees it:
/// on loopback of its namespace, at the same port, where the relay listens.
/// Plain HTTP only: a TLS endpoint's name would not match `127.0.0.1`.
fn loopback_relay(url: &str) -> Result<(SocketAddr, String), String> {
    let mut parsed = url::Url::parse(url).map_err(|err| format!("endpoint {url}: {err}"))?;
    if parsed.scheme() != "http" {
        return Err(format!("a Sail session reaches the server over plain HTTP only, and {url} is not"));
    }
    let target = parsed
        .socket_addrs(|| None)
        .ok()
        .and_then(|addrs| addrs.into_iter().next())
        .ok_or_else(|| format!("endpoint {url}: no address"))?;
    parsed.set_ip_host(Ipv4Addr::LOCALHOST.into()).map_err(|()| format!("endpoint {url}: cannot rewrite its host"))?;
    parsed.set_port(Some(target.port())).map_err(|()| format!("endpoint {url}: cannot set its port"))?;
    Ok((target, parsed.as_str().trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_url_becomes_the_same_port_on_the_engines_loopback() {
        let (target, url) = loopback_relay("http://127.0.0.1:8123").unwrap();
        assert_eq!((target, url.as_str()), (SocketAddr::from(([127, 0, 0, 1], 8123)), "http://127.0.0.1:8123"));
        let (target, url) = loopback_relay("http://10.1.2.3:9000/v1/credentials").unwrap();
        assert_eq!(target, SocketAddr::from(([10, 1, 2, 3], 9000)));
        assert_eq!(url, "http://127.0.0.1:9000/v1/credentials");
        assert!(loopback_relay("https://s3.example.com").unwrap_err().contains("plain HTTP"));
    }
}
