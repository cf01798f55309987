//! Real responses against the served OpenAPI document. The shared client checks every
//! response of every suite (`eosc_perf_tests::conformance`); this suite pins the cases the
//! original's document got wrong (naive datetimes, absent page numbers, flaat's 401/403 bodies,
//! `message` objects, claims without `resource_id`) and what schemathesis found, shows that the
//! checker refuses a wrong body, and that no suite sends around it.
//!
//! `.ci/schemathesis.sh` fuzzes every operation against the same document.

use eosc_perf_tests::{
    TestApp,
    app::send_raw,
    backend_test,
    conformance::{Exchange, ServedSpec},
    sample::{Sample, seed},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Sends `method path` with an optional token and raw JSON body through the checking client,
/// asserts `expected` and returns the body decoded (`Null` when empty).
async fn check(
    app: &TestApp,
    (method, path): (Method, &str),
    token: Option<&str>,
    body: Option<&str>,
    expected: StatusCode,
) -> Value {
    let mut request = app.request(method.clone(), path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_owned());
    }
    let response = send_raw(request).await;
    assert_eq!(response.status, expected, "{method} {path}: {}", response.text);
    response.json()
}

async fn setup(app: &TestApp) -> Sample {
    seed(app, "").await
}

backend_test!(a_result_with_naive_datetimes_matches_the_document, |app| {
    let s = setup(&app).await;
    let path = format!("/results/{}", s.result);
    let result = check(&app, (Method::GET, &path), None, None, StatusCode::OK).await;
    assert_eq!(result["execution_datetime"], "2021-09-08T20:37:10.192459");
    let path = format!("/results/{}", s.claimed_result);
    let result = check(&app, (Method::GET, &path), None, None, StatusCode::OK).await;
    assert_eq!(result["execution_datetime"], "2022-01-01T00:00:00", "whole seconds have no fraction");
    let (token, user) = (Some(s.admin.token.as_str()), Some(s.user.token.as_str()));
    for (path, token) in [
        ("/results".to_owned(), None),
        ("/results:search?terms=site".to_owned(), None),
        ("/users/self/results".to_owned(), user),
        ("/users".to_owned(), token),
        ("/users/self".to_owned(), token),
        ("/reports/submits".to_owned(), token),
        ("/reports/claims?status=on_review".to_owned(), token),
        (format!("/reports/claims/{}", s.claim), token),
        (format!("/results/{}/uploader", s.result), token),
        (format!("/benchmarks/{}", s.benchmark), None),
        (format!("/sites/{}/flavors", s.site), None),
        (format!("/flavors/{}/site", s.flavor), None),
    ] {
        let body = check(&app, (Method::GET, &path), token, None, StatusCode::OK).await;
        assert!(!body["items"].as_array().is_some_and(Vec::is_empty), "{path} is empty: {body}");
    }
});

backend_test!(pages_without_a_next_or_previous_page_match_the_document, |app| {
    let s = setup(&app).await;
    let second = json!({"name": "cpu"}).to_string();
    check(&app, (Method::POST, "/tags"), Some(&s.user.token), Some(&second), StatusCode::CREATED).await;
    let only = check(&app, (Method::GET, "/tags"), None, None, StatusCode::OK).await;
    assert!(only.get("next_num").is_none() && only.get("prev_num").is_none(), "{only}");
    let first = check(&app, (Method::GET, "/tags?per_page=1"), None, None, StatusCode::OK).await;
    assert_eq!((first.get("next_num"), first.get("prev_num")), (Some(&json!(2)), None), "{first}");
    let last = "/tags?per_page=1&page=2";
    let last = check(&app, (Method::GET, last), None, None, StatusCode::OK).await;
    assert_eq!((last.get("next_num"), last.get("prev_num")), (None, Some(&json!(1))), "{last}");
});

backend_test!(authentication_errors_match_the_document, |app| {
    let s = setup(&app).await;
    let tag = json!({"name": "x"}).to_string();
    let unauthenticated =
        check(&app, (Method::POST, "/tags"), None, Some(&tag), StatusCode::UNAUTHORIZED).await;
    assert_eq!(unauthenticated["error"], "Unauthenticated");
    let bad = check(&app, (Method::GET, "/users/self"), Some("nope"), None, StatusCode::UNAUTHORIZED).await;
    assert_eq!(bad["error_description"], "User identity could not be determined");
    let forbidden =
        check(&app, (Method::GET, "/users"), Some(&s.user.token), None, StatusCode::FORBIDDEN).await;
    assert_eq!(forbidden["error_details"], "Evaluation of: is_admin");
    let stranger = app.registered("stranger").await;
    let path = format!("/results/{}/tags", s.result);
    let tags = json!({"tags_ids": []}).to_string();
    let not_owner = (Method::PUT, path.as_str());
    let bare = check(&app, not_owner, Some(&stranger.token), Some(&tags), StatusCode::FORBIDDEN).await;
    assert_eq!(bare, json!({"code": 403, "status": "Forbidden"}));
});

backend_test!(validation_and_handler_errors_match_the_document, |app| {
    let s = setup(&app).await;
    let sort =
        check(&app, (Method::GET, "/tags?sort_by=%2Bnope"), None, None, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert!(sort["message"].is_object(), "{sort}");
    let operator = "/results?filters=time%20~%201";
    let filter = check(&app, (Method::GET, operator), None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(filter["message"].is_object(), "{filter}");
    let count = "/results?filters=time";
    let filter = check(&app, (Method::GET, count), None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(filter["errors"]["reason"].is_array(), "{filter}");
    let field = "/tags?per_page=0";
    check(&app, (Method::GET, field), None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    let token = Some(s.user.token.as_str());
    check(&app, (Method::POST, "/tags"), token, Some("{"), StatusCode::BAD_REQUEST).await;
    let taken = json!({"name": "gpu"}).to_string();
    check(&app, (Method::POST, "/tags"), token, Some(&taken), StatusCode::CONFLICT).await;
    let missing = format!("/tags/{}", uuid::Uuid::new_v4());
    check(&app, (Method::GET, &missing), None, None, StatusCode::NOT_FOUND).await;
    let admin = Some(s.admin.token.as_str());
    let approve = format!("/sites/{}:approve", s.pending_site);
    check(&app, (Method::POST, &approve), admin, None, StatusCode::NO_CONTENT).await;
    check(&app, (Method::POST, &approve), admin, None, StatusCode::UNPROCESSABLE_ENTITY).await;
});

backend_test!(a_claim_whose_result_is_gone_matches_the_document, |app| {
    let s = setup(&app).await;
    let admin = Some(s.admin.token.as_str());
    let delete = format!("/benchmarks/{}", s.benchmark);
    check(&app, (Method::DELETE, &delete), admin, None, StatusCode::NO_CONTENT).await;
    let path = format!("/reports/claims/{}", s.claim);
    let claim = check(&app, (Method::GET, &path), admin, None, StatusCode::OK).await;
    assert!(claim.get("resource_id").is_none(), "{claim}");
    let claims = "/reports/claims?status=on_review";
    check(&app, (Method::GET, claims), admin, None, StatusCode::OK).await;
});

// Found by schemathesis: a page number whose offset exceeds a signed 64-bit integer made the
// database driver panic, and the connection was dropped without an answer.
backend_test!(a_page_beyond_any_database_offset_is_an_ordinary_404, |app| {
    setup(&app).await;
    for path in [
        "/benchmarks?page=92233720368547760&per_page=100",
        "/tags:search?page=9223372036854775807",
        "/results?page=9223372036854775807&per_page=2",
    ] {
        let body = check(&app, (Method::GET, path), None, None, StatusCode::NOT_FOUND).await;
        assert_eq!(body, json!({"code": 404, "status": "Not Found"}), "{path}");
    }
});

backend_test!(the_checker_refuses_a_body_the_served_document_does_not_allow, |app| {
    let s = setup(&app).await;
    let (status, document) = app.get("/api-spec.json").await;
    assert_eq!(status, StatusCode::OK);
    let spec = ServedSpec::new(document);
    let path = format!("/sites/{}", s.site);
    let site = check(&app, (Method::GET, &path), None, None, StatusCode::OK).await;
    let exchange = |status, body: &Value| {
        let bytes = body.to_string().into_bytes();
        let exchange = Exchange {
            method: &Method::GET,
            path: &path,
            status,
            content_type: Some("application/json"),
            body: &bytes,
        };
        spec.check(exchange)
    };
    assert_eq!(exchange(StatusCode::OK, &site), Ok(()), "the real answer conforms");
    let mut nameless = site.clone();
    nameless.as_object_mut().expect("a Site object").remove("name");
    let violation = exchange(StatusCode::OK, &nameless).expect_err("a Site without its name");
    assert!(violation.contains("GET /sites/{site_id} answered 200 OK"), "{violation}");
    assert!(violation.contains("\"name\" is a required property"), "{violation}");
    let mut offset = site.clone();
    offset["upload_datetime"] = json!("2021-09-08T20:37:10+00:00");
    assert!(exchange(StatusCode::OK, &offset).is_err(), "an RFC 3339 datetime is not what is sent");
    let undocumented = exchange(StatusCode::CREATED, &site).expect_err("GetSite documents no 201");
    assert!(undocumented.contains("the status is not documented"), "{undocumented}");
});

/// Suites that send some requests by themselves, and why: gzip bodies and bodiless 304s whose
/// decoded twins are checked (`revalidation.rs`); requests to the real binary started as a
/// child process, which has no served document of a `TestApp` (`operations/logs.rs`,
/// `operations/demo.rs`); SQL statements on the original's database, not HTTP requests
/// (`operations/import.rs`).
const SENDING_AROUND_THE_CHECK: [&str; 4] =
    ["revalidation.rs", "operations/logs.rs", "operations/demo.rs", "operations/import.rs"];

/// Every suite talks to the server through the checking client (`app::send`, `send_raw`,
/// `execute`): none sends a request by itself, except those listed above.
#[test]
fn no_suite_sends_around_the_checking_client() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("tests/api") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api"), &mut files);
    assert!(files.len() > 20, "{files:?}");
    let direct = [concat!(".send", "()"), concat!(".execute", "(")];
    let offenders: Vec<String> = files
        .iter()
        .filter(|file| !SENDING_AROUND_THE_CHECK.iter().any(|allowed| file.ends_with(allowed)))
        .filter(|file| {
            let text = std::fs::read_to_string(file).expect("source");
            direct.iter().any(|call| text.contains(call))
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "requests sent without the response check: {offenders:#?}");
}
