//! Numbers from requests never reach SQL unbounded, and nothing a client sends can stop a
//! worker: every list and search endpoint answers huge, negative, zero and non-numeric `page`
//! and `per_page` values with 404 (a page past the last, E-PAGE) or 422 (validation shape),
//! never 500 and never a dropped connection; and a panic in a handler answers a bare 500.

use eosc_perf_tests::{
    TestApp, TestUser,
    app::{RawResponse, bare, send_raw, spawn_app_with_routes, validation_error},
    backend_test, backend_test_with,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::results::{Fixture, context, fixture, post_result, uploaded};

/// Who calls an endpoint.
#[derive(Clone, Copy)]
enum Caller {
    Anyone,
    /// The fixture's uploader (owner of the result).
    Owner,
    Admin,
}

/// A fixture with one uploaded result, so that every path has an existing parent.
struct World {
    fixture: Fixture,
    result: String,
}

async fn world(app: &TestApp) -> World {
    let fixture = fixture(app).await;
    let result = uploaded(app, &fixture, json!({"time": 1}), "2020-01-01T00:00:00Z").await;
    World { fixture, result }
}

impl World {
    fn path(&self, template: &str) -> String {
        template.replace("{site}", &self.fixture.site).replace("{result}", &self.result)
    }

    fn token(&self, caller: Caller) -> Option<&TestUser> {
        match caller {
            Caller::Anyone => None,
            Caller::Owner => Some(&self.fixture.user),
            Caller::Admin => Some(&self.fixture.admin),
        }
    }
}

async fn get(app: &TestApp, world: &World, caller: Caller, path: &str) -> RawResponse {
    let token = world.token(caller).map(|u| u.token.as_str());
    app.raw(Method::GET, path, token).await
}

/// `page` values whose offset lies past any row: a page past the last.
const PAST_THE_LAST: &[&str] = &["100000000000000000", "9223372036854775807", "92233720368547760"];

const RANGE_1_100: &str = "Must be greater than or equal to 1 and less than or equal to 100.";

/// (parameter, value, expected 422 message) for values refused before any query.
fn refused() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut cases = vec![
        ("page", "99999999999999999999999", "Number too large."),
        ("page", "-1", "Must be greater than or equal to 1."),
        ("page", "0", "Must be greater than or equal to 1."),
        ("page", "-9223372036854775808", "Must be greater than or equal to 1."),
        ("page", "-99999999999999999999999", "Must be greater than or equal to 1."),
        ("page", "abc", "Not a valid integer."),
        ("page", "1.5", "Not a valid integer."),
        ("page", "1e17", "Not a valid integer."),
        ("page", "", "Not a valid integer."),
        ("per_page", "abc", "Not a valid integer."),
        ("per_page", "1e2", "Not a valid integer."),
    ];
    for huge in ["100000000000000000", "9223372036854775807", "99999999999999999999999", "101"] {
        cases.push(("per_page", huge, RANGE_1_100));
    }
    for small in ["0", "-1", "-9223372036854775808", "-99999999999999999999999"] {
        cases.push(("per_page", small, RANGE_1_100));
    }
    cases
}

fn assert_json(resp: &RawResponse, what: &str) {
    assert_eq!(resp.header("content-type"), Some("application/json"), "{what}: {}", resp.text);
}

/// Every bound on one endpoint; `path` may hold `{site}` and `{result}`.
async fn check_endpoint(app: &TestApp, template: &str, caller: Caller) {
    let world = world(app).await;
    let path = world.path(template);
    let first = get(app, &world, caller, &path).await;
    assert_eq!(first.status, StatusCode::OK, "{path}: {}", first.text);
    for page in PAST_THE_LAST {
        let url = format!("{path}?page={page}");
        let resp = get(app, &world, caller, &url).await;
        assert_eq!((resp.status, resp.json()), (StatusCode::NOT_FOUND, bare(404)), "{url}");
        assert_json(&resp, &url);
    }
    // The largest offsets SQL accepts are sent to the database, and find nothing.
    for (page, per_page) in [("92233720368547758", "100"), ("9223372036854775807", "1")] {
        let url = format!("{path}?page={page}&per_page={per_page}");
        let resp = get(app, &world, caller, &url).await;
        assert_eq!((resp.status, resp.json()), (StatusCode::NOT_FOUND, bare(404)), "{url}");
    }
    for (name, value, message) in refused() {
        let url = format!("{path}?{name}={value}");
        let resp = get(app, &world, caller, &url).await;
        let expected = validation_error("query", json!({ name: [message] }));
        assert_eq!((resp.status, resp.json()), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{url}");
        assert_json(&resp, &url);
    }
    let url = format!("{path}?page=-1&per_page=99999999999999999999999");
    let resp = get(app, &world, caller, &url).await;
    let expected = validation_error(
        "query",
        json!({"page": ["Must be greater than or equal to 1."], "per_page": [RANGE_1_100]}),
    );
    assert_eq!((resp.status, resp.json()), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{url}");
    let last = get(app, &world, caller, &path).await;
    assert_eq!(last.status, StatusCode::OK, "the server still serves {path}: {}", last.text);
}

macro_rules! bounded {
    ($($name:ident: $path:literal as $caller:ident;)*) => {
        $(backend_test!($name, |app| {
            check_endpoint(&app, $path, Caller::$caller).await;
        });)*
    };
}

bounded! {
    benchmarks: "/benchmarks" as Anyone;
    benchmarks_search: "/benchmarks:search" as Anyone;
    sites: "/sites" as Anyone;
    sites_search: "/sites:search" as Anyone;
    site_flavors: "/sites/{site}/flavors" as Anyone;
    site_flavors_search: "/sites/{site}/flavors:search" as Anyone;
    tags: "/tags" as Anyone;
    tags_search: "/tags:search" as Anyone;
    results: "/results" as Anyone;
    results_search: "/results:search" as Anyone;
    users: "/users" as Admin;
    users_search: "/users:search" as Admin;
    report_submits: "/reports/submits" as Admin;
    report_claims: "/reports/claims" as Admin;
    result_claims: "/results/{result}/claims" as Owner;
    own_results: "/users/self/results" as Owner;
    own_claims: "/users/self/claims" as Owner;
}

backend_test!(the_pages_of_a_list_end_where_the_rows_end, |app| {
    let world = world(&app).await;
    let (status, body) = app.get("/results?per_page=1&page=1").await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(1)));
    let (status, body) = app.get("/results?per_page=1&page=2").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let path = world.path("/sites/{site}/flavors?page=9223372036854775807&per_page=100");
    let (status, body) = app.get(&path).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)), "no offset overflow on nested lists");
});

backend_test!(extreme_filter_numbers_and_dates_never_fail_the_query, |app| {
    let world = world(&app).await;
    for filter in [
        "time > 99999999999999999999999",
        "time < -1e999",
        "time == 1e999",
        "time >= nan",
        "time.99999999999999999999 == 1",
        "time.-1 == 1",
    ] {
        let url = format!("/results?filters={}", filter.replace(' ', "%20"));
        let (status, body) = app.get(&url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
    }
    for date in ["0000-01-01", "0001-01-01", "9999-12-31"] {
        for path in ["/results", "/sites", "/reports/claims"] {
            for bound in ["upload_before", "upload_after"] {
                let url = format!("{path}?{bound}={date}");
                let token = world.fixture.admin.token.clone();
                let (status, body) = app.call(Method::GET, &url, Some(&token), None).await;
                assert_eq!(status, StatusCode::OK, "{url}: {body}");
            }
        }
        let url = format!("/results?execution_before={date}&execution_after={date}");
        let (status, body) = app.get(&url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
    }
    for when in ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00-14:00"] {
        let query = context(&world.fixture.benchmark, &world.fixture.flavor, when, &[]);
        let (status, body) =
            post_result(&app, Some(&world.fixture.user.token), &query, Some(json!({"time": 1}))).await;
        assert_eq!(status, StatusCode::CREATED, "executed {when}: {body}");
    }
    let (status, body) = app.get("/results?sort_by=%2Bexecution_datetime").await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(3)), "{body}");
    for when in ["9999-12-31T23:59:59-14:00", "2999-01-01T00:00:00Z"] {
        let query = context(&world.fixture.benchmark, &world.fixture.flavor, when, &[]);
        let (status, body) =
            post_result(&app, Some(&world.fixture.user.token), &query, Some(json!({"time": 1}))).await;
        let expected = json!({"code": 422, "status": "Unprocessable Entity", "errors": {"error": "Execution date cannot be in future"}});
        assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, expected), "executed {when}");
    }
});

/// A route that panics, registered by the test only, behind the production middleware.
fn panicking_routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.route(
        "/test-only/panic",
        actix_web::web::get().to(|| async {
            if std::hint::black_box(true) {
                panic!("provoked by the test suite");
            }
            actix_web::HttpResponse::Ok().finish()
        }),
    );
}

backend_test_with!(a_panicking_handler_answers_a_bare_500_and_the_workers_keep_serving, |backend| {
    let Some(app) = spawn_app_with_routes(backend, &[], panicking_routes).await else { return };
    // More panics than the server has workers: a lost worker would leave requests unanswered.
    for attempt in 0..12 {
        let resp = send_raw(app.request(Method::GET, "/test-only/panic")).await;
        assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR, "attempt {attempt}: {}", resp.text);
        assert_eq!(resp.json(), json!({"code": 500, "status": "Internal Server Error"}));
        assert_json(&resp, "panic");
        let (status, _) = app.get("/tags").await;
        assert_eq!(status, StatusCode::OK, "attempt {attempt}: the server keeps serving");
    }
    let fresh = reqwest::Client::new();
    let resp = send_raw(fresh.get(format!("{}/test-only/panic", app.address))).await;
    assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR);
});
