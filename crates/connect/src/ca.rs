//! TLS material for the Spark Connect endpoint.
//!
//! A PySpark client that has a token always speaks TLS, so the endpoint needs
//! a certificate even on a laptop. An operator can configure one
//! ([`from_files`]); otherwise the server keeps its own small CA
//! ([`own_ca`]) whose certificate users trust once (`ca_pem`) while the
//! server certificate is re-issued at each start for whatever names and
//! addresses the endpoint is reached by that time.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::ConnectError;

/// File names of the server's own CA inside its directory.
pub const CA_CERT_FILE: &str = "connect-ca.pem";
pub const CA_KEY_FILE: &str = "connect-ca.key";

/// The CA's subject. The leaf's issuer name is taken from here, so it must
/// stay what the stored CA certificate says.
const CA_COMMON_NAME: &str = "sparkplane connect CA";

/// A server config for the endpoint and the PEM a client should trust.
#[derive(Clone)]
pub struct TlsMaterial {
    pub server_config: Arc<ServerConfig>,
    /// For [`from_files`] the configured chain; for [`own_ca`] the CA.
    pub ca_pem: String,
}

impl std::fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial").field("ca_pem", &self.ca_pem).finish_non_exhaustive()
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ConnectError + '_ {
    move |source| ConnectError::Io { path: path.to_path_buf(), source }
}

/// Use a configured certificate chain and private key (PEM files).
pub fn from_files(cert_pem_path: &Path, key_pem_path: &Path) -> Result<TlsMaterial, ConnectError> {
    let ca_pem = fs::read_to_string(cert_pem_path).map_err(io_err(cert_pem_path))?;
    let chain = CertificateDer::pem_slice_iter(ca_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConnectError::Pem { path: cert_pem_path.to_path_buf(), reason: e.to_string() })?;
    if chain.is_empty() {
        return Err(ConnectError::Pem { path: cert_pem_path.to_path_buf(), reason: "no certificate".into() });
    }
    let key_pem = fs::read(key_pem_path).map_err(io_err(key_pem_path))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| ConnectError::Pem {
        path: key_pem_path.to_path_buf(),
        // pem::Error never includes key bytes, only what went wrong.
        reason: e.to_string(),
    })?;
    Ok(TlsMaterial { server_config: server_config(chain, key)?, ca_pem })
}

/// The server's own CA in `dir` (created at first use, reused afterwards) and
/// a fresh server certificate it signs for `names` (DNS names or IPs).
pub fn own_ca(dir: &Path, names: &[String]) -> Result<TlsMaterial, ConnectError> {
    let (ca_pem, ca_key) = load_or_create_ca(dir)?;

    // rcgen signs with the issuer's subject name and key only, so a
    // certificate rebuilt from the same parameters and key stands in for the
    // stored one (whose bytes are not parsed: that would need x509-parser).
    let issuer = ca_params().self_signed(&ca_key).map_err(ConnectError::Cert)?;

    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, "sparkplane connect endpoint");
    params.subject_alt_names = names
        .iter()
        .map(|n| match n.parse::<std::net::IpAddr>() {
            Ok(ip) => Ok(SanType::IpAddress(ip)),
            Err(_) => n.clone().try_into().map(SanType::DnsName),
        })
        .collect::<Result<_, _>>()
        .map_err(ConnectError::Cert)?;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    // Validity stays rcgen's default (far past to far future): the leaf is
    // re-issued at every start, and a fixed lifetime would only let a
    // long-running server's certificate lapse under its clients.
    let leaf_key = KeyPair::generate().map_err(ConnectError::Cert)?;
    let leaf = params.signed_by(&leaf_key, &issuer, &ca_key).map_err(ConnectError::Cert)?;

    let key = PrivateKeyDer::try_from(leaf_key.serialize_der())
        .map_err(|e| ConnectError::Pem { path: dir.to_path_buf(), reason: e.to_string() })?;
    let ca_der = CertificateDer::from_pem_slice(ca_pem.as_bytes())
        .map_err(|e| ConnectError::Pem { path: dir.join(CA_CERT_FILE), reason: e.to_string() })?;
    // Send the CA too, so a client that trusts it by fingerprint or by
    // bundle sees the whole chain.
    let chain = vec![leaf.der().clone(), ca_der];
    Ok(TlsMaterial { server_config: server_config(chain, key)?, ca_pem })
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, CA_COMMON_NAME);
    // Path length 0: this CA signs endpoint certificates, never other CAs.
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

/// Read the CA from `dir`, or create it if neither file exists.
fn load_or_create_ca(dir: &Path) -> Result<(String, KeyPair), ConnectError> {
    let cert_path = dir.join(CA_CERT_FILE);
    let key_path = dir.join(CA_KEY_FILE);
    match (cert_path.exists(), key_path.exists()) {
        (true, true) => {
            let cert_pem = fs::read_to_string(&cert_path).map_err(io_err(&cert_path))?;
            let key_pem = fs::read_to_string(&key_path).map_err(io_err(&key_path))?;
            let key = KeyPair::from_pem(&key_pem)
                .map_err(|e| ConnectError::Pem { path: key_path.clone(), reason: e.to_string() })?;
            let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
                .map_err(|e| ConnectError::Pem { path: cert_path.clone(), reason: e.to_string() })?;
            // The certificate embeds its public key: a key that is not in it
            // (two servers racing to create the CA) would sign leaves nobody
            // trusts. Refuse rather than replace a CA users may have trusted.
            if !contains(der.as_ref(), &key.public_key_der()) {
                return Err(ConnectError::CaMismatch(dir.to_path_buf()));
            }
            Ok((cert_pem, key))
        }
        // Only one of the two: a start that died between the two writes.
        // Nothing can have been trusted without the certificate, and the
        // certificate is useless without its key, so start over.
        _ => {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
            let key = KeyPair::generate().map_err(ConnectError::Cert)?;
            let cert = ca_params().self_signed(&key).map_err(ConnectError::Cert)?;
            let cert_pem = cert.pem();
            // Key first: a certificate on disk always has its key beside it.
            write_atomic(&key_path, key.serialize_pem().as_bytes(), 0o600)?;
            write_atomic(&cert_path, cert_pem.as_bytes(), 0o644)?;
            Ok((cert_pem, key))
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Write `bytes` to `path` so that it is complete or absent: a temporary file
/// created with `mode` (never readable by others, even briefly), synced, then
/// renamed over `path`.
fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), ConnectError> {
    let tmp = temp_path(path);
    let result = (|| {
        // A leftover from an earlier crash would keep its old mode when
        // opened again, so never reuse it.
        match fs::remove_file(&tmp) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: a leftover temp file is harmless, just untidy.
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io_err(path))
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp.{}", std::process::id()));
    path.with_file_name(name)
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, ConnectError> {
    // An explicit provider: no process-wide default has to be installed, and
    // other crates' choices cannot change ours.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ConnectError::Tls)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(ConnectError::Tls)?;
    // gRPC is HTTP/2 only; grpc clients require h2 to be negotiated by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_ca_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let a = own_ca(dir.path(), &names).unwrap();
        let b = own_ca(dir.path(), &names).unwrap();
        assert_eq!(a.ca_pem, b.ca_pem);
        assert!(a.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(a.server_config.alpn_protocols, vec![b"h2".to_vec()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(CA_KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn mismatched_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        own_ca(dir.path(), &["localhost".into()]).unwrap();
        let other = KeyPair::generate().unwrap();
        write_atomic(&dir.path().join(CA_KEY_FILE), other.serialize_pem().as_bytes(), 0o600).unwrap();
        assert!(matches!(own_ca(dir.path(), &["localhost".into()]), Err(ConnectError::CaMismatch(_))));
    }

    #[test]
    fn from_files_reads_a_chain_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["localhost".to_string()]).unwrap().self_signed(&key).unwrap();
        let (c, k) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        fs::write(&c, cert.pem()).unwrap();
        fs::write(&k, key.serialize_pem()).unwrap();
        let m = from_files(&c, &k).unwrap();
        assert_eq!(m.ca_pem, cert.pem());
        assert!(matches!(from_files(&k, &k), Err(ConnectError::Pem { .. })));
    }
}
