//! Decoding of the messages the sink received: header block and body, unfolded headers,
//! RFC 2047 encoded-words, quoted-printable and base64 bodies, multipart parts.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Split an entity into its header block and its body.
pub(super) fn split_entity(s: &str) -> (&str, &str) {
    if let Some(body) = s.strip_prefix("\r\n").or_else(|| s.strip_prefix('\n')) {
        return ("", body);
    }
    if let Some(i) = s.find("\r\n\r\n") {
        return (&s[..i], &s[i + 4..]);
    }
    s.find("\n\n").map_or((s, ""), |i| (&s[..i], &s[i + 2..]))
}

/// Headers in order, unfolded, with encoded-words decoded.
pub(super) fn parse_headers(head: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim_start().to_owned()));
        }
    }
    headers.into_iter().map(|(name, value)| (name, decode_words(value.trim_end()))).collect()
}

/// The first header called `name` (case-insensitive).
pub(super) fn find(headers: &[(String, String)], name: &str) -> Option<String> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
}

/// Decode quoted-printable; `q_word` also maps `_` to a space (RFC 2047 "Q").
fn qp_decode(s: &str, q_word: bool) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' if q_word => out.push(b' '),
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 2,
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 1,
            b'=' => match s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(byte) => {
                    out.push(byte);
                    i += 2;
                }
                None => out.push(b'='),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    out
}

/// Decode one `=?charset?B|Q?text?=` word at the start of `s` (charset is
/// assumed UTF-8-compatible); returns its bytes and its length.
fn encoded_word(s: &str) -> Option<(Vec<u8>, usize)> {
    let rest = s.strip_prefix("=?")?;
    let (charset, rest) = rest.split_once('?')?;
    let (encoding, rest) = rest.split_once('?')?;
    let text = &rest[..rest.find("?=")?];
    if text.contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => STANDARD.decode(text).ok()?,
        "Q" | "q" => qp_decode(text, true),
        _ => return None,
    };
    Some((bytes, charset.len() + encoding.len() + text.len() + 6))
}

/// Decode RFC 2047 encoded-words; whitespace between adjacent words is dropped.
fn decode_words(s: &str) -> String {
    let (mut out, mut pending, mut rest) = (String::new(), Vec::new(), s);
    while let Some(start) = rest.find("=?") {
        let (before, at) = rest.split_at(start);
        match encoded_word(at) {
            Some((bytes, len)) => {
                if pending.is_empty() || !before.trim().is_empty() {
                    out.push_str(&String::from_utf8_lossy(&std::mem::take(&mut pending)));
                    out.push_str(before);
                }
                pending.extend(bytes);
                rest = &at[len..];
            }
            None => {
                out.push_str(&String::from_utf8_lossy(&std::mem::take(&mut pending)));
                out.push_str(&rest[..start + 2]);
                rest = &at[2..];
            }
        }
    }
    out.push_str(&String::from_utf8_lossy(&pending));
    out.push_str(rest);
    out
}

/// The body of an entity with its transfer encoding undone; multipart parts joined by `\n`.
pub(super) fn decode_entity(headers: &[(String, String)], body: &str) -> String {
    let content_type = find(headers, "content-type").unwrap_or_default();
    let boundary = content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary").then(|| v.trim_matches('"').to_owned())
    });
    if let Some(boundary) = boundary.filter(|_| content_type.to_ascii_lowercase().starts_with("multipart/")) {
        return body
            .split(&format!("--{boundary}"))
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .map(|part| {
                let part = part.strip_prefix("\r\n").unwrap_or(part);
                let (head, body) = split_entity(part);
                decode_entity(&parse_headers(head), body)
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    let encoding = find(headers, "content-transfer-encoding").unwrap_or_default().to_ascii_lowercase();
    match encoding.trim() {
        "quoted-printable" => String::from_utf8_lossy(&qp_decode(body, false)).into_owned(),
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            STANDARD
                .decode(compact)
                .map_or_else(|_| body.to_owned(), |b| String::from_utf8_lossy(&b).into_owned())
        }
        _ => body.to_owned(),
    }
}
