//! Documented responses of every operation (contract §10).

use serde_json::{Value, json};

/// Adds what revalidation adds to a GET operation: its 200 carries `ETag` and
/// `Cache-Control: no-cache`, and it answers 304 with those headers and no body when
/// `If-None-Match` names the current `ETag` (`crate::caching`).
pub fn document_revalidation(operation: &mut Value) {
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let headers = json!({
        "ETag": {"description": "Strong validator of the representation.", "schema": {"type": "string"}},
        "Cache-Control": {"description": "`no-cache`: revalidate before reusing a stored copy.", "schema": {"type": "string"}},
    });
    if let Some(ok) = responses.get_mut("200").and_then(Value::as_object_mut) {
        ok.insert("headers".into(), headers.clone());
    }
    responses.insert(
        "304".into(),
        json!({"description": "Not Modified: `If-None-Match` names the current `ETag`; no body.", "headers": headers}),
    );
}

/// The operation streaming a download (issue 11), documented by [`export`].
pub const EXPORT: &str = "ExportResults";

/// The responses of `GET /results:export`: CSV or NDJSON text, not revalidated.
pub fn export() -> Value {
    let text = |description: &str| json!({"schema": {"type": "string", "description": description}});
    json!({
        "200": {
            "description": "OK: the results as a download (`Content-Disposition: attachment; filename=...`)",
            "headers": {"Content-Disposition": {"description": "`attachment; filename=\"results.csv\"` (or `results.ndjson`)", "schema": {"type": "string"}}},
            "content": {
                "text/csv": text("RFC 4180 CSV with a header row naming the requested columns"),
                "application/x-ndjson": text("One Result (as in GET /results) per line"),
            },
        },
        "422": {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"},
        "default": {"$ref": "#/components/responses/DEFAULT_ERROR"},
    })
}

/// (operationId, success status, success schema, documents 422).
pub const RESPONSES: &[(&str, u16, Option<&str>, bool)] = &[
    ("ListBenchmarks", 200, Some("Benchmarks"), true),
    ("CreateBenchmark", 201, Some("Benchmark"), true),
    ("SearchBenchmarks", 200, Some("Benchmarks"), true),
    ("GetBenchmark", 200, Some("Benchmark"), true),
    ("UpdateBenchmark", 204, None, true),
    ("DeleteBenchmark", 204, None, true),
    ("ApproveBenchmark", 204, None, true),
    ("RejectBenchmark", 204, None, true),
    ("ListSubmits", 200, Some("Submits"), true),
    ("ListClaims", 200, Some("Claims"), true),
    ("GetClaim", 200, Some("Claim"), false),
    ("ApproveClaim", 204, None, true),
    ("RejectClaim", 204, None, true),
    ("ListResults", 200, Some("Results"), true),
    ("CreateResult", 201, Some("Result"), true),
    ("CreateResults", 201, Some("ResultsCreated"), true),
    ("SearchResults", 200, Some("Results"), true),
    ("GetResultStats", 200, Some("ResultStats"), true),
    ("RankResults", 200, Some("ResultRanking"), true),
    ("GetResult", 200, Some("Result"), false),
    ("DeleteResult", 204, None, false),
    ("ClaimReport", 201, Some("Claim"), true),
    ("UpdateResult", 204, None, true),
    ("ListResultClaims", 200, Some("Claims"), true),
    ("ResultUploader", 200, Some("User"), false),
    ("ListSites", 200, Some("Sites"), true),
    ("CreateSite", 201, Some("Site"), true),
    ("SearchSites", 200, Some("Sites"), true),
    ("GetSite", 200, Some("Site"), false),
    ("UpdateSite", 204, None, true),
    ("DeleteSite", 204, None, false),
    ("ApproveSite", 204, None, false),
    ("RejectSite", 204, None, false),
    ("ListFlavors", 200, Some("Flavors"), true),
    ("AddFlavor", 201, Some("Flavor"), true),
    ("SearchFlavor", 200, Some("Flavors"), true),
    ("GetFlavor", 200, Some("Flavor"), false),
    ("UpdateFlavor", 204, None, true),
    ("DeleteFlavor", 204, None, false),
    ("ApproveFlavor", 204, None, false),
    ("RejectFlavor", 204, None, false),
    ("GetFlavorSite", 200, Some("Site"), false),
    ("ListTags", 200, Some("Tags"), true),
    ("CreateTag", 201, Some("Tag"), true),
    ("SearchTag", 200, Some("Tags"), true),
    ("GetTag", 200, Some("Tag"), false),
    ("UpdateTag", 204, None, true),
    ("DeleteTag", 204, None, false),
    ("ListUsers", 200, Some("Users"), true),
    ("RegisterSelf", 201, Some("User"), false),
    ("RemoveUsers", 204, None, true),
    ("SearchUsers", 200, Some("Users"), true),
    ("GetSelf", 200, Some("User"), false),
    ("UpdateSelf", 204, None, false),
    ("TryAdmin", 204, None, false),
    ("ListUserResults", 200, Some("Results"), true),
    ("ListUserClaims", 200, Some("Claims"), true),
    ("CreateApiKey", 201, Some("ApiKeyCreated"), true),
    ("ListApiKeys", 200, Some("ApiKeys"), false),
    ("DeleteApiKey", 204, None, false),
    ("ValidateResult", 204, None, true),
];
