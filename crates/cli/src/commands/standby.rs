//! How `sparkplane server` waits to lead.
//!
//! A server binds its API and S3 listeners first. While another server
//! leads, it forwards every request on them to the leader; once it holds
//! the lease, it stops forwarding and serves on the same sockets, so no
//! connection is refused across the handover. A standby on the leader's
//! own machine and port cannot bind (the leader has them): it serves
//! nothing until it leads, then binds.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use sparkplane_auth::forwarded::ForwardSeal;
use sparkplane_control::leadership::{Candidate, LeaderUrls};
use sparkplane_server::forward::{self, Forwarder, LeaderUrl};

use crate::config::ServerConfig;

/// The listeners bound before leading; `None` where the address was taken.
pub(crate) struct Early {
    pub api: Option<TcpListener>,
    pub s3: Option<TcpListener>,
}

impl Early {
    pub(crate) fn bind(config: &ServerConfig) -> Early {
        let bind = |address: &str| match TcpListener::bind(address) {
            Ok(listener) => Some(listener),
            Err(err) => {
                // The real bind after leading reports any other error.
                tracing::info!(address, error = %err, "not listening before leading");
                None
            }
        };
        Early { api: bind(&config.listen), s3: config.s3_listen.as_deref().and_then(bind) }
    }

    /// Where this server serves, as other servers reach it: its listen
    /// addresses, never `public_url`, which may name a load balancer in
    /// front of the standbys themselves.
    pub(crate) fn urls(&self, config: &ServerConfig) -> LeaderUrls {
        let url = |listener: &Option<TcpListener>, configured: &str| match listener.as_ref().map(|l| l.local_addr()) {
            Some(Ok(address)) => format!("http://{}", reachable(address)),
            _ => format!("http://{configured}"),
        };
        LeaderUrls {
            api: url(&self.api, &config.listen),
            s3: config.s3_listen.as_deref().map(|configured| url(&self.s3, configured)),
        }
    }

    /// The API listener for serving: the early one, or bound now.
    pub(crate) async fn api_listener(&mut self, address: &str) -> std::io::Result<tokio::net::TcpListener> {
        match self.api.take() {
            Some(listener) => into_tokio(listener),
            None => tokio::net::TcpListener::bind(address).await,
        }
    }
}

/// A wildcard address is reached on loopback, from this machine only.
fn reachable(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        ip if ip.is_unspecified() => SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), address.port()),
        _ => address,
    }
}

pub(crate) fn into_tokio(listener: TcpListener) -> std::io::Result<tokio::net::TcpListener> {
    listener.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(listener)
}

/// Stands by until this server leads, forwarding on the early listeners
/// meanwhile. Returns the lease token.
pub(crate) async fn wait_to_lead(
    candidate: &Arc<Candidate>,
    early: &Early,
    seal: ForwardSeal,
    limits: sparkplane_server::ConnectionLimits,
) -> i64 {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    for (listener, name, pick) in [
        (&early.api, "forward-api", (|urls: LeaderUrls| Some(urls.api)) as fn(LeaderUrls) -> Option<String>),
        (&early.s3, "forward-s3", |urls: LeaderUrls| urls.s3),
    ] {
        // A clone of the socket: the original stays open for serving.
        let Some(listener) = listener.as_ref().and_then(|l| l.try_clone().ok()).and_then(|l| into_tokio(l).ok()) else {
            continue;
        };
        let lookup = Arc::clone(candidate);
        let leader: LeaderUrl = Arc::new(move || {
            let lookup = Arc::clone(&lookup);
            Box::pin(async move { lookup.leader_urls().await.and_then(pick) })
        });
        let forwarder = Arc::new(Forwarder::new(leader, seal.clone()));
        let mut stopped = stopped.clone();
        tasks.push(tokio::spawn(forward::serve(listener, forwarder, limits, name, async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })));
    }
    if !tasks.is_empty() {
        eprintln!("while standing by, requests here are forwarded to the leader");
    }
    let token = candidate.wait_to_lead().await;
    // The lease must be renewed within seconds: in-flight forwards get one
    // second to finish, not the API's full drain.
    let _ = stop.send(true);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    for mut task in tasks {
        if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
            task.abort();
        }
    }
    token
}
