//! `SmtpSink`: a minimal plain-text SMTP server on loopback that stores every
//! delivered message, so tests can assert on the mail the server sends.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};

use decode::{decode_entity, find, parse_headers, split_entity};

mod decode;

/// One message delivered to the sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// Envelope sender (`MAIL FROM`), without angle brackets.
    pub from: String,
    /// Envelope recipients (`RCPT TO`), without angle brackets.
    pub recipients: Vec<String>,
    /// Raw message (headers and body, CRLF line ends, dot-stuffing undone).
    pub data: String,
}

impl ReceivedMail {
    /// All headers in order: unfolded, RFC 2047 encoded-words decoded.
    pub fn headers(&self) -> Vec<(String, String)> {
        parse_headers(split_entity(&self.data).0)
    }

    /// First header called `name` (case-insensitive), decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        find(&self.headers(), name)
    }

    /// The decoded `Subject` header, or `""` when there is none.
    pub fn subject(&self) -> String {
        self.header("subject").unwrap_or_default()
    }

    /// The body with its Content-Transfer-Encoding (quoted-printable, base64)
    /// undone; for multipart messages, the decoded parts joined by `\n`.
    pub fn body(&self) -> String {
        let (head, body) = split_entity(&self.data);
        decode_entity(&parse_headers(head), body)
    }

    /// The body exactly as transferred.
    pub fn raw_body(&self) -> &str {
        split_entity(&self.data).1
    }
}

type Store = Arc<Mutex<Vec<ReceivedMail>>>;

#[derive(Debug)]
struct Inner {
    port: u16,
    messages: Store,
    stopped: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
    task: AbortHandle,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.task.abort();
    }
}

/// An SMTP sink on `127.0.0.1`; no TLS, no AUTH.
///
/// Cloning shares the same sink; it stops when [`SmtpSink::stop`] is called
/// or the last clone is dropped.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    inner: Arc<Inner>,
}

impl SmtpSink {
    /// Start a sink on a random free port.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Start a sink on `port` (0: random), e.g. to bring a stopped sink back.
    /// Retries for up to 5 s while the port is still held by a closing sink.
    #[expect(clippy::expect_used, reason = "test support: failing to bind loopback is fatal")]
    pub async fn start_on(port: u16) -> Self {
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => break listener,
                Err(e) if Instant::now() >= deadline => panic!("bind SMTP sink on {port}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
        let port = listener.local_addr().expect("SMTP sink address").port();
        let messages = Store::default();
        let stopped = Arc::new(AtomicBool::new(false));
        let (store, flag) = (Arc::clone(&messages), Arc::clone(&stopped));
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = Arc::clone(&connections);
        let task = tokio::spawn(async move {
            let mut sessions = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while sessions.try_join_next().is_some() {}
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                accepted.fetch_add(1, Ordering::SeqCst);
                let (store, flag) = (Arc::clone(&store), Arc::clone(&flag));
                sessions.spawn(async move {
                    // A broken session only concerns that client.
                    let _ = session(stream, &store, &flag).await;
                });
            }
        });
        let task = task.abort_handle();
        Self { inner: Arc::new(Inner { port, messages, stopped, connections, task }) }
    }

    /// The port the sink listens on.
    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// Close the listener and every open session; later connections are refused.
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        self.inner.task.abort();
    }

    /// SMTP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.inner.connections.load(Ordering::SeqCst)
    }

    /// Messages received so far, in delivery order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.inner.messages.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Poll until at least `n` messages arrived or `timeout` elapsed; returns
    /// whatever has arrived by then.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n || Instant::now() >= deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The address inside `<...>` (or the first word) of a MAIL/RCPT argument.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(start), Some(end)) if start < end => arg[start + 1..end].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or_default().to_owned(),
    }
}

async fn session(
    stream: TcpStream,
    store: &Mutex<Vec<ReceivedMail>>,
    stopped: &AtomicBool,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 mock-smtp ESMTP ready\r\n").await?;
    let (mut from, mut recipients) = (None::<String>, Vec::new());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).await? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default();
        let reply = match verb {
            "EHLO" => "250-mock-smtp greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP",
            "HELO" => "250 mock-smtp",
            "MAIL" if upper.starts_with("MAIL FROM:") => {
                from = Some(address(&line[10..]));
                recipients.clear();
                "250 2.1.0 OK"
            }
            "RCPT" if upper.starts_with("RCPT TO:") && from.is_some() => {
                recipients.push(address(&line[8..]));
                "250 2.1.5 OK"
            }
            "RCPT" => "503 5.5.1 need MAIL before RCPT",
            "DATA" if recipients.is_empty() => "503 5.5.1 need RCPT before DATA",
            "DATA" => {
                writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = String::new();
                loop {
                    buf.clear();
                    if reader.read_until(b'\n', &mut buf).await? == 0 {
                        return Ok(());
                    }
                    let text = String::from_utf8_lossy(&buf);
                    let text = text.trim_end_matches(['\r', '\n']);
                    if text == "." {
                        break;
                    }
                    data.push_str(text.strip_prefix('.').unwrap_or(text));
                    data.push_str("\r\n");
                }
                let mail = ReceivedMail {
                    from: from.take().unwrap_or_default(),
                    recipients: std::mem::take(&mut recipients),
                    data,
                };
                if stopped.load(Ordering::SeqCst) {
                    return Ok(());
                }
                store.lock().unwrap_or_else(PoisonError::into_inner).push(mail);
                "250 2.0.0 OK queued"
            }
            "RSET" => {
                (from, recipients) = (None, Vec::new());
                "250 2.0.0 OK"
            }
            "NOOP" => "250 2.0.0 OK",
            "VRFY" => "252 2.1.5 cannot verify",
            "QUIT" => {
                writer.write_all(b"221 2.0.0 bye\r\n").await?;
                return writer.shutdown().await;
            }
            _ => "502 5.5.2 command not recognized",
        };
        writer.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    fn mailer(port: u16) -> AsyncSmtpTransport<Tokio1Executor> {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(port)
            .timeout(Some(Duration::from_secs(2)))
            .build()
    }

    fn message(subject: &str, body: &str) -> Message {
        Message::builder()
            .from("EOSC Perf <noreply@example.org>".parse().unwrap())
            .to("alice@example.org".parse().unwrap())
            .cc("bob@example.org".parse().unwrap())
            .subject(subject)
            .body(body.to_owned())
            .unwrap()
    }

    #[tokio::test]
    async fn lettre_delivers_and_sink_decodes() {
        let sink = SmtpSink::start().await;
        let link = format!("https://perf.example.org/confirm?token={}", "x".repeat(90));
        let body = format!("Hello,\n.leading dot\nGrüße: {link}\n");
        mailer(sink.port())
            .send(message("Grüße — a long subject that surely needs folding when encoded", &body))
            .await
            .unwrap();
        mailer(sink.port()).send(message("Plain subject", "short\n")).await.unwrap();
        let mails = sink.wait_for(2, Duration::from_secs(5)).await;
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[0].from, "noreply@example.org");
        assert_eq!(mails[0].recipients, vec!["alice@example.org", "bob@example.org"]);
        assert_eq!(mails[0].subject(), "Grüße — a long subject that surely needs folding when encoded");
        assert_eq!(mails[0].header("to").as_deref(), Some("alice@example.org"));
        let decoded = mails[0].body().replace("\r\n", "\n");
        assert!(decoded.contains(".leading dot\n"), "{decoded}");
        assert!(decoded.contains(&link), "{decoded}");
        assert_eq!(mails[1].subject(), "Plain subject");
        assert_eq!(mails[1].body().trim_end(), "short");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn stop_refuses_and_restart_on_same_port_works() {
        let sink = SmtpSink::start().await;
        let port = sink.port();
        sink.stop();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
        assert!(mailer(port).send(message("lost", "x\n")).await.is_err());
        let again = SmtpSink::start_on(port).await;
        assert_eq!(again.port(), port);
        mailer(port).send(message("back", "x\n")).await.unwrap();
        assert_eq!(again.wait_for(1, Duration::from_secs(5)).await[0].subject(), "back");
        assert!(sink.messages().is_empty());
    }

    #[tokio::test]
    async fn raw_conversation() {
        let sink = SmtpSink::start().await;
        let stream = TcpStream::connect(("127.0.0.1", sink.port())).await.unwrap();
        let (reader, mut writer) = stream.into_split();
        let mut lines = BufReader::new(reader).lines();
        let mut expect = async |cmd: &str, code: &str| {
            if !cmd.is_empty() {
                writer.write_all(cmd.as_bytes()).await.unwrap();
            }
            let mut line = lines.next_line().await.unwrap().unwrap();
            while line.as_bytes().get(3) == Some(&b'-') {
                line = lines.next_line().await.unwrap().unwrap();
            }
            assert!(line.starts_with(code), "{cmd:?} -> {line}");
        };
        expect("", "220").await;
        expect("EHLO client\r\n", "250").await;
        expect("RCPT TO:<early@x>\r\n", "503").await;
        expect("MAIL FROM:<a@x> BODY=8BITMIME\r\n", "250").await;
        expect("RCPT TO:<b@x>\r\n", "250").await;
        expect("RSET\r\n", "250").await;
        expect("NOOP\r\n", "250").await;
        expect("MAIL FROM: <c@x>\r\n", "250").await;
        expect("RCPT TO:<d@x>\r\n", "250").await;
        expect("DATA\r\n", "354").await;
        let data = "Subject: =?utf-8?Q?caf=C3=A9_?=\r\n =?UTF-8?B?bm9pcg==?=\r\n\r\n..x\r\n.\r\n";
        expect(data, "250").await;
        expect("QUIT\r\n", "221").await;
        let mail = &sink.messages()[0];
        assert_eq!((mail.from.as_str(), mail.recipients.clone()), ("c@x", vec!["d@x".to_owned()]));
        assert_eq!(mail.subject(), "café noir");
        assert_eq!(mail.body(), ".x\r\n");
    }
}
