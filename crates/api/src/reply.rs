//! Successful responses: JSON with sorted keys and nulls left out, naive UTC datetimes, 204
//! with an empty body that still says `application/json` (contract §2.3, §2.5).

use actix_web::{HttpRequest, HttpResponse, Responder, body::BoxBody, http::StatusCode};
use chrono::{DateTime, Utc};
use domain::Page;
use paperclip::{actix::OperationModifier, v2::schema::Apiv2Schema};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A successful answer.
pub struct Reply(HttpResponse);

impl Reply {
    /// `status` with `body` serialised through `serde_json::Value`, whose maps sort keys.
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Self {
        let value = serde_json::to_value(body).unwrap_or(Value::Null);
        Reply(HttpResponse::build(status).content_type("application/json").body(value.to_string()))
    }

    /// 200 with a body.
    pub fn ok<T: Serialize>(body: &T) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// 201 with a body.
    pub fn created<T: Serialize>(body: &T) -> Self {
        Self::json(StatusCode::CREATED, body)
    }

    /// 204, empty body, `Content-Type: application/json`.
    pub fn no_content() -> Self {
        Reply(HttpResponse::NoContent().content_type("application/json").finish())
    }

    /// 200 with the pagination envelope of contract §2.9.
    pub fn page<T, U: Serialize>(page: Page<T>, out: impl FnMut(T) -> U) -> Self {
        let pages = page.pages();
        let (has_prev, has_next, current, per_page, total) =
            (page.has_prev(), page.has_next(), page.request.page, page.request.per_page, page.total);
        let items: Vec<U> = page.items.into_iter().map(out).collect();
        let mut map = Map::new();
        map.insert("items".into(), serde_json::to_value(items).unwrap_or(Value::Null));
        map.insert("total".into(), json!(total));
        map.insert("pages".into(), json!(pages));
        map.insert("page".into(), json!(current));
        map.insert("per_page".into(), json!(per_page));
        map.insert("has_prev".into(), json!(has_prev));
        map.insert("has_next".into(), json!(has_next));
        if has_prev {
            map.insert("prev_num".into(), json!(current - 1));
        }
        if has_next {
            map.insert("next_num".into(), json!(current + 1));
        }
        Self::ok(&Value::Object(map))
    }
}

impl Responder for Reply {
    type Body = BoxBody;
    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        self.0
    }
}

impl Apiv2Schema for Reply {}
impl OperationModifier for Reply {}

/// Python `isoformat()` of a naive UTC time: microseconds only when non-zero.
pub fn datetime(dt: &DateTime<Utc>) -> String {
    let naive = dt.naive_utc();
    if naive.and_utc().timestamp_subsec_micros() == 0 {
        naive.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        naive.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn datetimes_print_like_python_isoformat() {
        let whole = chrono::Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(super::datetime(&whole), "2000-01-01T00:00:00");
        let frac = whole + chrono::Duration::microseconds(192_459);
        assert_eq!(super::datetime(&frac), "2000-01-01T00:00:00.192459");
    }
}
