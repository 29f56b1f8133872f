//! A loopback TCP forwarder: makes the mock broker, which binds a random port, reachable at a
//! port of the person's choice (`--listen`).

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Accepts on `listener` and pipes each connection to `target` until `cancel` fires.
pub async fn forward(listener: TcpListener, target: SocketAddr, cancel: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            _ = cancel.cancelled() => return,
            a = listener.accept() => a,
        };
        let (mut inbound, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("forwarder accept failed: {e}");
                continue;
            }
        };
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let mut outbound = match TcpStream::connect(target).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!("forwarder: cannot reach mock broker {target} for {peer}: {e}");
                    return;
                }
            };
            let _ = inbound.set_nodelay(true);
            let _ = outbound.set_nodelay(true);
            tokio::select! {
                _ = cancel.cancelled() => {}
                r = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {
                    if let Err(e) = r {
                        tracing::debug!("forwarder connection {peer} ended: {e}");
                    }
                }
            }
        });
    }
}

/// Binds `addr`; for the default address, falls back to a free port when it is taken.
pub async fn bind(addr: SocketAddr, fallback_to_free: bool) -> std::io::Result<TcpListener> {
    match TcpListener::bind(addr).await {
        Ok(l) => Ok(l),
        Err(e) if fallback_to_free && e.kind() == std::io::ErrorKind::AddrInUse => {
            TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await
        }
        Err(e) => Err(e),
    }
}
