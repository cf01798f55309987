//! Keep-alive SMTP connections with Nagle's algorithm off.
//!
//! lettre's pooled `AsyncSmtpTransport` (0.11.23) connects without `TCP_NODELAY`, and lettre
//! writes the final `.` of a message apart from the message. Nagle then holds that last write
//! until the server acknowledges the message, which a server with delayed ACKs does after
//! 40 ms (Linux): every mail costs 40 ms on its connection, about 20 mails/s each, whatever
//! the server's speed (lettre/lettre#1159). So this module opens the TCP connections itself,
//! with `TCP_NODELAY`, and hands them to lettre's `AsyncSmtpConnection`, which speaks SMTP.
//! Connections are kept for the next mail; one that the server closed is noticed (`NOOP`) and
//! replaced. Every step has a deadline, so a server that stops answering fails the attempt.

use std::{
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use lettre::{
    Message,
    transport::smtp::{client::AsyncSmtpConnection, extension::ClientId},
};
use tokio::{net::TcpStream, time::timeout};

/// Longest wait for a TCP connection and the server's greeting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest a whole attempt (connection included) may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections unused this long are closed (servers drop idle clients after a few minutes).
pub(super) const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection waiting for the next mail.
struct Idle {
    connection: AsyncSmtpConnection,
    since: Instant,
}

/// Connections to one SMTP server, at most `max_idle` kept open between mails.
pub(super) struct SmtpConnections {
    host: String,
    port: u16,
    max_idle: usize,
    idle: Mutex<Vec<Idle>>,
}

impl SmtpConnections {
    /// Connections to `host:port`; none is opened before the first mail.
    pub(super) fn new(host: String, port: u16, max_idle: usize) -> Self {
        Self { host, port, max_idle, idle: Mutex::new(Vec::new()) }
    }

    /// Sends `message` over a kept or a new connection.
    pub(super) async fn send(&self, message: &Message) -> Result<(), String> {
        let attempt = async {
            let mut connection = self.connection().await?;
            match connection.send(message.envelope(), &message.formatted()).await {
                Ok(_) => {
                    self.keep(connection);
                    Ok(())
                }
                Err(e) => {
                    connection.abort().await;
                    Err(e.to_string())
                }
            }
        };
        timeout(SEND_TIMEOUT, attempt)
            .await
            .unwrap_or_else(|_| Err(format!("no answer from the SMTP server within {SEND_TIMEOUT:?}")))
    }

    /// Closes the connections unused for [`IDLE_TIMEOUT`].
    pub(super) async fn close_idle(&self) {
        let expired: Vec<Idle> = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            idle.extract_if(.., |c| c.since.elapsed() >= IDLE_TIMEOUT).collect()
        };
        for mut old in expired {
            let _ = timeout(CONNECT_TIMEOUT, old.connection.quit()).await;
        }
    }

    /// A kept connection that still answers, else a new one.
    async fn connection(&self) -> Result<AsyncSmtpConnection, String> {
        loop {
            let kept = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let Some(mut kept) = kept else { break };
            if kept.since.elapsed() < IDLE_TIMEOUT && kept.connection.test_connected().await {
                return Ok(kept.connection);
            }
            kept.connection.abort().await;
        }
        let connect = async {
            let stream =
                TcpStream::connect((self.host.as_str(), self.port)).await.map_err(|e| e.to_string())?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default())
                .await
                .map_err(|e| e.to_string())
        };
        timeout(CONNECT_TIMEOUT, connect).await.unwrap_or_else(|_| {
            Err(format!("no connection to {}:{} within {CONNECT_TIMEOUT:?}", self.host, self.port))
        })
    }

    /// Keeps a connection for the next mail, unless enough are kept already.
    fn keep(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.max_idle {
            idle.push(Idle { connection, since: Instant::now() });
        }
    }
}
