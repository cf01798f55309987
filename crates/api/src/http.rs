//! Protocol details the original gets from Flask/Werkzeug: `X-Script-Name` prefix stripping,
//! HEAD for every GET route, OPTIONS answered with an `Allow` header, and optional CORS.

use actix_web::{
    HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header},
};
use serde_json::Value;

/// Removes the `X-Script-Name` prefix from the path (the original's reverse-proxy support).
pub fn strip_script_name(mut req: ServiceRequest) -> ServiceRequest {
    let Some(prefix) = req.headers().get("X-Script-Name").and_then(|v| v.to_str().ok()).map(str::to_owned)
    else {
        return req;
    };
    let prefix = prefix.trim_end_matches('/');
    let path = req.path().to_owned();
    if prefix.is_empty() || !path.starts_with(prefix) {
        return req;
    }
    let rest = &path[prefix.len()..];
    let rest = if rest.is_empty() { "/" } else { rest };
    let pq = match req.query_string() {
        "" => rest.to_owned(),
        q => format!("{rest}?{q}"),
    };
    if let Ok(uri) = pq.parse::<actix_web::http::Uri>() {
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
    }
    req
}

/// Whether a concrete path matches an OpenAPI template such as `/results/{result_id}:claim`.
fn matches_template(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(ts, ps)| segment_matches(ts, ps))
}

fn segment_matches(template: &str, segment: &str) -> bool {
    match (template.find('{'), template.find('}')) {
        (Some(open), Some(close)) => {
            let (prefix, suffix) = (&template[..open], &template[close + 1..]);
            segment.len() > prefix.len() + suffix.len()
                && segment.starts_with(prefix)
                && segment.ends_with(suffix)
                && crate::extract::path_uuid(&segment[prefix.len()..segment.len() - suffix.len()]).is_some()
        }
        _ => template == segment,
    }
}

/// The methods served on `path`, from the OpenAPI document (HEAD and OPTIONS included).
pub fn allowed_methods(spec: &Value, path: &str) -> Option<Vec<String>> {
    let paths = spec.get("paths")?.as_object()?;
    // `/x/{id}` also matches `/x/abc:verb`: the template with the most literal text wins.
    let literal =
        |t: &str| t.len() - t.split('{').skip(1).filter_map(|s| s.find('}')).map(|i| i + 2).sum::<usize>();
    let item = paths
        .iter()
        .filter(|(template, _)| matches_template(template, path))
        .max_by_key(|(template, _)| literal(template))
        .map(|(_, item)| item)?;
    let mut methods: Vec<String> =
        item.as_object()?.keys().filter(|k| *k != "parameters").map(|m| m.to_ascii_uppercase()).collect();
    if methods.iter().any(|m| m == "GET") {
        methods.push("HEAD".into());
    }
    methods.push("OPTIONS".into());
    methods.sort();
    Some(methods)
}

/// `OPTIONS`: 200, `Allow`, empty HTML body (plus CORS preflight headers when enabled).
pub fn options_response(spec: &Value, path: &str, cors_origin: Option<&str>) -> Option<HttpResponse> {
    let methods = allowed_methods(spec, path)?.join(", ");
    let mut resp = HttpResponse::Ok();
    resp.content_type("text/html; charset=utf-8").insert_header((header::ALLOW, methods.clone()));
    if let Some(origin) = cors_origin {
        resp.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, methods))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type"))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
    }
    Some(resp.finish())
}

/// A HEAD request is served as GET; the body is dropped on the way out.
pub fn head_as_get(mut req: ServiceRequest) -> (ServiceRequest, bool) {
    let is_head = req.method() == Method::HEAD;
    if is_head {
        req.head_mut().method = Method::GET;
    }
    (req, is_head)
}

/// Drops the body of a HEAD answer, keeping status and headers.
pub fn without_body<B: MessageBody + 'static>(res: ServiceResponse<B>) -> ServiceResponse<BoxBody> {
    res.map_body(|_, _| BoxBody::new(()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn templates_match_custom_methods_and_ids() {
        let id = "0a0be4b8-fd4d-450d-8178-8947e707cce2";
        assert!(matches_template("/results/{result_id}:claim", &format!("/results/{id}:claim")));
        assert!(!matches_template("/results/{result_id}:claim", &format!("/results/{id}")));
        assert!(matches_template("/results/{result_id}", &format!("/results/{id}")));
        assert!(!matches_template("/results/{result_id}", "/results/abc"));
        assert!(!matches_template("/results/{result_id}", &format!("/results/{id}/tags")));
    }

    #[test]
    fn allowed_methods_come_from_the_spec() {
        let spec = json!({"paths": {"/tags": {"get": {}, "post": {}}, "/tags/{tag_id}": {"parameters": [], "delete": {}}}});
        assert_eq!(allowed_methods(&spec, "/tags").unwrap(), vec!["GET", "HEAD", "OPTIONS", "POST"]);
        let id = "0a0be4b8-fd4d-450d-8178-8947e707cce2";
        assert_eq!(allowed_methods(&spec, &format!("/tags/{id}")).unwrap(), vec!["DELETE", "OPTIONS"]);
        assert!(allowed_methods(&spec, "/nope").is_none());
        let spec = json!({"paths": {"/r/{id}": {"get": {}}, "/r/{id}:claim": {"post": {}}}});
        assert_eq!(allowed_methods(&spec, &format!("/r/{id}:claim")).unwrap(), vec!["OPTIONS", "POST"]);
    }
}
