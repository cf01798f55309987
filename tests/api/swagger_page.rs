//! `GET /`: the Swagger UI page and the `X-Script-Name` header it is built from. The header
//! comes from any client, so only a plain path is used as the prefix and nothing from it is
//! written into the page as markup or script.

use eosc_perf_tests::{app::send_raw, backend_test};
use reqwest::{Method, StatusCode};

const INJECTION: &str = "\"><script>alert(document.cookie)</script>";

backend_test!(a_script_name_with_markup_is_ignored_by_the_swagger_page, |app| {
    let resp = send_raw(app.request(Method::GET, "/").header("X-Script-Name", INJECTION)).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(!resp.text.contains("alert("), "{}", resp.text);
    assert!(!resp.text.contains("&lt;script&gt;"), "ignored, not merely escaped: {}", resp.text);
    assert!(resp.text.contains("data-spec-url=\"/api-spec.json\""), "{}", resp.text);
    assert!(resp.text.contains("src=\"/swagger-ui/swagger-ui-bundle.js\""), "{}", resp.text);
});

backend_test!(only_plain_paths_become_the_swagger_page_prefix, |app| {
    for (header, prefix) in [
        ("/api/v1", "/api/v1"),
        ("/api/v1/", "/api/v1"),
        ("/perf.api_x~-1", "/perf.api_x~-1"),
        ("/", ""),
        ("api/v1", ""),
        ("/api//v1", ""),
        ("/api&v1", ""),
        ("/api'v1", ""),
        ("/api v1", ""),
        ("javascript:alert(1)", ""),
    ] {
        let resp = send_raw(app.request(Method::GET, "/").header("X-Script-Name", header)).await;
        assert_eq!(resp.status, StatusCode::OK, "{header:?}");
        let expected = format!("data-spec-url=\"{prefix}/api-spec.json\"");
        assert!(resp.text.contains(&expected), "{header:?}: {}", resp.text);
        assert!(resp.text.contains(&format!("href=\"{prefix}/swagger-ui/swagger-ui.css\"")), "{header:?}");
    }
});

backend_test!(the_swagger_page_script_is_the_same_whatever_the_prefix, |app| {
    let script = |text: &str| text.split("<script>").nth(1).unwrap_or_default().to_owned();
    let plain = send_raw(app.request(Method::GET, "/")).await;
    let prefixed = send_raw(app.request(Method::GET, "/api/v1/").header("X-Script-Name", "/api/v1")).await;
    assert_eq!(prefixed.status, StatusCode::OK);
    assert!(!script(&plain.text).is_empty(), "{}", plain.text);
    assert_eq!(script(&plain.text), script(&prefixed.text));
});
