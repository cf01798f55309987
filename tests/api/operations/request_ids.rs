//! `X-Request-Id`: a safe one is echoed, an unsafe or missing one is replaced by a new id.

use eosc_perf_tests::{app::send_raw, backend_test};
use reqwest::{Method, StatusCode};

fn is_generated(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok()
}

backend_test!(a_safe_request_id_is_echoed_on_every_answer, |app| {
    for (method, path, status) in [
        (Method::GET, "/tags", StatusCode::OK),
        (Method::GET, "/no/such/path", StatusCode::NOT_FOUND),
        (Method::DELETE, "/tags", StatusCode::METHOD_NOT_ALLOWED),
        (Method::GET, "/users/self", StatusCode::UNAUTHORIZED),
        (Method::GET, "/health/live", StatusCode::OK),
    ] {
        let resp = send_raw(app.request(method.clone(), path).header("X-Request-Id", "abc-123.x_Y:9")).await;
        assert_eq!(resp.status, status, "{method} {path}");
        assert_eq!(resp.header("x-request-id"), Some("abc-123.x_Y:9"), "{method} {path}");
    }
});

backend_test!(a_missing_request_id_is_generated_anew_for_each_request, |app| {
    let first = send_raw(app.request(Method::GET, "/tags")).await;
    let second = send_raw(app.request(Method::GET, "/tags")).await;
    let (first, second) = (first.header("x-request-id").unwrap(), second.header("x-request-id").unwrap());
    assert!(is_generated(first) && is_generated(second), "{first} {second}");
    assert_ne!(first, second);
});

backend_test!(an_unsafe_request_id_is_replaced, |app| {
    let too_long = "a".repeat(129);
    for unsafe_id in ["has space", "quote\"d", "new%0Aline", "a/b", too_long.as_str()] {
        let resp = send_raw(app.request(Method::GET, "/tags").header("X-Request-Id", unsafe_id)).await;
        let echoed = resp.header("x-request-id").unwrap();
        assert!(is_generated(echoed), "{unsafe_id:?} gave {echoed:?}");
    }
    let longest = "b".repeat(128);
    let resp = send_raw(app.request(Method::GET, "/tags").header("X-Request-Id", &longest)).await;
    assert_eq!(resp.header("x-request-id"), Some(longest.as_str()));
});
