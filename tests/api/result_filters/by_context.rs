//! List filters on benchmark, site, flavor, tags and dates.

use super::*;

backend_test!(results_filter_by_benchmark_site_and_flavor, |app| {
    let w = world(&app).await;
    for i in 0..3 {
        assert_eq!(listed(&app, &format!("benchmark_id={}", w.benchmarks[i])).await, vec![w.r[i].clone()]);
        assert_eq!(listed(&app, &format!("site_id={}", w.sites[i])).await, vec![w.r[i].clone()]);
        assert_eq!(listed(&app, &format!("flavor_id={}", w.flavors[i])).await, vec![w.r[i].clone()]);
    }
    let both = format!("benchmark_id={}&site_id={}", w.benchmarks[0], w.sites[1]);
    assert!(listed(&app, &both).await.is_empty(), "filters combine with AND");
    let second = approved_flavor(&app, &w.f, &w.sites[0], "other").await;
    let extra = upload_by(&app, &w.f.user, &w.benchmarks[1], &second, json!({}), &hours_ago(1), &[]).await;
    assert_eq!(matching(&app, &format!("site_id={}", w.sites[0])).await, sorted(&[&w.r[0], &extra]));
    assert_eq!(listed(&app, &format!("flavor_id={second}")).await, vec![extra.clone()]);
    assert_eq!(
        matching(&app, &format!("benchmark_id={}", w.benchmarks[1])).await,
        sorted(&[&w.r[1], &extra])
    );
    assert!(listed(&app, &format!("benchmark_id={}", uuid::Uuid::new_v4())).await.is_empty());
    assert!(listed(&app, &format!("benchmark_id={}", w.f.benchmark)).await.is_empty());
    let (status, body) = app.get("/results?site_id=kit&flavor_id=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"site_id": ["Not a valid UUID."], "flavor_id": ["Not a valid UUID."]})
        )
    );
});

backend_test!(every_requested_tag_must_be_attached, |app| {
    let f = fixture(&app).await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let b = id_of(&app.create_tag(&f.user, "b").await);
    let c = id_of(&app.create_tag(&f.user, "c").await);
    let ab = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(3), &[&a, &b]).await;
    let only_a = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(2), &[&a]).await;
    let none = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    assert_eq!(listed(&app, "").await, vec![ab.clone(), only_a.clone(), none]);
    assert_eq!(listed(&app, &format!("tags_ids={a}")).await, vec![ab.clone(), only_a.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids={b}")).await, vec![ab.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids={a}&tags_ids={b}")).await, vec![ab.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids[]={a}&tags_ids[]={b}")).await, vec![ab.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids[]={b}&tags_ids={a}")).await, vec![ab.clone()], "mixed forms");
    assert!(listed(&app, &format!("tags_ids={a}&tags_ids={c}")).await.is_empty());
    assert!(listed(&app, &format!("tags_ids={}", uuid::Uuid::new_v4())).await.is_empty());
    let (status, body) = app.get(&format!("/results?tags_ids={a}&tags_ids=nope")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"tags_ids": {"1": ["Not a valid UUID."]}})));
});

backend_test!(execution_date_filters_are_strict_against_midnight_utc, |app| {
    let f = fixture(&app).await;
    let before_midnight = uploaded(&app, &f, json!({}), "2020-05-20T23:59:59Z").await;
    let midnight = uploaded(&app, &f, json!({}), "2020-05-21T02:00:00+02:00").await;
    let after_midnight = uploaded(&app, &f, json!({}), "2020-05-21T00:00:01Z").await;
    let next_day = uploaded(&app, &f, json!({}), "2020-05-22T12:00:00+03:00").await;
    let all = vec![before_midnight.clone(), midnight.clone(), after_midnight.clone(), next_day.clone()];
    assert_eq!(listed(&app, "").await, all);
    assert_eq!(
        listed(&app, "execution_after=2020-05-21").await,
        vec![after_midnight.clone(), next_day.clone()]
    );
    assert_eq!(
        listed(&app, "execution_after=2020-5-21").await,
        vec![after_midnight.clone(), next_day.clone()]
    );
    assert_eq!(listed(&app, "execution_after=2020-05-20").await, all);
    assert_eq!(listed(&app, "execution_before=2020-05-21").await, vec![before_midnight.clone()]);
    assert_eq!(
        listed(&app, "execution_before=2020-05-22").await,
        vec![before_midnight.clone(), midnight.clone(), after_midnight.clone()]
    );
    assert_eq!(
        listed(&app, "execution_after=2020-05-20&execution_before=2020-05-22").await,
        vec![before_midnight, midnight, after_midnight.clone()]
    );
    assert_eq!(
        listed(&app, "execution_after=2020-05-21&execution_before=2020-05-22").await,
        vec![after_midnight]
    );
    assert!(listed(&app, "execution_after=2020-05-22&execution_before=2020-05-21").await.is_empty());
    for bad in ["2020-05-21T00:00:00", "21.05.2020", "2020-13-01"] {
        let (status, body) = app.get(&format!("/results?execution_before={bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(
            body,
            validation_error("query", json!({"execution_before": ["Not a valid date."]})),
            "{bad}"
        );
    }
});

backend_test!(upload_date_filters_are_strict_and_combine_with_the_others, |app| {
    let w = world(&app).await;
    let today = Utc::now().date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    let all = sorted(&[&w.r[0], &w.r[1], &w.r[2]]);
    assert_eq!(matching(&app, &format!("upload_after={yesterday}")).await, all);
    assert_eq!(matching(&app, &format!("upload_before={tomorrow}")).await, all);
    assert!(matching(&app, &format!("upload_after={tomorrow}")).await.is_empty());
    assert!(matching(&app, &format!("upload_before={today}")).await.is_empty());
    assert!(matching(&app, &format!("upload_before={yesterday}")).await.is_empty());
    let q = format!("upload_after={yesterday}&benchmark_id={}&execution_before=2020-01-03", w.benchmarks[1]);
    assert_eq!(listed(&app, &q).await, vec![w.r[1].clone()]);
    let (status, body) = app.get("/results?upload_after=today&uploader_email=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"upload_after": ["Not a valid date."], "uploader_email": ["Unknown field."]})
        )
    );
});

// ---------------------------------------------------------------------------------------------
// JSON filters
