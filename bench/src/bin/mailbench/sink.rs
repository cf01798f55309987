//! A loopback SMTP server that accepts everything and records, for each message, when it
//! arrived, its `Message-ID`, its subject and its envelope sender. Just enough SMTP for lettre.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Instant,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// When the sink accepted it (after the final `.`).
    pub at: Instant,
    /// `Message-ID` header.
    pub message_id: String,
    /// `Subject` header.
    pub subject: String,
    /// Envelope sender: tells which deliverer sent it.
    pub from: String,
}

/// The running sink; clones share it.
#[derive(Clone)]
pub struct Sink {
    port: u16,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
}

impl Sink {
    /// Listens on an ephemeral loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::clone(&arrivals);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    if let Err(e) = session(stream, &store).await {
                        eprintln!("sink session: {e}");
                    }
                });
            }
        });
        Ok(Self { port, arrivals })
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Messages so far.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many messages so far.
    pub fn count(&self) -> usize {
        self.arrivals.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Forgets every message.
    pub fn clear(&self) {
        self.arrivals.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

fn header(data: &str, name: &str) -> String {
    data.lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
        .unwrap_or_default()
}

/// The address between `<` and `>` of a `MAIL FROM:` line.
fn envelope_address(line: &str) -> String {
    match (line.find('<'), line.find('>')) {
        (Some(start), Some(end)) if start < end => line[start + 1..end].to_owned(),
        _ => String::new(),
    }
}

async fn session(stream: TcpStream, store: &Mutex<Vec<Arrival>>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 bench-sink ESMTP\r\n").await?;
    let mut line = String::new();
    let mut from = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = match upper.split_whitespace().next().unwrap_or_default() {
            "EHLO" => b"250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 bench-sink\r\n",
            "MAIL" => {
                from = envelope_address(&line);
                b"250 OK\r\n"
            }
            "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "DATA" => {
                writer.write_all(b"354 go on\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line.trim_end_matches(['\r', '\n']) == "." {
                        break;
                    }
                    data.push_str(line.trim_end_matches(['\r', '\n']));
                    data.push('\n');
                }
                let arrival = Arrival {
                    at: Instant::now(),
                    message_id: header(&data, "message-id"),
                    subject: header(&data, "subject"),
                    from: from.clone(),
                };
                store.lock().unwrap_or_else(PoisonError::into_inner).push(arrival);
                b"250 queued\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 unknown\r\n",
        };
        writer.write_all(reply).await?;
    }
}
