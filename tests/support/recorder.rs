//! `ConnectionRecorder`: a TCP listener on loopback that stands for an internal service the
//! server must never reach; it counts the connections it accepts and closes each at once.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::TcpListener;
use tokio::task::AbortHandle;

/// A listening socket on `127.0.0.1:<random port>` that records connection attempts.
#[derive(Debug)]
pub struct ConnectionRecorder {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    task: AbortHandle,
}

impl ConnectionRecorder {
    /// Starts listening in the background of the current tokio runtime.
    ///
    /// # Panics
    /// When loopback cannot be bound.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind connection recorder");
        let addr = listener.local_addr().expect("recorder address");
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Self { addr, connections, task: task.abort_handle() }
    }

    /// `127.0.0.1:<port>`.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for ConnectionRecorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}
