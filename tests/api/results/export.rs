//! `GET /results:export` (issue 11): the filters and order of `GET /results`, as CSV or NDJSON.

use super::*;

/// Three visible results (times 1, 2, 3, with awkward text) and one hidden by a claim.
async fn exported_fixture(app: &TestApp) -> Fixture {
    let f = fixture(app).await;
    for (time, note) in [(2, "plain"), (1, "comma, \"quote\"\nnewline"), (3, "ünïcode")] {
        let (status, body) =
            upload(app, &f, json!({"time": time, "note": note}), "2024-01-01T00:00:00Z").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, hidden) = upload(app, &f, json!({"time": 9}), "2024-01-01T00:00:00Z").await;
    let claim = format!("/results/{}:claim", id_of(&hidden));
    let (status, _) =
        app.call(Method::POST, &claim, Some(&f.admin.token), Some(json!({"message": "m"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    f
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

backend_test!(a_csv_export_round_trips_with_the_requested_columns_filters_and_order, |app| {
    exported_fixture(&app).await;
    let path = "/results:export?format=csv&columns=json.time&columns=json.note&columns=site.name\
                &columns=flavor.name&columns=flavor.vcpus&columns=id&sort_by=-json.time&filters=time%20%3C%203";
    let raw = app.raw(Method::GET, path, None).await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.text);
    assert_eq!(raw.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(raw.header("content-disposition"), Some("attachment; filename=\"results.csv\""));
    let (header, rows) = csv_rows(&raw.text);
    assert_eq!(header, ["json.time", "json.note", "site.name", "flavor.name", "flavor.vcpus", "id"]);
    let (_, listed) = app.get("/results?sort_by=-json.time&filters=time%20%3C%203").await;
    let expected: Vec<Vec<String>> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let time = r["json"]["time"].to_string();
            let note = r["json"]["note"].as_str().unwrap().to_owned();
            vec![time, note, "site0".into(), "small".into(), String::new(), id_of(r)]
        })
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(rows, expected, "same rows and order as GET /results; awkward text survives");
});

backend_test!(the_default_columns_cover_the_result_and_hidden_results_are_left_out, |app| {
    let f = exported_fixture(&app).await;
    let raw = app.raw(Method::GET, &format!("/results:export?benchmark_id={}", f.benchmark), None).await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.text);
    let (header, rows) = csv_rows(&raw.text);
    let defaults = [
        "id",
        "execution_datetime",
        "upload_datetime",
        "benchmark.docker_image",
        "benchmark.docker_tag",
        "site.name",
        "flavor.name",
        "tags",
        "json",
    ];
    assert_eq!(header, defaults);
    assert_eq!(rows.len(), 3, "the claimed result is hidden");
    let (_, first) = app.get(&format!("/results/{}", rows[0][0])).await;
    assert_eq!(rows[0][1], first["execution_datetime"].as_str().unwrap());
    assert_eq!(serde_json::from_str::<Value>(&rows[0][8]).unwrap(), first["json"]);
    assert_eq!(rows[0][3..5], ["deephdc/bench", "1.0"]);
    let none = app.raw(Method::GET, &format!("/results:export?site_id={}", uuid::Uuid::new_v4()), None).await;
    assert_eq!(csv_rows(&none.text), (header, Vec::new()), "no match: the header alone");
});

backend_test!(an_ndjson_export_writes_the_items_of_get_results_one_per_line, |app| {
    exported_fixture(&app).await;
    let raw = app.raw(Method::GET, "/results:export?format=ndjson&sort_by=-upload_datetime", None).await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.text);
    assert_eq!(raw.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(raw.header("content-disposition"), Some("attachment; filename=\"results.ndjson\""));
    assert!(raw.text.ends_with('\n'));
    let lines: Vec<Value> = raw.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (_, listed) = app.get("/results?sort_by=-upload_datetime").await;
    assert_eq!(json!(lines), listed["items"]);
});

backend_test!(bad_export_parameters_answer_422_in_the_contracts_shapes, |app| {
    let cases = [
        ("format=xml", validation_error("query", json!({"format": ["Must be one of: csv, ndjson."]}))),
        (
            "columns=id&columns=password",
            validation_error("query", json!({"columns": ["Unknown column: 'password'."]})),
        ),
        ("columns=json.", validation_error("query", json!({"columns": ["Unknown column: 'json.'."]}))),
        ("page=2", validation_error("query", json!({"page": ["Unknown field."]}))),
        ("benchmark_id=x", validation_error("query", json!({"benchmark_id": ["Not a valid UUID."]}))),
    ];
    for (query, expected) in cases {
        let (status, body) = app.get(&format!("/results:export?{query}")).await;
        assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{query}");
    }
    let (status, body) = app.get("/results:export?sort_by=nope").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["message"]["KeyError"],
        json!("Unexpected field 'ope'"),
        "as GET /results: the first character is the direction"
    );
});

backend_test!(an_export_across_the_chunk_boundary_has_every_result_once_in_order, |app| {
    let f = fixture(&app).await;
    // One more than a chunk of the repository's export, uploaded in batches of at most 1,000,
    // each executed a minute after the previous one (the default order).
    let count = domain::result::EXPORT_CHUNK + 1;
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let items: Vec<Value> = (0..count)
        .map(|i| {
            let when = (start + Duration::minutes(i as i64)).to_rfc3339();
            super::batch::item(&f, json!(i), &when)
        })
        .collect();
    let mut uploaded = Vec::new();
    for batch in items.chunks(1000) {
        let (status, body) = super::batch::post_batch(&app, &f, json!({ "results": batch })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        uploaded.extend(body["results"].as_array().unwrap().iter().map(id_of));
    }
    let csv = app.raw(Method::GET, "/results:export?format=csv&columns=id&columns=json.time", None).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(csv.header("etag"), None, "a streamed export is not held whole to be tagged");
    let (header, rows) = csv_rows(&csv.text);
    assert_eq!(header, ["id", "json.time"]);
    let ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    let times: Vec<String> = rows.iter().map(|r| r[1].clone()).collect();
    assert_eq!(ids, uploaded, "every result once, in execution order");
    assert_eq!(times, (0..count).map(|i| i.to_string()).collect::<Vec<_>>());
    let ndjson = app.raw(Method::GET, "/results:export?format=ndjson", None).await;
    assert_eq!(ndjson.status, StatusCode::OK);
    let lines: Vec<Value> = ndjson.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.iter().map(id_of).collect::<Vec<_>>(), uploaded, "every result once, in order");
    assert_eq!(lines[count - 1]["json"]["time"], json!(count - 1));
});

backend_test!(json_path_columns_read_nested_values_without_the_document, |app| {
    let f = fixture(&app).await;
    let doc = json!({"nested": {"a": [1, {"b": "x, y"}], "n": 2.5}, "flag": true, "none": null});
    let (status, body) = upload(&app, &f, doc, "2024-01-01T00:00:00Z").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let path = "/results:export?columns=json.nested&columns=json.nested.a.1.b&columns=id\
                &columns=json.flag&columns=json.nested.a.5&columns=json.none&columns=json.nested.n";
    let raw = app.raw(Method::GET, path, None).await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.text);
    let (_, rows) = csv_rows(&raw.text);
    let nested: Value = serde_json::from_str(&rows[0][0]).unwrap();
    assert_eq!(nested, json!({"a": [1, {"b": "x, y"}], "n": 2.5}));
    assert!(!rows[0][0].contains(": "), "JSON cells are compact: {}", rows[0][0]);
    assert_eq!(
        rows[0][1..],
        ["x, y".to_owned(), id_of(&body), "true".into(), String::new(), String::new(), "2.5".into()]
    );
});

backend_test!(results_with_several_tags_are_exported_once_with_all_their_tags, |app| {
    let f = fixture(&app).await;
    let mut tags = Vec::new();
    for name in ["zeta", "alpha", "mid"] {
        tags.push(id_of(&app.create_tag(&f.user, name).await));
    }
    // No tag, one, three, two: executed in that order, an hour apart.
    let links: [&[usize]; 4] = [&[], &[0], &[0, 1, 2], &[2, 1]];
    let mut uploaded = Vec::new();
    for (i, set) in links.iter().enumerate() {
        let linked: Vec<&String> = set.iter().map(|&k| &tags[k]).collect();
        let when = hours_ago(10 - i as i64);
        uploaded.push(
            upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({"time": i}), &when, &linked).await,
        );
    }
    let csv = app.raw(Method::GET, "/results:export?columns=id&columns=tags&columns=json.time", None).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    let (_, rows) = csv_rows(&csv.text);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, uploaded, "one row per result, in execution order");
    let names: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["", "zeta", "alpha;mid;zeta", "alpha;mid"], "every tag, by name");
    let reversed = app.raw(Method::GET, "/results:export?columns=tags&sort_by=-json.time", None).await;
    let (_, rows) = csv_rows(&reversed.text);
    assert_eq!(rows.concat(), ["alpha;mid", "alpha;mid;zeta", "zeta", ""], "in any order");
    let ndjson = app.raw(Method::GET, "/results:export?format=ndjson&sort_by=-json.time", None).await;
    let lines: Vec<Value> = ndjson.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (_, listed) = app.get("/results?sort_by=-json.time").await;
    assert_eq!(json!(lines), listed["items"], "the items of GET /results, tags included");
});
