//! `GET /`: the Swagger UI page (assets bundled by paperclip under `/swagger-ui`), loading
//! `<prefix>/api-spec.json`.
//!
//! The prefix comes from the reverse proxy's `X-Script-Name` header, which any client can
//! send. It is used only when it is a plain path (segments of unreserved URL characters,
//! `^(/[A-Za-z0-9._~-]+)*/?$`) and otherwise ignored; whatever goes into the page is also
//! HTML-escaped and placed in attributes only, never in script text.

use actix_web::{HttpRequest, HttpResponse};

/// The header naming the public path prefix (contract §2.1).
const SCRIPT_NAME: &str = "X-Script-Name";

/// The `X-Script-Name` prefix without its trailing slash, when it is a plain path; `""`
/// when the header is absent, not text, or holds anything else.
fn page_prefix(req: &HttpRequest) -> &str {
    let header = req.headers().get(SCRIPT_NAME).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if is_plain_path(header) { header.trim_end_matches('/') } else { "" }
}

/// Whether `value` matches `^(/[A-Za-z0-9._~-]+)*/?$`: empty, `/`, or `/`-led segments of
/// letters, digits and `._~-`, with at most one trailing slash.
fn is_plain_path(value: &str) -> bool {
    let body = value.strip_suffix('/').unwrap_or(value);
    body.is_empty()
        || body.strip_prefix('/').is_some_and(|rest| {
            rest.split('/').all(|segment| {
                !segment.is_empty()
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'))
            })
        })
}

/// The page: static script; the prefix only in escaped attribute values.
fn page(prefix: &str) -> String {
    let prefix = html_escape::encode_double_quoted_attribute(prefix);
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"UTF-8\"><title>EOSC Performance API</title>\
         <link rel=\"stylesheet\" href=\"{prefix}/swagger-ui/swagger-ui.css\"></head><body>\
         <div id=\"swagger-ui\" data-spec-url=\"{prefix}/api-spec.json\"></div>\
         <script src=\"{prefix}/swagger-ui/swagger-ui-bundle.js\"></script>\
         <script>window.onload=function(){{var root=document.getElementById(\"swagger-ui\");\
         window.ui=SwaggerUIBundle({{url:root.dataset.specUrl,dom_id:\"#swagger-ui\"}});}};</script>\
         </body></html>"
    )
}

/// `GET /`: Swagger UI.
pub async fn swagger_page(req: HttpRequest) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page(page_prefix(&req)))
}

#[cfg(test)]
mod tests {
    use super::{is_plain_path, page};

    #[test]
    fn only_plain_paths_are_prefixes() {
        for good in ["", "/", "/api/v1", "/api/v1/", "/a.b_c~d-e"] {
            assert!(is_plain_path(good), "{good:?}");
        }
        for bad in
            ["api", "//", "/api//v1", "/api/v1//", "\"><script>", "/a b", "/a%20b", "/a?b", "/a\"b", "/<x>"]
        {
            assert!(!is_plain_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_page_escapes_what_it_writes() {
        let html = page("/a\"<b>&");
        assert!(html.contains("href=\"/a&quot;&lt;b&gt;&amp;/swagger-ui/swagger-ui.css\""), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }
}
