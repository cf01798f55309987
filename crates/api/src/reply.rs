//! Successful responses: JSON with sorted keys and nulls left out, naive UTC datetimes, 204
//! with an empty body that still says `application/json` (contract §2.3, §2.5).
//!
//! Keys come out sorted because every representation declares its fields in alphabetical
//! order (checked by a test) and free-form documents are `serde_json` maps, which sort; the
//! body is serialised in one pass, without an intermediate `Value` tree.

use actix_web::{HttpRequest, HttpResponse, Responder, body::BoxBody, http::StatusCode};
use chrono::{DateTime, Utc};
use domain::Page;
use paperclip::actix::{Apiv2Schema, OperationModifier};
use serde::Serialize;

use crate::wire::NaiveUtc;

/// A successful answer.
pub struct Reply(HttpResponse);

impl Reply {
    /// `status` with `body` serialised (fields declared in alphabetical order).
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Reply(HttpResponse::build(status).content_type("application/json").body(bytes)),
            Err(e) => {
                tracing::error!(error = %e, "serialising a response failed: {e}");
                Reply(crate::error::bare(StatusCode::INTERNAL_SERVER_ERROR))
            }
        }
    }

    /// 200 with a body.
    pub fn ok<T: Serialize>(body: &T) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// 201 with a body.
    pub fn created<T: Serialize>(body: &T) -> Self {
        Self::json(StatusCode::CREATED, body)
    }

    /// A response built elsewhere (a streamed download).
    pub fn from_response(response: HttpResponse) -> Self {
        Reply(response)
    }

    /// 204, empty body, `Content-Type: application/json`.
    pub fn no_content() -> Self {
        Reply(HttpResponse::NoContent().content_type("application/json").finish())
    }

    /// 200 with the pagination envelope of contract §2.9.
    pub fn page<T, U: Serialize>(page: Page<T>, out: impl FnMut(T) -> U) -> Self {
        let (has_prev, has_next, current) = (page.has_prev(), page.has_next(), page.request.page);
        let envelope = PageOut {
            has_next,
            has_prev,
            next_num: has_next.then_some(current + 1),
            page: current,
            pages: page.pages(),
            per_page: page.request.per_page,
            prev_num: has_prev.then(|| current - 1),
            total: page.total,
            items: page.items.into_iter().map(out).collect(),
        };
        Self::ok(&envelope)
    }
}

/// The pagination envelope, fields in alphabetical order. Its schema is published once per
/// item type, as `<Item>s` (`Sites`, `Results`, ...).
#[derive(Serialize, Apiv2Schema)]
pub(crate) struct PageOut<U> {
    /// True if a next page exists
    has_next: bool,
    /// True if a previous page exists
    has_prev: bool,
    items: Vec<U>,
    /// Number of the next page; present only when has_next is true
    #[serde(skip_serializing_if = "Option::is_none")]
    next_num: Option<u64>,
    /// The return page number (1 indexed)
    #[openapi(minimum = 1)]
    page: u64,
    /// The total number of pages
    pages: u64,
    /// The number of items to be displayed on a page
    #[openapi(minimum = 1, maximum = 100)]
    per_page: u64,
    /// Number of the previous page; present only when has_prev is true
    #[serde(skip_serializing_if = "Option::is_none")]
    prev_num: Option<u64>,
    /// The total number of items matching the query
    total: u64,
}

impl Responder for Reply {
    type Body = BoxBody;
    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        self.0
    }
}

impl paperclip::v2::schema::Apiv2Schema for Reply {}
impl OperationModifier for Reply {}

/// Python `isoformat()` of a naive UTC time: microseconds only when non-zero. (Written out
/// by hand: chrono's `format` re-parses its pattern on every call, which showed in profiles.)
pub fn datetime(dt: &DateTime<Utc>) -> NaiveUtc {
    use chrono::{Datelike, Timelike};
    let n = dt.naive_utc();
    let (date, micros) = (n.date(), n.nanosecond() / 1_000);
    let whole = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        date.year(),
        date.month(),
        date.day(),
        n.hour(),
        n.minute(),
        n.second()
    );
    NaiveUtc(if micros == 0 { whole } else { format!("{whole}.{micros:06}") })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn the_page_envelope_serialises_with_sorted_keys_and_omits_absent_numbers() {
        let page = domain::Page {
            items: vec![1, 2],
            total: 5,
            request: domain::PageRequest { page: 2, per_page: 2 },
        };
        let envelope = super::PageOut {
            has_next: page.has_next(),
            has_prev: true,
            next_num: Some(3),
            page: 2,
            pages: page.pages(),
            per_page: 2,
            prev_num: None,
            total: 5,
            items: page.items,
        };
        let direct = serde_json::to_string(&envelope).unwrap();
        assert_eq!(direct, serde_json::to_value(&envelope).unwrap().to_string());
        assert!(!direct.contains("prev_num"));
    }

    #[test]
    fn datetimes_print_like_python_isoformat() {
        let whole = chrono::Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(super::datetime(&whole).as_str(), "2000-01-01T00:00:00");
        let frac = whole + chrono::Duration::microseconds(192_459);
        assert_eq!(super::datetime(&frac).as_str(), "2000-01-01T00:00:00.192459");
    }
}
