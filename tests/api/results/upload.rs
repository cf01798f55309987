//! `POST /results`: the stored result, its datetimes and context parameters, what may be used.

use super::*;
use eosc_perf_tests::app::send_raw;

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
    let resp = send_raw(
        app.request(Method::POST, &format!("/results?{query}"))
            .bearer_auth(&f.user.token)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json(),
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
    let resp = send_raw(
        app.request(Method::POST, &format!("/results?{query}"))
            .bearer_auth(&f.user.token)
            .header("content-type", "text/plain")
            .body(r#"{"time": "not an integer"}"#),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "another content type counts as {{}}");
    assert_eq!(resp.json()["json"], json!({}));
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
