//! Turns an outbox row into an SMTP message, and the retry schedule of failed attempts.

use std::time::Duration;

use lettre::{
    Message,
    message::{
        Mailbox,
        header::{ContentType, HeaderName, HeaderValue},
    },
};

use crate::entity::mail_outbox;

/// 1 s, 2 s, 4 s, … capped at `max`.
pub(super) fn backoff(attempts: i32, max: Duration) -> Duration {
    let secs = 1u64 << attempts.clamp(0, 20).saturating_sub(1);
    Duration::from_secs(secs).min(max)
}

/// The message of `row`. Its `Message-ID` is derived from the row id, so a mail sent twice
/// (a lease that ended while the SMTP server was slow) is recognisably one message.
pub(super) fn build_message(from: &str, row: &mail_outbox::Model) -> Result<Message, String> {
    let to: Vec<String> = serde_json::from_str(&row.recipients).map_err(|e| e.to_string())?;
    let cc: Vec<String> = serde_json::from_str(&row.cc).map_err(|e| e.to_string())?;
    let headers: Vec<[String; 2]> = serde_json::from_str(&row.headers).map_err(|e| e.to_string())?;
    let from: Mailbox = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
    let message_id = format!("<{}@{}>", row.id.simple(), from.email.domain());
    let mut builder = Message::builder()
        .from(from)
        .message_id(Some(message_id))
        .subject(row.subject.clone())
        .header(ContentType::TEXT_PLAIN);
    for addr in &to {
        builder = builder.to(addr.parse().map_err(|e| format!("recipient {addr}: {e}"))?);
    }
    for addr in cc.iter().filter(|a| !a.is_empty()) {
        builder = builder.cc(addr.parse().map_err(|e| format!("cc {addr}: {e}"))?);
    }
    let mut message = builder.body(row.body.clone()).map_err(|e| e.to_string())?;
    for [name, value] in headers {
        let name = HeaderName::new_from_ascii(name).map_err(|e| e.to_string())?;
        message.headers_mut().insert_raw(HeaderValue::new(name, value));
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let max = Duration::from_secs(5);
        let secs: Vec<u64> = (1..=5).map(|a| backoff(a, max).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 5, 5]);
    }

    #[test]
    fn the_message_id_comes_from_the_row() {
        let id = Uuid::new_v4();
        let row = mail_outbox::Model {
            id,
            recipients: r#"["a@example.org"]"#.into(),
            cc: "[]".into(),
            subject: "s".into(),
            headers: r#"[["Resource-ID","r"]]"#.into(),
            body: "b".into(),
            attempts: 0,
            next_attempt_at: Utc::now(),
            created_at: Utc::now(),
            last_error: None,
            claimed_by: None,
            claimed_until: None,
        };
        let first = String::from_utf8(build_message("perf@example.org", &row).unwrap().formatted()).unwrap();
        let again = String::from_utf8(build_message("perf@example.org", &row).unwrap().formatted()).unwrap();
        let expected = format!("Message-ID: <{}@example.org>", id.simple());
        assert!(first.contains(&expected), "{first}");
        assert!(again.contains(&expected), "{again}");
        assert!(first.contains("Resource-ID: r"), "{first}");
    }
}
