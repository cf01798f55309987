//! The checker on a small document shaped like the served one.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Exchange, ServedSpec, routed, routed_path};

const ID: &str = "0a0be4b8-fd4d-450d-8178-8947e707cce2";

fn spec() -> ServedSpec {
    let error = json!({"$ref": "#/components/responses/DEFAULT_ERROR"});
    let site = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Site"}}}});
    ServedSpec::new(json!({
        "paths": {
            "/sites/{site_id}": {
                "get": {"responses": {"200": site, "default": error}},
                "delete": {"responses": {"204": {"description": "No Content"}, "default": error}},
            },
            "/sites/{site_id}:approve": {"post": {"responses": {"204": {"description": "No Content"}}}},
        },
        "components": {
            "responses": {"DEFAULT_ERROR": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Site": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "readOnly": true},
                        "name": {"type": "string", "example": "KIT"},
                        "upload_datetime": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}$"},
                    },
                    "required": ["id", "name", "upload_datetime"],
                },
                "Error": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {"code": {"type": "integer"}, "status": {"type": "string"}},
                },
            },
        },
    }))
}

fn check(method: Method, path: &str, status: u16, body: &Value) -> Result<(), String> {
    let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    let status = StatusCode::from_u16(status).expect("status");
    let content_type = (!bytes.is_empty()).then_some("application/json");
    spec().check(Exchange {
        method: &method,
        path: &format!("/sites/{ID}{path}"),
        status,
        content_type,
        body: &bytes,
    })
}

fn site() -> Value {
    json!({"id": ID, "name": "KIT", "upload_datetime": "2021-09-08T20:37:10"})
}

#[test]
fn a_documented_response_passes() {
    assert_eq!(check(Method::GET, "", 200, &site()), Ok(()));
    assert_eq!(check(Method::HEAD, "", 200, &Value::Null), Ok(()), "HEAD is GET without a body");
    assert_eq!(check(Method::DELETE, "", 204, &Value::Null), Ok(()));
    assert_eq!(
        check(Method::POST, ":approve", 204, &Value::Null),
        Ok(()),
        "custom methods have their own template"
    );
}

#[test]
fn a_body_missing_a_required_member_is_refused() {
    let mut body = site();
    body.as_object_mut().expect("object").remove("name");
    let violation = check(Method::GET, "", 200, &body).expect_err("a Site without a name");
    assert!(violation.contains("GET /sites/{site_id} answered 200 OK"), "{violation}");
    assert!(violation.contains("\"name\" is a required property"), "{violation}");
}

#[test]
fn members_types_patterns_and_formats_are_checked() {
    for (member, value) in [
        ("extra", json!(1)),
        ("name", json!(7)),
        ("upload_datetime", json!("2021-09-08T20:37:10+00:00")),
        ("id", json!("not-a-uuid")),
    ] {
        let mut body = site();
        body[member] = value.clone();
        assert!(check(Method::GET, "", 200, &body).is_err(), "{member}: {value}");
    }
}

#[test]
fn statuses_must_be_documented_and_errors_fall_back_to_default() {
    let undocumented = check(Method::GET, "", 201, &site()).expect_err("201 is not documented");
    assert!(undocumented.contains("the status is not documented"), "{undocumented}");
    assert_eq!(check(Method::GET, "", 404, &json!({"code": 404, "status": "Not Found"})), Ok(()));
    assert!(check(Method::GET, "", 404, &json!({"code": 404, "detail": "x"})).is_err(), "not an Error body");
    assert!(check(Method::GET, "", 404, &Value::Null).is_err(), "an Error body is required");
    assert!(check(Method::POST, ":approve", 409, &json!({"code": 409})).is_err(), "no default here");
    assert!(check(Method::DELETE, "", 204, &json!({})).is_err(), "204 declares no body");
}

#[test]
fn requests_reaching_no_operation_must_get_an_error() {
    let bare = json!({"code": 405, "status": "Method Not Allowed"});
    assert_eq!(check(Method::PUT, "", 405, &bare), Ok(()), "a method the path does not serve");
    assert_eq!(check(Method::GET, "/nope", 404, &json!({"code": 404, "status": "Not Found"})), Ok(()));
    assert!(check(Method::GET, "/nope", 200, &site()).is_err(), "an unknown path answered 200");
    let not_an_id = spec().check(Exchange {
        method: &Method::GET,
        path: "/sites/abc",
        status: StatusCode::OK,
        content_type: Some("application/json"),
        body: site().to_string().as_bytes(),
    });
    assert!(not_an_id.is_err(), "/sites/abc matches no template");
}

#[test]
fn exempt_paths_and_methods_pass() {
    let spec = spec();
    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/api-spec.json"),
        (Method::GET, "/swagger-ui/index.html"),
        (Method::GET, "/test-only/panic"),
        (Method::OPTIONS, "/nope"),
    ] {
        let exchange = Exchange {
            method: &method,
            path,
            status: StatusCode::OK,
            content_type: Some("text/html"),
            body: b"<html>",
        };
        assert_eq!(spec.check(exchange), Ok(()), "{method} {path}");
    }
    let near = Exchange {
        method: &Method::GET,
        path: "/api-spec.jsonx",
        status: StatusCode::OK,
        content_type: None,
        body: b"x",
    };
    assert!(spec.check(near).is_err(), "only the listed paths are exempt");
}

#[test]
fn the_script_name_prefix_is_removed() {
    assert_eq!(routed_path("/api/v1/tags", Some("/api/v1/")), "/tags");
    assert_eq!(routed_path("/api/v1", Some("/api/v1")), "/");
    assert_eq!(routed_path("/tags", Some("/api/v1")), "/tags");
    assert_eq!(routed_path("/tags", None), "/tags");
}

#[test]
fn paths_are_matched_as_the_server_routes_them() {
    assert_eq!(routed("//sites%3Asearch"), "/sites:search");
    assert_eq!(routed("/a%2Fb%25c%zz%4"), "/a%2Fb%25c%zz%4");
    let path = format!("//sites/{ID}%3Aapprove");
    let exchange = Exchange {
        method: &Method::POST,
        path: &path,
        status: StatusCode::NO_CONTENT,
        content_type: None,
        body: b"",
    };
    assert_eq!(spec().check(exchange), Ok(()));
}
