//! The session endpoint as the API and the proxy see it: where clients
//! connect, the key session tokens are minted and checked with, and the
//! controller behind the proxy's [`sparkplane_connect::Sessions`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use sparkplane_connect::{Claim, Connector, Sessions, TokenKey, Upstream};
use sparkplane_control::Controller;

/// How long a token from GetSessionEndpoint lets a client connect: an
/// hour, as the service's tokens; a client asks again after it.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

pub struct SessionEndpoint {
    /// The port clients connect to (the host is the one they reached the API at).
    pub port: u16,
    pub key: TokenKey,
    pub token_lifetime: Duration,
}

/// The controller, as the proxy asks it.
pub struct ControllerSessions(pub Arc<Controller>);

impl Sessions for ControllerSessions {
    fn upstream(&self, claim: &Claim) -> Option<Upstream> {
        let upstream = self.0.session_upstream(&claim.session_id)?;
        // An engine in a namespace of its own is reached through it.
        let connector = upstream.netns.map(|netns| -> Connector {
            Arc::new(move |addr| {
                let netns = netns.clone();
                Box::pin(async move { netns.connect(addr).await })
            })
        });
        Some(Upstream {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, upstream.port)),
            engine_secret: upstream.secret,
            connector,
        })
    }

    fn call_started(&self, claim: &Claim) {
        self.0.session_call(&claim.session_id, true);
    }

    fn call_ended(&self, claim: &Claim) {
        self.0.session_call(&claim.session_id, false);
    }
}
