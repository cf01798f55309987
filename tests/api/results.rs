//! `/results`: upload, filters, sorting, search, tags, hide; claims.
//!
//! This file covers the upload (`POST /results`), one result (`GET`, `DELETE`), its tags, its
//! uploader and `/results:search`; `result_filters.rs` covers list filters and sorting,
//! `claims.rs` the claim workflow and `self_results.rs` the caller's own lists.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{Duration, NaiveDateTime, Utc};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// An approved benchmark (schema: `time` integer), an approved flavor on an approved site.
pub struct Fixture {
    pub user: TestUser,
    pub admin: TestUser,
    pub benchmark: String,
    pub site: String,
    pub flavor: String,
}

/// Mails the fixture causes: two welcomes, three submitted and three approved.
pub const FIXTURE_MAILS: usize = 8;

pub async fn fixture(app: &TestApp) -> Fixture {
    let user = app.registered("uploader").await;
    let admin = app.admin("root").await;
    let schema = json!({"type": "object", "properties": {"time": {"type": "integer"}}});
    let benchmark =
        app.create_benchmark(&user, "deephdc/bench", "1.0", schema).await["id"].as_str().unwrap().to_owned();
    let site = app.create_site(&user, "site0").await["id"].as_str().unwrap().to_owned();
    let flavor = app.create_flavor(&user, &site, "small").await["id"].as_str().unwrap().to_owned();
    for (kind, id) in [("benchmark", &benchmark), ("site", &site), ("flavor", &flavor)] {
        app.approve_as(&admin, kind, id).await;
    }
    Fixture { user, admin, benchmark, site, flavor }
}

pub async fn upload(app: &TestApp, f: &Fixture, json: Value, when: &str) -> (StatusCode, Value) {
    let path = format!(
        "/results?execution_datetime={}&benchmark_id={}&flavor_id={}",
        when.replace('+', "%2B"),
        f.benchmark,
        f.flavor
    );
    app.call(Method::POST, &path, Some(&f.user.token), Some(json)).await
}

/// The `id` of a JSON object.
pub fn id_of(item: &Value) -> String {
    item["id"].as_str().unwrap_or_else(|| panic!("no id in {item}")).to_owned()
}

/// The ids of the items of a page, in order.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap_or_else(|| panic!("not a page: {page}")).iter().map(id_of).collect()
}

/// `ids` sorted, for endpoints without a defined order.
pub fn id_set(page: &Value) -> Vec<String> {
    let mut ids = ids(page);
    ids.sort();
    ids
}

/// Sorted copies of `ids`.
pub fn sorted(ids: &[&String]) -> Vec<String> {
    let mut out: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    out.sort();
    out
}

/// `GET path` (optionally with a token) that must answer 200; returns the body.
pub async fn page_as(app: &TestApp, token: Option<&str>, path: &str) -> Value {
    let (status, body) = app.call(Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// `GET path` without token that must answer 200.
pub async fn page(app: &TestApp, path: &str) -> Value {
    page_as(app, None, path).await
}

/// The query string of an upload: the zone's `+` percent-encoded, tags repeated.
pub fn context(benchmark: &str, flavor: &str, when: &str, tags: &[&String]) -> String {
    let mut q = format!(
        "execution_datetime={}&benchmark_id={benchmark}&flavor_id={flavor}",
        when.replace('+', "%2B")
    );
    for t in tags {
        q.push_str(&format!("&tags_ids={t}"));
    }
    q
}

/// `POST /results?<query>` with an optional token and body.
pub async fn post_result(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    app.call(Method::POST, &format!("/results?{query}"), token, body).await
}

/// Uploads `json` as `user` on any benchmark and flavor with tags; asserts 201 and returns the id.
pub async fn upload_by(
    app: &TestApp,
    user: &TestUser,
    benchmark: &str,
    flavor: &str,
    json: Value,
    when: &str,
    tags: &[&String],
) -> String {
    let query = context(benchmark, flavor, when, tags);
    let (status, body) = post_result(app, Some(&user.token), &query, Some(json)).await;
    assert_eq!(status, StatusCode::CREATED, "upload {query}: {body}");
    id_of(&body)
}

/// Uploads `json` on the fixture as its user; asserts 201 and returns the id.
pub async fn uploaded(app: &TestApp, f: &Fixture, json: Value, when: &str) -> String {
    upload_by(app, &f.user, &f.benchmark, &f.flavor, json, when, &[]).await
}

/// Submits and approves a benchmark with this schema, returning its id.
pub async fn approved_benchmark(app: &TestApp, f: &Fixture, image: &str, tag: &str, schema: Value) -> String {
    let id = id_of(&app.create_benchmark(&f.user, image, tag, schema).await);
    app.approve_as(&f.admin, "benchmark", &id).await;
    id
}

/// Submits and approves a site with this address, returning its id.
pub async fn approved_site(app: &TestApp, f: &Fixture, name: &str, address: &str) -> String {
    let body = json!({"name": name, "address": address});
    let (status, site) = app.call(Method::POST, "/sites", Some(&f.user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{site}");
    let id = id_of(&site);
    app.approve_as(&f.admin, "site", &id).await;
    id
}

/// Submits and approves a flavor on `site`, returning its id.
pub async fn approved_flavor(app: &TestApp, f: &Fixture, site: &str, name: &str) -> String {
    let id = id_of(&app.create_flavor(&f.user, site, name).await);
    app.approve_as(&f.admin, "flavor", &id).await;
    id
}

/// A past datetime `hours` ago, with a `Z`.
pub fn hours_ago(hours: i64) -> String {
    (Utc::now() - Duration::hours(hours)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn naive(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

/// A 422 JSON-Schema violation body.
fn schema_violation(body: &Value) -> (String, String) {
    let errors = body["errors"].as_object().unwrap_or_else(|| panic!("no errors: {body}"));
    assert_eq!(errors.len(), 2, "only error and path: {body}");
    (errors["error"].as_str().unwrap().to_owned(), errors["path"].as_str().unwrap().to_owned())
}

backend_test!(an_uploaded_result_is_listed_filtered_sorted_and_claimed, |app| {
    let f = fixture(&app).await;
    let (status, r1) =
        upload(&app, &f, json!({"time": 10, "x": {"y": 1}}), "2020-05-21T10:31:00.000+03:00").await;
    assert_eq!(status, StatusCode::CREATED, "{r1}");
    assert_eq!(r1["execution_datetime"], "2020-05-21T07:31:00");
    assert_eq!(r1["site"]["id"], f.site.as_str());
    let (_, r2) = upload(&app, &f, json!({"time": 20, "x": {"y": "a"}}), "2020-05-22T10:31:00Z").await;
    let (_, _r3) = upload(&app, &f, json!({"time": 15}), "2020-05-23T10:31:00Z").await;
    let (status, page) = app.get("/results?filters=time%20%3E%2011&sort_by=-json.time").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let times: Vec<i64> =
        page["items"].as_array().unwrap().iter().map(|r| r["json"]["time"].as_i64().unwrap()).collect();
    assert_eq!(times, vec![20, 15]);
    let (status, page) = app.get("/results?filters=x.y%20%3D%3D%201").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 1);
    let (status, page) = app.get("/results:search?terms=deephdc/bench:1.0").await;
    assert_eq!((status, page["total"].clone()), (StatusCode::OK, json!(3)), "{page}");
    let id = r2["id"].as_str().unwrap();
    let (status, claim) = app
        .call(
            Method::POST,
            &format!("/results/{id}:claim"),
            Some(&f.admin.token),
            Some(json!({"message": "odd"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    assert_eq!(claim["resource_id"], id);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 2);
    let claim_id = claim["id"].as_str().unwrap();
    let (status, _) = app
        .call(Method::POST, &format!("/reports/claims/{claim_id}:reject"), Some(&f.admin.token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 3);
});

// ---------------------------------------------------------------------------------------------
// POST /results: representation

backend_test!(an_upload_returns_the_result_with_its_benchmark_site_flavor_tags_and_document, |app| {
    let f = fixture(&app).await;
    let tag = app.create_tag(&f.user, "gpu").await;
    let before = Utc::now().naive_utc();
    let query = context(&f.benchmark, &f.flavor, "2020-05-21T10:31:00Z", &[&id_of(&tag)]);
    let (status, created) =
        post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 10, "x": {"y": [1, "a"]}}))).await;
    let after = Utc::now().naive_utc();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = id_of(&created);
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let benchmark = page(&app, &format!("/benchmarks/{}", f.benchmark)).await;
    let site = page(&app, &format!("/sites/{}", f.site)).await;
    let flavor = page(&app, &format!("/flavors/{}", f.flavor)).await;
    let uploaded = created["upload_datetime"].as_str().unwrap().to_owned();
    assert_eq!(
        created,
        json!({
            "id": id,
            "upload_datetime": uploaded,
            "execution_datetime": "2020-05-21T10:31:00",
            "benchmark": benchmark,
            "site": site,
            "flavor": flavor,
            "tags": [tag],
            "json": {"time": 10, "x": {"y": [1, "a"]}},
        })
    );
    assert!(created["benchmark"]["json_schema"].is_object(), "the benchmark is nested whole: {created}");
    let at = naive(&uploaded);
    assert!(before - Duration::seconds(2) <= at && at <= after + Duration::seconds(2), "{uploaded}");
    assert_eq!(page(&app, &format!("/results/{id}")).await, created, "GET returns what POST returned");
    assert_eq!(page(&app, "/results").await["items"], json!([created]));
});

backend_test!(result_documents_are_returned_with_keys_sorted_at_every_level, |app| {
    let f = fixture(&app).await;
    let id =
        uploaded(&app, &f, json!({"z": 1, "time": 2, "a": {"y": 2, "b": [{"d": 1, "c": 2}]}}), &hours_ago(1))
            .await;
    let resp = app.raw(Method::GET, &format!("/results/{id}"), None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(
        resp.text.contains(r#""json":{"a":{"b":[{"c":2,"d":1}],"y":2},"time":2,"z":1}"#),
        "{}",
        resp.text
    );
    // serde_json's map is ordered by key: re-encoding gives the same text only if sorted.
    assert_eq!(resp.text, serde_json::to_string(&resp.json()).unwrap());
    assert!(resp.text.starts_with(r#"{"benchmark":{"#), "{}", resp.text);
});

backend_test!(execution_datetimes_are_normalised_to_naive_utc, |app| {
    let f = fixture(&app).await;
    for (sent, stored) in [
        ("2020-05-21T10:31:00.000+03:00", "2020-05-21T07:31:00"),
        ("2020-05-21T10:31:00Z", "2020-05-21T10:31:00"),
        ("2020-05-21T10:31:00+0530", "2020-05-21T05:01:00"),
        ("2020-05-21T10:31:00-02", "2020-05-21T12:31:00"),
        ("2020-05-21T23:30:00-01:00", "2020-05-22T00:30:00"),
        ("2020-05-21T10:31Z", "2020-05-21T10:31:00"),
        ("2020-5-1T1:2:3Z", "2020-05-01T01:02:03"),
        ("2020-05-21%2010:31:00Z", "2020-05-21T10:31:00"),
        ("2020-05-21T10:31:00.5Z", "2020-05-21T10:31:00.500000"),
        ("2020-05-21T10:31:00.123456Z", "2020-05-21T10:31:00.123456"),
        ("2020-05-21T10:31:00.123456789012+01:00", "2020-05-21T09:31:00.123456"),
        ("2020-05-21T10:31:00.000000Z", "2020-05-21T10:31:00"),
    ] {
        let query = context(&f.benchmark, &f.flavor, sent, &[]);
        let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}: {body}");
        assert_eq!(body["execution_datetime"], stored, "{sent}");
        let again = page(&app, &format!("/results/{}", id_of(&body))).await;
        assert_eq!(again["execution_datetime"], stored, "{sent} as stored");
    }
});

backend_test!(an_unencoded_plus_in_the_zone_arrives_as_a_space_and_is_not_a_valid_datetime, |app| {
    let f = fixture(&app).await;
    let query = format!(
        "execution_datetime=2020-05-21T10:31:00+03:00&benchmark_id={}&flavor_id={}",
        f.benchmark, f.flavor
    );
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"execution_datetime": ["Not a valid datetime."]})));
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(a_bare_date_or_a_malformed_datetime_is_not_a_valid_datetime, |app| {
    let f = fixture(&app).await;
    for sent in [
        "2020-05-21",
        "yesterday",
        "2020-05-21T10",
        "2020-05-21T25:00:00Z",
        "2020-05-21T10:31:00,5Z",
        "2020-05-21T10:31:00.1234567890123Z",
        "",
    ] {
        let query = format!("execution_datetime={sent}&benchmark_id={}&flavor_id={}", f.benchmark, f.flavor);
        let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}: {body}");
        assert_eq!(
            body,
            validation_error("query", json!({"execution_datetime": ["Not a valid datetime."]})),
            "{sent}"
        );
    }
});

backend_test!(an_execution_datetime_without_a_zone_is_refused, |app| {
    let f = fixture(&app).await;
    for sent in ["2020-05-21T10:31:00", "2020-05-21T10:31:00.5", "2020-05-21%2010:31"] {
        let query = context(&f.benchmark, &f.flavor, sent, &[]);
        let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 1}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}");
        assert_eq!(body, handler_error(422, "Execution date must include timezone"), "{sent}");
    }
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(an_execution_datetime_in_the_future_is_refused_comparing_in_utc, |app| {
    let f = fixture(&app).await;
    let future = (Utc::now() + Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (status, body) = upload(&app, &f, json!({}), &future).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{future}");
    assert_eq!(body, handler_error(422, "Execution date cannot be in future"));
    let far = "2999-01-01T00:00:00+14:00";
    let (status, body) = upload(&app, &f, json!({}), far).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, handler_error(422, "Execution date cannot be in future"))
    );
    // An hour ahead on the wall clock of UTC+02:00 is an hour ago in UTC.
    let wall = (Utc::now() + Duration::hours(1)).format("%Y-%m-%dT%H:%M:%S+02:00").to_string();
    let (status, body) = upload(&app, &f, json!({}), &wall).await;
    assert_eq!(status, StatusCode::CREATED, "{wall}: {body}");
    let expected = (Utc::now() - Duration::hours(1)).naive_utc();
    let stored = naive(body["execution_datetime"].as_str().unwrap());
    assert!((stored - expected).num_seconds().abs() < 60, "{stored} vs {expected}");
});

backend_test!(missing_and_malformed_context_parameters_are_reported_per_field, |app| {
    let f = fixture(&app).await;
    let (status, body) = post_result(&app, Some(&f.user.token), "", Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = json!(["Missing data for required field."]);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"execution_datetime": missing, "benchmark_id": missing, "flavor_id": missing})
        )
    );
    let query =
        format!("execution_datetime={}&benchmark_id=nope&flavor_id={}&tags_ids=x", hours_ago(1), f.flavor);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"benchmark_id": ["Not a valid UUID."], "tags_ids": {"0": ["Not a valid UUID."]}})
        )
    );
    let query = format!("{}&site_id={}", context(&f.benchmark, &f.flavor, &hours_ago(1), &[]), f.site);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error("query", json!({"site_id": ["Unknown field."]})),
        "no site_id on upload"
    );
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(uploading_needs_a_registered_user_before_anything_is_validated, |app| {
    let f = fixture(&app).await;
    let (status, body) = post_result(&app, None, "bad=1", Some(json!([1]))).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) = post_result(&app, Some(&stranger.token), "bad=1", Some(json!([1]))).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[]);
    let (status, _) = post_result(&app, Some(&stranger.token), &query, Some(json!({"time": 1}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a valid upload by an unregistered user");
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(a_body_that_is_not_a_json_object_is_refused, |app| {
    let f = fixture(&app).await;
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[]);
    for body in [json!([1, 2]), json!("text"), json!(3), json!(null)] {
        let (status, reply) = post_result(&app, Some(&f.user.token), &query, Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply, validation_error("json", json!({"_schema": ["Invalid input type."]})), "{body}");
    }
    let resp = app
        .request(Method::POST, &format!("/results?{query}"))
        .bearer_auth(&f.user.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"code": 400, "status": "Bad Request", "errors": {"json": ["Invalid JSON body."]}})
    );
    // Query errors come before body errors.
    let (status, reply) = post_result(&app, Some(&f.user.token), "", Some(json!([1]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply["errors"]["query"].is_object(), "{reply}");
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(a_missing_body_counts_as_an_empty_document_when_the_schema_allows_it, |app| {
    let f = fixture(&app).await;
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["json"], json!({}));
    let resp = app
        .request(Method::POST, &format!("/results?{query}"))
        .bearer_auth(&f.user.token)
        .header("content-type", "text/plain")
        .body(r#"{"time": "not an integer"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "another content type counts as {{}}");
    assert_eq!(resp.json::<Value>().await.unwrap()["json"], json!({}));
    let strict = approved_benchmark(
        &app,
        &f,
        "strict",
        "1",
        json!({"type": "object", "required": ["time"], "properties": {"time": {"type": "integer"}}}),
    )
    .await;
    let query = context(&strict, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (error, path) = schema_violation(&body);
    assert!(error.contains("time"), "{error}");
    assert_eq!(path, "deque([])");
    assert_eq!(page(&app, "/results").await["total"], 2);
});

backend_test!(missing_benchmarks_flavors_and_tags_are_404_with_the_original_message, |app| {
    let f = fixture(&app).await;
    let nobody = uuid::Uuid::new_v4().to_string();
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    for (benchmark, flavor, tags, missing) in [
        (nobody.as_str(), f.flavor.as_str(), vec![], &nobody),
        (f.benchmark.as_str(), nobody.as_str(), vec![], &nobody),
        (f.benchmark.as_str(), f.flavor.as_str(), vec![&tag, &nobody], &nobody),
        (f.site.as_str(), f.flavor.as_str(), vec![], &f.site),
    ] {
        let query = context(benchmark, flavor, &hours_ago(1), &tags);
        let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 1}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{query}: {body}");
        assert_eq!(body, handler_error(404, &format!("NoneType {missing} not in database")), "{query}");
    }
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(a_pending_benchmark_or_flavor_cannot_be_used_for_an_upload, |app| {
    let f = fixture(&app).await;
    let bench = id_of(&app.create_benchmark(&f.user, "pending", "1", json!({})).await);
    let flavor = id_of(&app.create_flavor(&f.user, &f.site, "pending").await);
    let query = context(&bench, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, handler_error(422, &format!("Benchmark {bench} not approved")))
    );
    let query = context(&f.benchmark, &flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, handler_error(422, &format!("Flavor {flavor} not approved")))
    );
    assert_eq!(page(&app, "/results").await["total"], 0);
    app.approve_as(&f.admin, "flavor", &flavor).await;
    let query = context(&f.benchmark, &flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({}))).await;
    assert_eq!(status, StatusCode::CREATED, "once approved: {body}");
});

backend_test!(an_approved_flavor_of_a_pending_site_can_be_used_and_gives_the_result_its_site, |app| {
    let f = fixture(&app).await;
    let site = id_of(&app.create_site(&f.user, "pending-site").await);
    let flavor = approved_flavor(&app, &f, &site, "m1").await;
    let (status, pending) = app.get("/sites?status=on_review").await;
    assert_eq!((status, ids(&pending)), (StatusCode::OK, vec![site.clone()]));
    let query = context(&f.benchmark, &flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 3}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["site"], page(&app, &format!("/sites/{site}")).await);
    assert_eq!(body["flavor"]["id"], flavor.as_str());
});

backend_test!(upload_checks_run_in_the_documented_order, |app| {
    let f = fixture(&app).await;
    let nobody = uuid::Uuid::new_v4().to_string();
    let other = uuid::Uuid::new_v4().to_string();
    let pending_bench = id_of(&app.create_benchmark(&f.user, "pending", "1", json!({})).await);
    let pending_flavor = id_of(&app.create_flavor(&f.user, &f.site, "pending").await);
    let future = "2999-01-01T00:00:00Z";
    let bad_doc = json!({"time": "slow"});
    let cases: Vec<(String, Value, StatusCode, String)> = vec![
        (
            context(&nobody, &other, "2020-01-01T00:00:00", &[&nobody]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Execution date must include timezone".into(),
        ),
        (
            context(&nobody, &other, future, &[&nobody]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Execution date cannot be in future".into(),
        ),
        (
            context(&nobody, &other, &hours_ago(1), &[&other]),
            bad_doc.clone(),
            StatusCode::NOT_FOUND,
            format!("NoneType {nobody} not in database"),
        ),
        (
            context(&pending_bench, &other, &hours_ago(1), &[&other]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Benchmark {pending_bench} not approved"),
        ),
        (
            context(&f.benchmark, &other, &hours_ago(1), &[&nobody]),
            bad_doc.clone(),
            StatusCode::NOT_FOUND,
            format!("NoneType {other} not in database"),
        ),
        (
            context(&f.benchmark, &pending_flavor, &hours_ago(1), &[&nobody]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Flavor {pending_flavor} not approved"),
        ),
        (
            context(&f.benchmark, &f.flavor, &hours_ago(1), &[&nobody]),
            bad_doc.clone(),
            StatusCode::NOT_FOUND,
            format!("NoneType {nobody} not in database"),
        ),
    ];
    for (query, body, status, message) in cases {
        let (got, reply) = post_result(&app, Some(&f.user.token), &query, Some(body)).await;
        assert_eq!(got, status, "{query}: {reply}");
        assert_eq!(reply, handler_error(status.as_u16(), &message), "{query}");
    }
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[&tag, &tag]);
    let (status, reply) = post_result(&app, Some(&f.user.token), &query, Some(bad_doc)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "schema before duplicate tags: {reply}");
    assert_eq!(schema_violation(&reply).1, "deque(['time'])");
});

backend_test!(a_document_violating_the_schema_is_refused_with_the_error_and_its_path, |app| {
    let f = fixture(&app).await;
    let (status, body) = upload(&app, &f, json!({"time": "10"}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!((body["code"].clone(), body["status"].clone()), (json!(422), json!("Unprocessable Entity")));
    let (error, path) = schema_violation(&body);
    assert!(error.contains("integer"), "{error}");
    assert_eq!(path, "deque(['time'])");
    let (status, body) = upload(&app, &f, json!({"time": 1.5}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "1.5 is not an integer: {body}");
    let (status, body) = upload(&app, &f, json!({"time": 10, "extra": {"free": true}}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::CREATED, "unknown keys are allowed by the schema: {body}");
    assert_eq!(page(&app, "/results").await["total"], 1);
});

backend_test!(nested_violations_report_keys_quoted_and_array_indexes_bare, |app| {
    let f = fixture(&app).await;
    let schema = json!({
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "number"}}}}},
    });
    let bench = approved_benchmark(&app, &f, "nested", "1", schema).await;
    let query = context(&bench, &f.flavor, &hours_ago(1), &[]);
    let doc = json!({"a": [{"b": 1}, {"b": 2.5}, {"b": "x"}]});
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(doc)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(schema_violation(&body).1, "deque(['a', 2, 'b'])");
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"a": {"b": 1}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(schema_violation(&body).1, "deque(['a'])");
});

backend_test!(formats_are_not_asserted_and_unknown_keywords_are_ignored, |app| {
    let f = fixture(&app).await;
    let schema = json!({
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time", "suggestToUser": true},
            "mail": {"type": "string", "format": "email"},
        },
    });
    let bench = approved_benchmark(&app, &f, "formats", "1", schema).await;
    let query = context(&bench, &f.flavor, &hours_ago(1), &[]);
    let doc = json!({"when": "not-a-date", "mail": "not a mail"});
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(doc.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["json"], doc);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"when": 5}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "types still apply: {body}");
});

backend_test!(the_schema_dialect_follows_its_dollar_schema_defaulting_to_2020_12, |app| {
    let f = fixture(&app).await;
    // `prefixItems` only exists from 2020-12 on: without `$schema` it applies...
    let modern = approved_benchmark(
        &app,
        &f,
        "modern",
        "1",
        json!({
            "type": "object",
            "properties": {"p": {"prefixItems": [{"type": "integer"}]}, "d": {"$ref": "#/$defs/small"}},
            "$defs": {"small": {"type": "integer", "maximum": 5}},
        }),
    )
    .await;
    let query = context(&modern, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"p": ["x"]}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "prefixItems applies under 2020-12: {body}");
    assert_eq!(schema_violation(&body).1, "deque(['p', 0])");
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"d": 7}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "$ref into $defs: {body}");
    assert_eq!(schema_violation(&body).1, "deque(['d'])");
    let (status, body) =
        post_result(&app, Some(&f.user.token), &query, Some(json!({"p": [1, "x"], "d": 4}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // ...while a draft-04 schema ignores it but applies its own keywords.
    let old = approved_benchmark(
        &app,
        &f,
        "old",
        "1",
        json!({
            "$schema": "http://json-schema.org/draft-04/schema#",
            "type": "object",
            "properties": {"p": {"prefixItems": [{"type": "integer"}]}, "n": {"type": "integer", "maximum": 3}},
        }),
    )
    .await;
    let query = context(&old, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"p": ["x"]}))).await;
    assert_eq!(status, StatusCode::CREATED, "draft-04 has no prefixItems: {body}");
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"n": 4}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(schema_violation(&body).1, "deque(['n'])");
});

backend_test!(a_stored_schema_invalid_in_its_own_dialect_refuses_uploads_with_422_not_500, |app| {
    let f = fixture(&app).await;
    // Array-form `items` passes the Draft-7 check at creation but is not a 2020-12 schema.
    let broken = approved_benchmark(
        &app,
        &f,
        "broken",
        "1",
        json!({"type": "object", "properties": {"a": {"items": [{"type": "integer"}]}}}),
    )
    .await;
    let query = context(&broken, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"a": [1]}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["errors"]["error"].is_string() && body["errors"]["path"].is_string(), "{body}");
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(duplicate_tag_ids_on_upload_conflict_and_store_nothing, |app| {
    let f = fixture(&app).await;
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[&tag, &tag]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 1}))).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, handler_error(409, "Integrity error")));
    assert_eq!(page(&app, "/results").await["total"], 0);
    let query = format!("{}&tags_ids[]={tag}", context(&f.benchmark, &f.flavor, &hours_ago(1), &[]));
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 1}))).await;
    assert_eq!(status, StatusCode::CREATED, "the bracketed form: {body}");
    assert_eq!(body["tags"][0]["id"], tag.as_str());
});

backend_test!(uploading_a_result_sends_no_mail, |app| {
    let f = fixture(&app).await;
    let before = app.settled_mails(FIXTURE_MAILS).await.len();
    let id = uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    let (status, _) = upload(&app, &f, json!({"time": "bad"}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = app.settled_mails(before).await;
    let subjects: Vec<String> = after.iter().map(|m| m.subject()).collect();
    assert_eq!(after.len(), before, "{subjects:?}");
    assert!(!after.iter().any(|m| m.data.contains(&id)), "{subjects:?}");
});

// ---------------------------------------------------------------------------------------------
// GET and DELETE /results/{id}

backend_test!(a_missing_result_is_404_on_every_result_route, |app| {
    let f = fixture(&app).await;
    let nobody = uuid::Uuid::new_v4();
    let expected = handler_error(404, &format!("Result {nobody} not found in the database"));
    let (status, body) = app.get(&format!("/results/{nobody}")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, expected.clone()));
    for (method, path, token, body) in [
        (Method::DELETE, format!("/results/{nobody}"), &f.admin, None),
        (Method::PUT, format!("/results/{nobody}/tags"), &f.user, Some(json!({"tags_ids": []}))),
        (Method::GET, format!("/results/{nobody}/claims"), &f.user, None),
        (Method::GET, format!("/results/{nobody}/uploader"), &f.admin, None),
        (Method::POST, format!("/results/{nobody}:claim"), &f.user, Some(json!({"message": "m"}))),
    ] {
        let (status, reply) = app.call(method.clone(), &path, Some(&token.token), body).await;
        assert_eq!((status, reply), (StatusCode::NOT_FOUND, expected.clone()), "{method} {path}");
    }
    let (status, body) = app.get("/results/not-a-uuid").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(deleting_a_result_needs_an_admin, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    let path = format!("/results/{id}");
    let (status, body) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, body) = app.call(Method::DELETE, &path, Some(&f.user.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, app.forbidden("uploader", "is_admin")),
        "not even the owner"
    );
    assert_eq!(ids(&page(&app, "/results").await), vec![id]);
});

backend_test!(an_admin_delete_hides_the_result_but_keeps_it_and_everything_around_it, |app| {
    let f = fixture(&app).await;
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    let keep = uploaded(&app, &f, json!({"time": 1}), &hours_ago(2)).await;
    let gone =
        upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({"time": 2}), &hours_ago(1), &[&tag]).await;
    let before = page(&app, &format!("/results/{gone}")).await;
    let mails = app.settled_mails(FIXTURE_MAILS).await.len();
    let (status, body) =
        app.call(Method::DELETE, &format!("/results/{gone}"), Some(&f.admin.token), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(ids(&page(&app, "/results").await), vec![keep.clone()]);
    assert_eq!(ids(&page(&app, "/results:search").await), vec![keep.clone()]);
    assert_eq!(ids(&page(&app, &format!("/results?tags_ids={tag}")).await), Vec::<String>::new());
    assert_eq!(page(&app, &format!("/results/{gone}")).await, before, "still readable by id, unchanged");
    let (status, _) = app.call(Method::DELETE, &format!("/results/{gone}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a repeated delete is 204 again");
    let mine = page_as(&app, Some(&f.user.token), "/users/self/results").await;
    assert_eq!(id_set(&mine), sorted(&[&keep, &gone]), "the owner still sees it");
    for path in [
        format!("/benchmarks/{}", f.benchmark),
        format!("/sites/{}", f.site),
        format!("/flavors/{}", f.flavor),
        format!("/tags/{tag}"),
    ] {
        assert_eq!(app.get(&path).await.0, StatusCode::OK, "{path} survives");
    }
    assert_eq!(app.settled_mails(mails).await.len(), mails, "deleting sends no mail");
});

// ---------------------------------------------------------------------------------------------
// PUT /results/{id}/tags

async fn tag_ids_of(app: &TestApp, id: &str) -> Vec<String> {
    let result = page(app, &format!("/results/{id}")).await;
    let mut tags: Vec<String> = result["tags"].as_array().unwrap().iter().map(id_of).collect();
    tags.sort();
    tags
}

async fn put_tags(app: &TestApp, user: Option<&TestUser>, id: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::PUT, &format!("/results/{id}/tags"), user.map(|u| u.token.as_str()), Some(body)).await
}

backend_test!(the_owner_replaces_clears_or_keeps_the_tags_of_a_result, |app| {
    let f = fixture(&app).await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let b = id_of(&app.create_tag(&f.user, "b").await);
    let c = id_of(&app.create_tag(&f.user, "c").await);
    let id = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(1), &[&a]).await;
    let (status, body) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": [b, c]})).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(tag_ids_of(&app, &id).await, sorted(&[&b, &c]));
    assert_eq!(ids(&page(&app, &format!("/results?tags_ids={b}&tags_ids={c}")).await), vec![id.clone()]);
    assert!(ids(&page(&app, &format!("/results?tags_ids={a}")).await).is_empty());
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(tag_ids_of(&app, &id).await, sorted(&[&b, &c]), "{{}} changes nothing");
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": [a, a]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "duplicates are tolerated");
    assert_eq!(tag_ids_of(&app, &id).await, vec![a.clone()]);
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": []})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(tag_ids_of(&app, &id).await.is_empty(), "[] clears");
    for t in [&a, &b, &c] {
        assert_eq!(app.get(&format!("/tags/{t}")).await.0, StatusCode::OK, "the tags themselves stay");
    }
});

backend_test!(admins_may_retag_any_result_even_hidden_but_other_users_get_a_bare_403, |app| {
    let f = fixture(&app).await;
    let other = app.registered("other").await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let id = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    let (status, body) = put_tags(&app, Some(&other), &id, json!({"tags_ids": [a]})).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, bare(403)));
    assert!(tag_ids_of(&app, &id).await.is_empty());
    let (status, _) = app.call(Method::DELETE, &format!("/results/{id}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = put_tags(&app, Some(&f.admin), &id, json!({"tags_ids": [a]})).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(tag_ids_of(&app, &id).await, vec![a.clone()]);
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": []})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the owner too, on a hidden result");
    assert!(tag_ids_of(&app, &id).await.is_empty());
});

backend_test!(retagging_checks_auth_then_body_then_result_then_ownership_then_tags, |app| {
    let f = fixture(&app).await;
    let other = app.registered("other").await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let id = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(1), &[&a]).await;
    let nobody = uuid::Uuid::new_v4().to_string();
    let (status, body) = put_tags(&app, None, &nobody, json!({"tags_ids": ["x"]})).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) = put_tags(&app, Some(&stranger), &nobody, json!({"tags_ids": ["x"]})).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let (status, body) = put_tags(&app, Some(&other), &nobody, json!({"tags_ids": ["x", a]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("json", json!({"tags_ids": {"0": ["Not a valid UUID."]}})));
    let (status, body) = put_tags(&app, Some(&other), &nobody, json!({"tags_ids": [nobody]})).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Result {nobody} not found in the database")))
    );
    let (status, body) = put_tags(&app, Some(&other), &id, json!({"tags_ids": [nobody]})).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, bare(403)), "non-owners learn nothing about tags");
    let (status, body) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": [nobody]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an unknown tag is 404, not 500: {body}");
    assert!(body["errors"]["error"].as_str().unwrap().contains(&nobody), "{body}");
    let (status, _) = put_tags(&app, Some(&f.admin), &id, json!({"tags_ids": [a, nobody]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(tag_ids_of(&app, &id).await, vec![a.clone()], "a refused update changes nothing");
});

backend_test!(retag_bodies_are_validated_like_marshmallow, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    for (body, errors) in [
        (json!({"tags_ids": "x"}), json!({"tags_ids": ["Not a valid list."]})),
        (json!({"tags_ids": null}), json!({"tags_ids": ["Field may not be null."]})),
        (json!({"tags": []}), json!({"tags": ["Unknown field."]})),
        (json!([]), json!({"_schema": ["Invalid input type."]})),
    ] {
        let (status, reply) = put_tags(&app, Some(&f.user), &id, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply, validation_error("json", errors), "{body}");
    }
});

// ---------------------------------------------------------------------------------------------
// GET /results/{id}/uploader

backend_test!(admins_see_who_uploaded_a_result_even_a_hidden_one, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    let me = page_as(&app, Some(&f.user.token), "/users/self").await;
    let path = format!("/results/{id}/uploader");
    assert_eq!(page_as(&app, Some(&f.admin.token), &path).await, me);
    assert_eq!(me["email"], "uploader@example.org");
    let (status, _) = app.call(Method::DELETE, &format!("/results/{id}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(page_as(&app, Some(&f.admin.token), &path).await, me, "hidden results too");
    let (status, body) = app.call(Method::GET, &path, Some(&f.user.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, app.forbidden("uploader", "is_admin")),
        "not the owner"
    );
    let (status, body) = app.call(Method::GET, &path, None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
});

// ---------------------------------------------------------------------------------------------
// GET /results:search

/// Two results on different benchmarks, sites and flavors; `fast` tags the first.
struct SearchWorld {
    f: Fixture,
    first: String,
    second: String,
}

async fn search_world(app: &TestApp) -> SearchWorld {
    let f = fixture(app).await;
    let fast = id_of(&app.create_tag(&f.user, "fast").await);
    let _unused = app
        .call(
            Method::POST,
            "/tags",
            Some(&f.user.token),
            Some(json!({"name": "fastest", "description": "about speed"})),
        )
        .await;
    let other = approved_benchmark(app, &f, "other/img", "2.0", json!({})).await;
    let kit = approved_site(app, &f, "kit", "karlsruhe.de").await;
    let large = approved_flavor(app, &f, &kit, "gpu-large").await;
    let first =
        upload_by(app, &f.user, &f.benchmark, &f.flavor, json!({"time": 1}), &hours_ago(2), &[&fast]).await;
    let second = upload_by(app, &f.user, &other, &large, json!({"time": 2}), &hours_ago(1), &[]).await;
    SearchWorld { f, first, second }
}

async fn search(app: &TestApp, query: &str) -> Vec<String> {
    id_set(&page(app, &format!("/results:search?{query}")).await)
}

backend_test!(searching_results_matches_benchmark_site_and_flavor_names_by_substring, |app| {
    let w = search_world(&app).await;
    let (first, second) = (vec![w.first.clone()], vec![w.second.clone()]);
    assert_eq!(search(&app, "").await, sorted(&[&w.first, &w.second]));
    for (term, expected) in [
        ("deephdc/bench:1.0", &first),
        ("bench:1", &first),
        ("img:2", &second),
        ("other/", &second),
        ("ite0", &first),
        ("kit", &second),
        ("karlsruhe", &second),
        ("site0.example", &first),
        ("mall", &first),
        ("large", &second),
    ] {
        assert_eq!(&search(&app, &format!("terms={term}")).await, expected, "{term}");
    }
    for term in ["Bench", "KIT", "nothing", "about", "time"] {
        assert!(search(&app, &format!("terms={term}")).await.is_empty(), "{term} matches nothing");
    }
});

backend_test!(searching_results_matches_tag_names_exactly, |app| {
    let w = search_world(&app).await;
    assert_eq!(search(&app, "terms=fast").await, vec![w.first.clone()]);
    assert!(search(&app, "terms=fas").await.is_empty(), "no substring match on tags");
    assert!(search(&app, "terms=fastest").await.is_empty(), "an unattached tag");
    assert!(search(&app, "terms=Fast").await.is_empty(), "case-sensitive");
});

backend_test!(search_terms_must_all_match, |app| {
    let w = search_world(&app).await;
    assert_eq!(search(&app, "terms=bench&terms=small").await, vec![w.first.clone()]);
    assert_eq!(search(&app, "terms[]=bench&terms=fast").await, vec![w.first.clone()]);
    assert!(search(&app, "terms=bench&terms=kit").await.is_empty());
    assert_eq!(search(&app, "terms=example&terms=large").await, Vec::<String>::new());
    assert_eq!(search(&app, "terms=.&terms=e").await, sorted(&[&w.first, &w.second]));
});

backend_test!(search_hides_hidden_results_and_refuses_list_filters, |app| {
    let w = search_world(&app).await;
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{}", w.second), Some(&w.f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(search(&app, "").await, vec![w.first.clone()]);
    assert!(search(&app, "terms=kit").await.is_empty());
    for param in [
        format!("benchmark_id={}", w.f.benchmark),
        "filters=time%20%3E%201".to_owned(),
        format!("site_id={}", w.f.site),
        "execution_after=2020-01-01".to_owned(),
    ] {
        let (status, body) = app.get(&format!("/results:search?{param}")).await;
        let name = param.split('=').next().unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})), "{param}");
    }
});

backend_test!(search_pages_and_filters_on_upload_dates, |app| {
    let w = search_world(&app).await;
    let today = Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let yesterday = today.pred_opt().unwrap();
    assert_eq!(search(&app, &format!("upload_after={yesterday}")).await, sorted(&[&w.first, &w.second]));
    assert!(search(&app, &format!("upload_after={tomorrow}")).await.is_empty());
    assert!(search(&app, &format!("upload_before={today}")).await.is_empty());
    let body = page(&app, "/results:search?per_page=1&page=2&sort_by=%2Bexecution_datetime").await;
    assert_eq!(
        (ids(&body), body["total"].clone(), body["pages"].clone()),
        (vec![w.second.clone()], json!(2), json!(2))
    );
    let (status, body) = app.get("/results:search?per_page=1&page=3").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(nul_characters_in_documents_filters_terms_and_claims_are_422_not_500, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    for doc in [json!({"name": "a\u{0}b"}), json!({"a\u{0}": 1}), json!({"deep": [{"x": "\u{0}"}]})] {
        let (status, body) = upload(&app, &f, doc.clone(), &hours_ago(1)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}: {body}");
        assert!(body["errors"]["json"].is_object(), "{doc}: {body}");
    }
    for path in [
        "/results?filters=name%20%3D%3D%20a%00",
        "/results:search?terms=%00",
        "/results?sort_by=%2Bjson.a%00",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert!(body["errors"]["query"].is_object(), "{path}: {body}");
    }
    let path = format!("/results/{id}:claim");
    let (status, body) =
        app.call(Method::POST, &path, Some(&f.user.token), Some(json!({"message": "x\u{0}"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["errors"]["json"]["message"].is_array(), "{body}");
    assert_eq!(ids(&page(&app, "/results").await), vec![id], "nothing stored, nothing hidden");
});
