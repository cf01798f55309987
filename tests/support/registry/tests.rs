//! The mock registry itself answers as a registry would.

use super::*;

fn manifest_url(reg: &MockRegistry, repo: &str, tag: &str) -> String {
    format!("{}/v2/{repo}/manifests/{tag}", reg.url())
}

#[tokio::test]
async fn serves_known_manifests_and_404s_unknown() {
    let reg = MockRegistry::start().await;
    reg.add_image("deephdc/deep-oc-benchmarks_cnn", "latest");
    let client = reqwest::Client::new();
    let ok = client.get(manifest_url(&reg, "deephdc/deep-oc-benchmarks_cnn", "latest")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["content-type"], MANIFEST_V2);
    let json: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(json["schemaVersion"], 2);
    let head =
        client.head(manifest_url(&reg, "deephdc/deep-oc-benchmarks_cnn", "latest")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    let missing = client.get(manifest_url(&reg, "library/ubuntu", "nope")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let json: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(json["errors"][0]["code"], "MANIFEST_UNKNOWN");
    assert_eq!(reg.manifest_requests(), 3);
    reg.set_down(true);
    let down = client.get(format!("{}/v2/", reg.url())).send().await.unwrap();
    assert_eq!(down.status(), 500);
}

#[tokio::test(flavor = "current_thread")]
async fn anonymous_token_flow_and_private_repos() {
    let reg = MockRegistry::start().await;
    reg.add_image("library/ubuntu", "22.04");
    reg.add_image("acme/secret", "1");
    reg.add_private("acme/secret");
    reg.require_token(true);
    let client = reqwest::Client::new();
    let denied = client.get(manifest_url(&reg, "library/ubuntu", "22.04")).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let www = denied.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert_eq!(
        www,
        format!(
            "Bearer realm=\"{}/token\",service=\"mock-registry\",scope=\"repository:library/ubuntu:pull\"",
            reg.url()
        )
    );
    let token: serde_json::Value = client
        .get(format!("{}/token", reg.url()))
        .query(&[("service", "mock-registry"), ("scope", "repository:library/ubuntu:pull")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let ok =
        client.get(manifest_url(&reg, "library/ubuntu", "22.04")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let private =
        client.get(manifest_url(&reg, "acme/secret", "1")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(private.status(), 401);
}
