//! Every representation serialises with its keys sorted.

use chrono::Utc;
use domain::{
    Status,
    benchmark::Benchmark,
    claim::Claim,
    flavor::Flavor,
    mail::ItemKind,
    site::Site,
    submit::Submit,
    tag::Tag,
    user::{User, UserKey},
};
use serde::Serialize;
use serde_json::json;

use super::*;
use crate::routes::dto::SubmitOut;

/// Serialising directly must give the same text as going through a (key-sorting) `Value`:
/// every representation declares its fields in alphabetical order.
fn assert_sorted<T: Serialize>(dto: &T) {
    let direct = serde_json::to_string(dto).unwrap();
    let sorted = serde_json::to_value(dto).unwrap().to_string();
    assert_eq!(direct, sorted);
}

#[test]
fn every_representation_serialises_with_sorted_keys() {
    let key = UserKey { sub: "s".into(), iss: "i".into() };
    let now = Utc::now();
    let user = User { sub: "s".into(), iss: "i".into(), email: "e@x".into(), registration_datetime: now };
    let benchmark = Benchmark {
        id: domain::Id::new_v4(),
        docker_image: "img".into(),
        docker_tag: "t".into(),
        url: "u".into(),
        json_schema: std::sync::Arc::new(json!({"b": 1, "a": {"d": 1, "c": 2}})),
        description: Some("d".into()),
        upload_datetime: now,
        status: Status::Approved,
        uploader: key.clone(),
    };
    let site = Site {
        id: domain::Id::new_v4(),
        name: "n".into(),
        address: "a".into(),
        description: Some("d".into()),
        upload_datetime: now,
        status: Status::Approved,
        uploader: key.clone(),
    };
    let flavor = Flavor {
        id: domain::Id::new_v4(),
        name: "f".into(),
        description: Some("d".into()),
        site_id: site.id,
        upload_datetime: now,
        status: Status::Approved,
        uploader: key.clone(),
        spec: Default::default(),
    };
    let tag = Tag { id: domain::Id::new_v4(), name: "t".into(), description: Some("d".into()) };
    let result = BenchmarkResult {
        id: domain::Id::new_v4(),
        upload_datetime: now,
        execution_datetime: now,
        json: json!({"z": 1, "a": [{"y": 1, "b": 2}]}),
        benchmark,
        site,
        flavor,
        tags: vec![tag],
        uploader: key,
        hidden: false,
    };
    assert_sorted(&ResultOut::from(result));
    let claim = Claim {
        id: domain::Id::new_v4(),
        message: "m".into(),
        result_id: Some(domain::Id::new_v4()),
        upload_datetime: now,
        status: Status::OnReview,
        uploader: user.clone(),
    };
    assert_sorted(&ClaimOut::from(claim));
    let submit = Submit {
        id: domain::Id::new_v4(),
        resource_type: ItemKind::Site,
        resource_id: uuid::Uuid::new_v4(),
        upload_datetime: now,
        uploader: user,
    };
    assert_sorted(&SubmitOut::from(submit));
}
