//! `/results`: upload, filters, sorting, search, tags, hide; claims.

use eosc_perf_tests::{TestApp, TestUser, backend_test};
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

pub async fn fixture(app: &TestApp) -> Fixture {
    let user = app.registered("uploader").await;
    let admin = app.admin("root").await;
    let schema = json!({"type": "object", "properties": {"time": {"type": "integer"}}});
    let benchmark = app.create_benchmark(&user, "deephdc/bench", "1.0", schema).await["id"].as_str().unwrap().to_owned();
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

backend_test!(an_uploaded_result_is_listed_filtered_sorted_and_claimed, |app| {
    let f = fixture(&app).await;
    let (status, r1) = upload(&app, &f, json!({"time": 10, "x": {"y": 1}}), "2020-05-21T10:31:00.000+03:00").await;
    assert_eq!(status, StatusCode::CREATED, "{r1}");
    assert_eq!(r1["execution_datetime"], "2020-05-21T07:31:00");
    assert_eq!(r1["site"]["id"], f.site.as_str());
    let (_, r2) = upload(&app, &f, json!({"time": 20, "x": {"y": "a"}}), "2020-05-22T10:31:00Z").await;
    let (_, _r3) = upload(&app, &f, json!({"time": 15}), "2020-05-23T10:31:00Z").await;
    let (status, page) = app.get("/results?filters=time%20%3E%2011&sort_by=-json.time").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let times: Vec<i64> = page["items"].as_array().unwrap().iter().map(|r| r["json"]["time"].as_i64().unwrap()).collect();
    assert_eq!(times, vec![20, 15]);
    let (status, page) = app.get("/results?filters=x.y%20%3D%3D%201").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 1);
    let (status, page) = app.get("/results:search?terms=deephdc/bench:1.0").await;
    assert_eq!((status, page["total"].clone()), (StatusCode::OK, json!(3)), "{page}");
    let id = r2["id"].as_str().unwrap();
    let (status, claim) = app.call(Method::POST, &format!("/results/{id}:claim"), Some(&f.admin.token), Some(json!({"message": "odd"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    assert_eq!(claim["resource_id"], id);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 2);
    let claim_id = claim["id"].as_str().unwrap();
    let (status, _) = app.call(Method::POST, &format!("/reports/claims/{claim_id}:reject"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 3);
});
