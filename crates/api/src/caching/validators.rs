//! What a GET answer is validated and encoded by: strong entity tags, the request's
//! `If-None-Match` and `Accept-Encoding`, gzip. Pure functions of bytes and headers; no
//! service, no cache.

use std::io::Write;

use actix_web::{
    HttpMessage,
    http::header::{AcceptEncoding, Encoding, EntityTag, Header, IfNoneMatch},
    web::Bytes,
};
use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};

/// Content codings the server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    /// The body as serialised.
    Identity,
    /// The body compressed with gzip (`Content-Encoding: gzip`).
    Gzip,
}

impl Coding {
    /// The coding for a request: gzip when its `Accept-Encoding` prefers gzip to identity (a
    /// missing or unreadable header means identity).
    pub fn negotiate(request: &impl HttpMessage) -> Self {
        let supported = [Encoding::gzip(), Encoding::identity()];
        match AcceptEncoding::parse(request).ok().and_then(|accept| accept.negotiate(supported.iter())) {
            Some(encoding) if encoding == Encoding::gzip() => Self::Gzip,
            _ => Self::Identity,
        }
    }
}

/// The strong tag of a body: a digest of its bytes, the same on every server.
pub fn body_tag(bytes: &[u8]) -> EntityTag {
    digest_tag(&Sha256::digest(bytes))
}

/// The strong tag of the answer to `request` (a normalised request line) while the change
/// counter has the value `generation`, in `coding`. Every server computes the same answer for
/// these (and this server version), so the tag is known without the answer.
pub fn answer_tag(request: &str, generation: i64, coding: Coding) -> EntityTag {
    let mut digest = Sha256::new();
    for part in [env!("CARGO_PKG_VERSION").as_bytes(), request.as_bytes(), &generation.to_be_bytes()] {
        digest.update(part.len().to_be_bytes());
        digest.update(part);
    }
    digest.update([coding as u8]);
    digest_tag(&digest.finalize())
}

/// 128 bits of a digest as hexadecimal, quoted as a strong tag.
fn digest_tag(digest: &[u8]) -> EntityTag {
    let hex = digest.iter().take(16).fold(String::with_capacity(32), |mut hex, byte| {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
        hex
    });
    EntityTag::new_strong(hex)
}

/// The request's `If-None-Match`, when it has a readable one.
pub fn if_none_match(request: &impl HttpMessage) -> Option<IfNoneMatch> {
    request.headers().contains_key(IfNoneMatch::name()).then(|| IfNoneMatch::parse(request).ok()).flatten()
}

/// Whether `condition` names `tag`, so the client already holds the current representation
/// (weak comparison, as RFC 9110 §13.1.2 prescribes for `If-None-Match`; `*` names any).
pub fn holds(condition: Option<&IfNoneMatch>, tag: &EntityTag) -> bool {
    match condition {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|held| held.weak_eq(tag)),
        None => false,
    }
}

/// `bytes` compressed with gzip.
///
/// # Errors
/// Those of the compressor (writing into memory does not fail in practice).
pub fn gzip(bytes: &[u8]) -> std::io::Result<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::default());
    encoder.write_all(bytes)?;
    Ok(Bytes::from(encoder.finish()?))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn gzip_is_chosen_only_when_the_client_prefers_it_to_identity() {
        let coding = |accept: Option<&str>| {
            let mut req = TestRequest::default();
            if let Some(accept) = accept {
                req = req.insert_header(("Accept-Encoding", accept));
            }
            Coding::negotiate(&req.to_http_request())
        };
        assert_eq!(coding(None), Coding::Identity);
        assert_eq!(coding(Some("gzip")), Coding::Gzip);
        assert_eq!(coding(Some("gzip, deflate, br, zstd")), Coding::Gzip);
        assert_eq!(coding(Some("br;q=1.0, gzip;q=0.8")), Coding::Gzip);
        assert_eq!(coding(Some("gzip;q=0")), Coding::Identity);
        assert_eq!(coding(Some("br, deflate")), Coding::Identity);
        assert_eq!(coding(Some("identity")), Coding::Identity);
        assert_eq!(coding(Some("gzip;q=0.5, identity")), Coding::Identity);
    }

    #[test]
    fn body_tags_are_strong_digests_of_the_bytes() {
        let tag = body_tag(b"{}");
        assert!(!tag.weak);
        assert_eq!(tag.tag().len(), 32);
        assert_eq!(tag, body_tag(b"{}"));
        assert_ne!(tag, body_tag(b"[]"));
    }

    #[test]
    fn answer_tags_differ_by_request_counter_value_and_coding() {
        let tag = answer_tag("/results?page=1", 7, Coding::Identity);
        assert_eq!(tag, answer_tag("/results?page=1", 7, Coding::Identity));
        for other in [
            answer_tag("/results?page=2", 7, Coding::Identity),
            answer_tag("/results?page=1", 8, Coding::Identity),
            answer_tag("/results?page=1", 7, Coding::Gzip),
        ] {
            assert_ne!(tag, other);
        }
    }

    #[test]
    fn if_none_match_names_a_tag_by_weak_comparison_or_star() {
        let tag = body_tag(b"x");
        let held = |value: &str| {
            let req = TestRequest::default().insert_header(("If-None-Match", value)).to_http_request();
            holds(if_none_match(&req).as_ref(), &tag)
        };
        let quoted = format!("\"{}\"", tag.tag());
        assert!(held(&quoted));
        assert!(held(&format!("W/{quoted}")));
        assert!(held(&format!("\"other\", {quoted}")));
        assert!(held("*"));
        assert!(!held("\"other\""));
        assert!(!held("not a tag"));
        assert!(!holds(None, &tag));
    }

    #[test]
    fn gzip_round_trips() {
        let body = br#"{"items":[{"json":{"score":1}},{"json":{"score":1}}]}"#.repeat(50);
        let compressed = gzip(&body).unwrap();
        assert!(compressed.len() < body.len() / 10, "{} of {}", compressed.len(), body.len());
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_ref()).read_to_end(&mut plain).unwrap();
        assert_eq!(plain, body);
    }
}
