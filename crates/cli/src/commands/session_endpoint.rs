//! Starts the interactive sessions' endpoint beside the API: a TLS listener
//! (PySpark sends a token only over TLS) whose certificate is configured or
//! issued by sparkplane's own CA, and whose tokens are keyed from the root
//! secret, so every server of one data dir checks the same tokens.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use sparkplane_connect::{TlsMaterial, TokenKey};
use sparkplane_control::Controller;
use sparkplane_server::sessions::{ControllerSessions, SessionEndpoint, TOKEN_LIFETIME};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config_sessions::{SessionListen, SessionSettings};

pub(crate) struct Running {
    pub endpoint: Arc<SessionEndpoint>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

pub(crate) async fn start(
    settings: &SessionSettings,
    api: SocketAddr,
    data_dir: &Path,
    public_url: Option<&str>,
    root_secret: &str,
    controller: Arc<Controller>,
) -> anyhow::Result<Option<Running>> {
    let address = match &settings.listen {
        SessionListen::Off => return Ok(None),
        SessionListen::BesideApi => SocketAddr::new(api.ip(), 0),
        SessionListen::Address(address) => address.parse().context("session_listen")?,
    };
    let listener = tokio::net::TcpListener::bind(address).await.with_context(|| {
        format!("listen on {address} for the session endpoint (--session-listen ADDR:PORT, or off)")
    })?;
    let bound = listener.local_addr().context("read the session endpoint's address")?;
    let tls = match &settings.tls {
        Some((cert, key)) => sparkplane_connect::from_files(cert, key).context("session_tls_cert/session_tls_key")?,
        None => {
            let names = certificate_names(&[api.ip(), bound.ip()], public_url);
            let material: TlsMaterial =
                sparkplane_connect::own_ca(data_dir, &names).context("the session endpoint's certificate")?;
            eprintln!(
                "session endpoint certificate issued for {} by {} (clients trust it with GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)",
                names.join(", "),
                data_dir.join(sparkplane_connect::ca::CA_CERT_FILE).display()
            );
            material
        }
    };
    let key = TokenKey::derive(root_secret.as_bytes());
    let endpoint = Arc::new(SessionEndpoint { port: bound.port(), key: key.clone(), token_lifetime: TOKEN_LIFETIME });
    let (stop, stopped) = oneshot::channel::<()>();
    let sessions = Arc::new(ControllerSessions(controller));
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(err) = sparkplane_connect::serve(listener, tls.server_config, key, sessions, shutdown).await {
            tracing::error!(error = %err, "the session endpoint stopped");
        }
    });
    eprintln!("session endpoint listening on sc://{bound} (TLS)");
    Ok(Some(Running { endpoint, stop, task }))
}

/// What the issued certificate names: loopback, the machine's name, the
/// addresses it listens on (unless wildcards) and the public URL's host.
fn certificate_names(ips: &[IpAddr], public_url: Option<&str>) -> Vec<String> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    names.push(machine.trim().to_string());
    names.extend(ips.iter().filter(|ip| !ip.is_unspecified()).map(|ip| ip.to_string()));
    if let Some(url) = public_url {
        let authority = url.split_once("://").map_or(url, |(_, rest)| rest);
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        names.push(host.to_string());
    }
    names.retain(|name| !name.is_empty());
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_loopback_the_listen_address_and_the_public_host() {
        let ips = ["10.77.1.1".parse().unwrap(), "0.0.0.0".parse().unwrap()];
        let names = certificate_names(&ips, Some("https://spark.example.com:8443"));
        for name in ["localhost", "127.0.0.1", "10.77.1.1", "spark.example.com"] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        assert!(!names.iter().any(|n| n == "0.0.0.0"));
    }
}
