//! TLS as librdkafka's `ssl.*` properties ask for it, with rustls (already in the build for
//! reqwest): the CA from `ssl.ca.location` / `ssl.ca.pem` or the system's store, the
//! broker's name checked unless `ssl.endpoint.identification.algorithm=none`, nothing checked
//! under `enable.ssl.certificate.verification=false`, a client certificate from PEM.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::crypto::{self, CryptoProvider};
use tokio_rustls::rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, Error, RootCertStore, SignatureScheme,
};
use tokio_rustls::TlsConnector;

/// The client side of TLS for `get`'s properties, or why it cannot be had here.
pub fn client_config(get: &dyn Fn(&str) -> Option<String>) -> Result<ClientConfig, String> {
    for (key, why) in [
        ("ssl.keystore.location", "a PKCS#12 keystore"),
        ("ssl.key.password", "an encrypted private key"),
        ("ssl.engine.location", "an OpenSSL engine"),
    ] {
        if get(key).is_some_and(|v| !v.is_empty()) {
            return Err(format!("{why} ({key}) is not read here, only PEM files"));
        }
    }
    let provider = Arc::new(crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let check_certificate = !get("enable.ssl.certificate.verification")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let check_name = !get("ssl.endpoint.identification.algorithm")
        .is_some_and(|v| v.eq_ignore_ascii_case("none"));
    let builder = if check_certificate {
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots(get)?), provider.clone())
                .build()
                .map_err(|e| format!("TLS: {e}"))?;
        if check_name {
            builder.with_webpki_verifier(verifier)
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyName(verifier)))
        }
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
    };
    match client_identity(get)? {
        Some((certs, key)) => builder
            .with_client_auth_cert(certs, key)
            .map_err(|e| format!("the client certificate: {e}")),
        None => Ok(builder.with_no_client_auth()),
    }
}

/// TLS over `tcp`, the certificate checked against `host` (a name or an address).
pub async fn handshake(
    config: Arc<ClientConfig>,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, String> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| format!("{host} cannot be checked against a certificate: {e}"))?;
    TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS handshake failed: {e}"))
}

/// The CAs to trust: `ssl.ca.pem`, `ssl.ca.location` (a file or a directory of PEM files),
/// or the system's store as librdkafka uses it by default (and for `probe`).
fn roots(get: &dyn Fn(&str) -> Option<String>) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let mut add = |certs: Vec<CertificateDer<'static>>, from: &str| -> Result<(), String> {
        let (added, _) = roots.add_parsable_certificates(certs);
        match added {
            0 => Err(format!("no CA certificate could be read from {from}")),
            _ => Ok(()),
        }
    };
    if let Some(pem) = get("ssl.ca.pem").filter(|v| !v.is_empty()) {
        add(pem_certs(pem.as_bytes(), "ssl.ca.pem")?, "ssl.ca.pem")?;
    }
    match get("ssl.ca.location").filter(|v| !v.is_empty()) {
        Some(loc) if loc != "probe" => {
            let path = Path::new(&loc);
            let files = match path.is_dir() {
                true => std::fs::read_dir(path)
                    .map_err(|e| format!("ssl.ca.location {loc}: {e}"))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file())
                    .collect(),
                false => vec![path.to_path_buf()],
            };
            let mut certs = Vec::new();
            for f in files {
                let bytes = read_small(&f)?;
                // A directory may hold other files; a file named by itself must be PEM.
                match pem_certs(&bytes, &f.display().to_string()) {
                    Ok(c) => certs.extend(c),
                    Err(e) if !path.is_dir() => return Err(e),
                    Err(_) => {}
                }
            }
            add(certs, &format!("ssl.ca.location {loc}"))?;
        }
        _ if get("ssl.ca.pem").is_some_and(|v| !v.is_empty()) => {}
        _ => {
            let found = rustls_native_certs::load_native_certs();
            add(found.certs, "the system's certificate store")?;
        }
    }
    Ok(roots)
}

type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// The client's certificate and key, when the properties give them.
fn client_identity(get: &dyn Fn(&str) -> Option<String>) -> Result<Option<Identity>, String> {
    let read = |pem_key: &str, file_key: &str| -> Result<Option<Vec<u8>>, String> {
        match (get(pem_key), get(file_key)) {
            (Some(pem), _) if !pem.is_empty() => Ok(Some(pem.into_bytes())),
            (_, Some(file)) if !file.is_empty() => read_small(Path::new(&file)).map(Some),
            _ => Ok(None),
        }
    };
    let cert = read("ssl.certificate.pem", "ssl.certificate.location")?;
    let key = read("ssl.key.pem", "ssl.key.location")?;
    match (cert, key) {
        (None, None) => Ok(None),
        (Some(cert), Some(key)) => {
            let certs = pem_certs(&cert, "the client certificate")?;
            let key = PrivateKeyDer::from_pem_slice(&key)
                .map_err(|e| format!("the client key is not a PEM private key: {e}"))?;
            Ok(Some((certs, key)))
        }
        _ => Err("a client certificate needs both ssl.certificate.* and ssl.key.*".into()),
    }
}

fn pem_certs(bytes: &[u8], from: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{from}: {e}"))?;
    match certs.is_empty() {
        true => Err(format!("{from} holds no PEM certificate")),
        false => Ok(certs),
    }
}

/// Certificate files are small; a path to something endless must not be read whole.
/// A certificate, key or CA file: bounded, and a FIFO with no writer times out (the same
/// reader as the config file's).
fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    crate::config::read_small_bytes(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `ssl.endpoint.identification.algorithm=none`: the chain is checked, the name is not.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `enable.ssl.certificate.verification=false`: any certificate (the handshake's signatures
/// are still checked, so the connection is encrypted to whoever holds that certificate).
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
        move |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn what_is_not_read_here_is_said() {
        let keystore = props(vec![(
            "ssl.keystore.location",
            "/etc/kafka/client.p12".into(),
        )]);
        let err = client_config(&keystore).err().unwrap();
        assert!(err.contains("PKCS#12"), "{err}");
        let encrypted = props(vec![("ssl.key.password", "x".into())]);
        assert!(client_config(&encrypted)
            .err()
            .unwrap()
            .contains("encrypted private key"));
        let half = props(vec![
            ("ssl.certificate.location", "/nonexistent.pem".into()),
            ("enable.ssl.certificate.verification", "false".into()),
        ]);
        assert!(client_config(&half)
            .err()
            .unwrap()
            .contains("/nonexistent.pem"));
    }

    #[test]
    fn a_ca_file_that_is_missing_or_not_pem_is_named() {
        let missing = props(vec![("ssl.ca.location", "/nonexistent/ca.pem".into())]);
        assert!(client_config(&missing)
            .err()
            .unwrap()
            .contains("/nonexistent/ca.pem"));
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("ca.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let not_pem = props(vec![("ssl.ca.location", junk.display().to_string())]);
        let err = client_config(&not_pem).err().unwrap();
        assert!(err.contains("holds no PEM certificate"), "{err}");
        // A directory with nothing usable in it says so too.
        let in_dir = props(vec![("ssl.ca.location", dir.path().display().to_string())]);
        let err = client_config(&in_dir).err().unwrap();
        assert!(err.contains("no CA certificate could be read"), "{err}");
    }

    #[test]
    fn no_verification_needs_no_ca() {
        let off = props(vec![(
            "enable.ssl.certificate.verification",
            "false".into(),
        )]);
        assert!(client_config(&off).is_ok());
    }
}
