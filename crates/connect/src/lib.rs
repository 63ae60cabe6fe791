//! The authenticating Spark Connect endpoint of interactive sessions.
//!
//! EMR Serverless hands a session's user an `sc://host:port` URL and a token;
//! PySpark then speaks gRPC over TLS with `authorization: Bearer <token>` on
//! every call. Engines must never be reachable with that token (nor at all
//! from outside), so this crate terminates TLS, checks the token without a
//! store read ([`token`]), and relays each call over cleartext HTTP/2 to the
//! session's engine on loopback with the engine's own secret ([`proxy`]).
//! [`ca`] provides the certificate, from files or from the server's own CA.

pub mod ca;
pub mod proxy;
pub mod token;

use std::path::PathBuf;

pub use ca::{from_files, own_ca, TlsMaterial};
pub use proxy::{serve, Connector, Sessions, Upstream};
pub use token::{mint, verify, Claim, TokenError, TokenKey};

/// Why TLS material could not be prepared or the endpoint could not run.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not usable PEM: {reason}")]
    Pem { path: PathBuf, reason: String },
    #[error("certificate generation: {0}")]
    Cert(#[source] rcgen::Error),
    #[error("TLS configuration: {0}")]
    Tls(#[source] rustls::Error),
    #[error("{0}: the CA key does not belong to the CA certificate; remove both files to create a new CA (clients must then trust the new one)")]
    CaMismatch(PathBuf),
}
