//! `POST /results:batch`: order, all or nothing with every failing index, limits, and that
//! lists see what a batch stored.

use super::*;

/// An item of a batch on the fixture's benchmark and flavor.
pub fn item(f: &Fixture, time: Value, when: &str) -> Value {
    json!({"benchmark_id": f.benchmark, "flavor_id": f.flavor, "execution_datetime": when, "json": {"time": time}})
}

/// `POST /results:batch` as the fixture's user.
pub async fn post_batch(app: &TestApp, f: &Fixture, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/results:batch", Some(&f.user.token), Some(body)).await
}

backend_test!(a_batch_is_stored_in_order_and_lists_show_it, |app| {
    let f = fixture(&app).await;
    let (_, before) = app.get("/results").await;
    assert_eq!(before["total"], 0);
    let tag = app.create_tag(&f.user, "gpu").await;
    let mut items: Vec<Value> = (0..25).map(|i| item(&f, json!(i), "2020-05-21T10:31:00+02:00")).collect();
    items[3]["tags_ids"] = json!([id_of(&tag)]);
    let (status, created) = post_batch(&app, &f, json!({ "results": items })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let results = created["results"].as_array().unwrap();
    let times: Vec<i64> = results.iter().map(|r| r["json"]["time"].as_i64().unwrap()).collect();
    assert_eq!(times, (0..25).collect::<Vec<_>>());
    assert_eq!(results[3]["tags"][0]["name"], "gpu");
    assert_eq!(results[0]["execution_datetime"], "2020-05-21T08:31:00");
    assert_eq!(results[0]["site"]["id"], f.site.as_str());
    let (status, page) = app.get("/results?per_page=100").await;
    assert_eq!((status, page["total"].clone()), (StatusCode::OK, json!(25)), "{page}");
    let (_, one) = app.get(&format!("/results/{}", id_of(&results[7]))).await;
    assert_eq!(one["json"]["time"], 7);
});

backend_test!(a_batch_with_bad_items_stores_nothing_and_lists_every_bad_index, |app| {
    let f = fixture(&app).await;
    let missing = uuid::Uuid::new_v4();
    let mut items: Vec<Value> = (0..6).map(|i| item(&f, json!(i), "2020-05-21T10:31:00Z")).collect();
    items[1]["json"] = json!({"time": "slow"});
    items[2]["execution_datetime"] = json!("2020-05-21T10:31:00");
    items[4]["flavor_id"] = json!(missing.to_string());
    items[5]["execution_datetime"] = json!("2999-01-01T00:00:00Z");
    let (status, body) = post_batch(&app, &f, json!({ "results": items })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let errors = body["errors"]["results"].as_array().unwrap();
    let indexes: Vec<u64> = errors.iter().map(|e| e["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, vec![1, 2, 4, 5], "{body}");
    assert_eq!(errors[0]["path"], "deque(['time'])");
    assert_eq!(errors[1]["error"], "Execution date must include timezone");
    assert_eq!(errors[2]["error"], format!("NoneType {missing} not in database"));
    assert_eq!(errors[3]["error"], "Execution date cannot be in future");
    assert_eq!(body["message"], "4 of 6 results refused; nothing was stored");
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 0, "{page}");
});

backend_test!(malformed_items_are_reported_by_index_and_field, |app| {
    let f = fixture(&app).await;
    let mut items: Vec<Value> = (0..4).map(|i| item(&f, json!(i), "2020-05-21T10:31:00Z")).collect();
    items[0]["benchmark_id"] = json!("nope");
    items[2] = json!("not an object");
    items[3]["tags_ids"] = json!(["x"]);
    let (status, body) = post_batch(&app, &f, json!({ "results": items })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let errors = body["errors"]["results"].as_array().unwrap();
    let found: Vec<(u64, &str)> =
        errors.iter().map(|e| (e["index"].as_u64().unwrap(), e["path"].as_str().unwrap())).collect();
    assert_eq!(found, vec![(0, "benchmark_id"), (2, "_schema"), (3, "tags_ids")], "{body}");
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 0);
});

backend_test!(batch_limits_and_envelope_are_validated, |app| {
    let f = fixture(&app).await;
    let (status, body) = post_batch(&app, &f, json!({"results": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"]["json"]["results"][0], "Length must be between 1 and 1000.");
    let too_many: Vec<Value> = (0..1001).map(|i| item(&f, json!(i), "2020-05-21T10:31:00Z")).collect();
    let (status, body) = post_batch(&app, &f, json!({ "results": too_many })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"]["json"]["results"][0], "Length must be between 1 and 1000.");
    let (status, body) = post_batch(&app, &f, json!({"items": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"]["json"]["items"][0], "Unknown field.");
    assert_eq!(body["errors"]["json"]["results"][0], "Missing data for required field.");
    let item = item(&f, json!(1), "2020-05-21T10:31:00Z");
    let (status, body) =
        app.call(Method::POST, "/results:batch", None, Some(json!({ "results": [item] }))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 0);
});

backend_test!(a_full_batch_of_a_thousand_is_accepted, |app| {
    let f = fixture(&app).await;
    let items: Vec<Value> = (0..1000).map(|i| item(&f, json!(i), "2020-05-21T10:31:00Z")).collect();
    let (status, body) = post_batch(&app, &f, json!({ "results": items })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["results"].as_array().unwrap().len(), 1000);
    assert_eq!(body["results"][999]["json"]["time"], 999);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 1000);
});

backend_test!(a_results_write_key_uploads_a_batch_and_a_read_key_cannot, |app| {
    let f = fixture(&app).await;
    let body = json!({"results": [item(&f, json!(1), "2020-05-21T10:31:00Z")]});
    let writer = crate::keys::secret(&crate::keys::create_key(&app, &f.user, &["results:write"]).await);
    let (status, created) = app.call(Method::POST, "/results:batch", Some(&writer), Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let reader = crate::keys::secret(&crate::keys::create_key(&app, &f.user, &["results:read"]).await);
    let (status, refused) = app.call(Method::POST, "/results:batch", Some(&reader), Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 1);
});
