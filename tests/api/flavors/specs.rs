//! Typed flavor specs (issue 11): optional members on create, update and every flavor
//! representation, absent when unset.

use super::*;

/// A spec with every member set.
fn full_spec() -> Value {
    json!({
        "vcpus": 8,
        "memory_gib": 32.5,
        "gpus": {"model": "NVIDIA A100", "count": 2},
        "architecture": "x86_64",
        "disk_gib": 200,
        "region": "eu-central",
        "price": {"amount": 1.25, "currency": "EUR", "per": "hour", "as_of": "2026-11-30"},
    })
}

/// `body` with the members of `extra` added.
fn with(mut body: Value, extra: &Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// The spec as the server writes it: numbers are JSON numbers (`200` reads back as `200.0`).
fn written(spec: &Value) -> Value {
    let mut out = spec.clone();
    out["disk_gib"] = json!(200.0);
    out
}

backend_test!(a_flavor_created_with_a_spec_shows_it_everywhere, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    let created = flavor(&app, &alice, &site_id, with(json!({"name": "gpu.large"}), &full_spec())).await;
    let id = id_of(&created);
    let expected = with(
        json!({"id": id, "name": "gpu.large", "upload_datetime": created["upload_datetime"]}),
        &written(&full_spec()),
    );
    assert_eq!(created, expected);
    let (status, fetched) = app.get(&format!("/flavors/{id}")).await;
    assert_eq!((status, fetched), (StatusCode::OK, expected.clone()));
    app.approve("flavor", &id).await;
    for list in [format!("/sites/{site_id}/flavors"), format!("/sites/{site_id}/flavors:search")] {
        assert_eq!(page(&app, &list).await["items"], json!([expected]), "{list}");
    }
});

backend_test!(the_price_period_defaults_to_hour_and_null_members_are_unset_on_create, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    let body = json!({"name": "m1", "vcpus": null, "price": {"amount": 0, "currency": "USD", "as_of": "2026-01-31"}});
    let created = flavor(&app, &alice, &site_id, body).await;
    assert_eq!(
        created["price"],
        json!({"amount": 0.0, "currency": "USD", "per": "hour", "as_of": "2026-01-31"})
    );
    assert!(created.get("vcpus").is_none(), "{created}");
});

backend_test!(a_flavor_without_a_spec_is_written_byte_for_byte_as_before, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    let created = flavor(&app, &alice, &site_id, json!({"name": "plain", "description": "d"})).await;
    let id = id_of(&created);
    let raw = app.raw(Method::GET, &format!("/flavors/{id}"), None).await;
    let uploaded = created["upload_datetime"].as_str().unwrap();
    assert_eq!(
        raw.text,
        format!(r#"{{"description":"d","id":"{id}","name":"plain","upload_datetime":"{uploaded}"}}"#)
    );
});

backend_test!(an_update_keeps_absent_spec_members_clears_null_ones_and_sets_the_rest, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let site_id = site(&app, &alice, "kit").await;
    let created = flavor(&app, &alice, &site_id, with(json!({"name": "m1"}), &full_spec())).await;
    let path = format!("/flavors/{}", id_of(&created));
    let put = json!({"name": "m1", "vcpus": 16, "gpus": null, "price": null, "region": "eu-west"});
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(put)).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let (_, fetched) = app.get(&path).await;
    let mut expected = created.clone();
    expected["vcpus"] = json!(16);
    expected["region"] = json!("eu-west");
    let map = expected.as_object_mut().unwrap();
    map.remove("gpus");
    map.remove("price");
    assert_eq!(fetched, expected);
    let (status, _) = app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "m1"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.1, expected, "a PUT naming no spec member keeps the spec");
});

backend_test!(bad_spec_values_answer_422_in_the_validation_shape, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let site_id = site(&app, &alice, "kit").await;
    let cases = [
        (
            json!({"vcpus": 0}),
            json!({"vcpus": ["Must be greater than or equal to 1 and less than or equal to 2147483647."]}),
        ),
        (json!({"vcpus": 2.5}), json!({"vcpus": ["Not a valid integer."]})),
        (json!({"vcpus": "4"}), json!({"vcpus": ["Not a valid integer."]})),
        (json!({"memory_gib": 0}), json!({"memory_gib": ["Must be greater than 0."]})),
        (json!({"disk_gib": "big"}), json!({"disk_gib": ["Not a valid number."]})),
        (json!({"architecture": " "}), json!({"architecture": ["Must not be blank."]})),
        (json!({"region": 7}), json!({"region": ["Not a valid string."]})),
        (json!({"gpus": 2}), json!({"gpus": ["Not a valid mapping type."]})),
        (
            json!({"gpus": {"model": "A100", "count": 0, "vendor": "x"}}),
            json!({"gpus": {"count": ["Must be greater than or equal to 1 and less than or equal to 2147483647."], "vendor": ["Unknown field."]}}),
        ),
        (
            json!({"price": {"amount": -1, "currency": "eur", "per": "month", "as_of": "30.11.2026"}}),
            json!({"price": {
                "amount": ["Must be greater than or equal to 0."],
                "currency": ["Not a valid ISO 4217 currency code (three uppercase letters)."],
                "per": ["Must be one of: hour."],
                "as_of": ["Not a valid date."],
            }}),
        ),
        (
            json!({"price": {"amount": 1}}),
            json!({"price": {
                "currency": ["Missing data for required field."],
                "as_of": ["Missing data for required field."],
            }}),
        ),
    ];
    let created = flavor(&app, &alice, &site_id, json!({"name": "m1"})).await;
    let item = format!("/flavors/{}", id_of(&created));
    let collection = format!("/sites/{site_id}/flavors");
    for (spec, errors) in cases {
        let body = with(json!({"name": "m2"}), &spec);
        let (status, resp) =
            app.call(Method::POST, &collection, Some(&alice.token), Some(body.clone())).await;
        let expected = validation_error("json", errors.clone());
        assert_eq!((status, &resp), (StatusCode::UNPROCESSABLE_ENTITY, &expected), "POST {spec}");
        let (status, resp) = app.call(Method::PUT, &item, Some(&admin.token), Some(body)).await;
        assert_eq!((status, &resp), (StatusCode::UNPROCESSABLE_ENTITY, &expected), "PUT {spec}");
    }
    assert_eq!(app.get(&item).await.1, created, "nothing changed");
});

backend_test!(results_embed_the_spec_and_a_spec_change_reaches_cached_result_lists, |app| {
    let user = app.registered("uploader").await;
    let schema = json!({"type": "object"});
    let benchmark = id_of(&app.create_benchmark(&user, "deephdc/bench", "1.0", schema).await);
    let site_id = site(&app, &user, "kit").await;
    let flavor_id = approved(&app, &user, &site_id, with(json!({"name": "gpu"}), &full_spec())).await;
    app.approve("benchmark", &benchmark).await;
    app.approve("site", &site_id).await;
    let upload = format!(
        "/results?execution_datetime=2026-01-01T00:00:00Z&benchmark_id={benchmark}&flavor_id={flavor_id}"
    );
    let (status, result) = app.call(Method::POST, &upload, Some(&user.token), Some(json!({"t": 1}))).await;
    assert_eq!(status, StatusCode::CREATED, "{result}");
    assert_eq!(result["flavor"]["price"]["currency"], json!("EUR"));
    assert_eq!(result["flavor"]["vcpus"], json!(8));
    let listed = page(&app, "/results").await;
    assert_eq!(listed["items"][0]["flavor"]["gpus"], json!({"model": "NVIDIA A100", "count": 2}));
    let admin = app.admin("root").await;
    let put =
        json!({"name": "gpu", "vcpus": 4, "price": {"amount": 2, "currency": "EUR", "as_of": "2026-12-01"}});
    let path = format!("/flavors/{flavor_id}");
    let (status, _) = app.call(Method::PUT, &path, Some(&admin.token), Some(put)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let listed = page(&app, "/results").await;
    let embedded = &listed["items"][0]["flavor"];
    assert_eq!((&embedded["vcpus"], &embedded["price"]["amount"]), (&json!(4), &json!(2.0)), "{listed}");
    let (_, one) = app.get(&format!("/results/{}", id_of(&result))).await;
    assert_eq!(one["flavor"], app.get(&path).await.1);
});

/// A component schema without the documentation of its properties.
fn without_docs(schema: &Value) -> Value {
    let mut schema = schema.clone();
    for property in schema["properties"].as_object_mut().unwrap().values_mut() {
        let property = property.as_object_mut().unwrap();
        property.remove("description");
        property.remove("example");
    }
    schema
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flavor_spec_members_are_described_truthfully() {
    let app = eosc_perf_tests::spawn_app(eosc_perf_tests::Backend::Sqlite).await.unwrap();
    let (_, spec) = app.get("/api-spec.json").await;
    let schemas = &spec["components"]["schemas"];
    let flavor = &without_docs(&schemas["Flavor"])["properties"];
    assert_eq!(flavor["vcpus"], json!({"type": "integer"}));
    for size in ["memory_gib", "disk_gib"] {
        assert_eq!(flavor[size], json!({"type": "number", "format": "double"}), "{size}");
    }
    for label in ["architecture", "region"] {
        assert_eq!(flavor[label], json!({"type": "string"}), "{label}");
    }
    assert_eq!(flavor["gpus"], json!({"$ref": "#/components/schemas/Gpus"}));
    assert_eq!(flavor["price"], json!({"$ref": "#/components/schemas/Price"}));
    let gpus = without_docs(&schemas["Gpus"]);
    assert_eq!(gpus["required"], json!(["count", "model"]));
    assert_eq!(gpus["properties"]["model"], json!({"type": "string"}));
    let price = without_docs(&schemas["Price"]);
    assert_eq!(price["required"], json!(["amount", "as_of", "currency", "per"]));
    assert_eq!(price["properties"]["as_of"], json!({"type": "string", "format": "date"}));
    assert_eq!(price["properties"]["per"]["enum"], json!(["hour"]));
}
