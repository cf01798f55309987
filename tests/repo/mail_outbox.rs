//! Leases on the mail outbox, statement by statement, on both backends: a claimed mail is not
//! claimed again until its lease ends, only the lease holder deletes or reschedules it, and
//! concurrent claims take disjoint mails.

use std::{collections::HashSet, time::Duration};

use chrono::Utc;
use domain::mail::OutboundMail;
use eosc_perf_tests::{Backend, TestDb, backend_test_with};
use infra::{
    entity::mail_outbox,
    outbox::{
        self,
        lease::{self, FailedAttempt},
    },
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
    sea_query::Expr,
};
use uuid::Uuid;

const LEASE: Duration = Duration::from_secs(60);

/// A migrated database of `backend`, or `None` when that backend is not configured.
async fn outbox_db(backend: Backend) -> Option<(TestDb, DatabaseConnection)> {
    let db = match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres().await?,
    };
    let conn = infra::connect(&infra::DbConfig::new(db.url.clone())).await.expect("connect");
    infra::migrate(&conn).await.expect("migrate");
    Some((db, conn))
}

/// Queues `n` mails in one transaction; returns their subjects.
async fn queue(db: &DatabaseConnection, n: usize) -> Vec<String> {
    let txn = db.begin().await.unwrap();
    let mut subjects = Vec::new();
    for i in 0..n {
        let subject = format!("mail {i} {}", Uuid::new_v4());
        let mail = OutboundMail {
            to: vec!["alice@example.org".into()],
            cc: vec![],
            subject: subject.clone(),
            headers: vec![],
            body: "body".into(),
        };
        outbox::enqueue(&txn, &mail).await.unwrap();
        subjects.push(subject);
    }
    txn.commit().await.unwrap();
    subjects
}

async fn row(db: &DatabaseConnection, id: Uuid) -> Option<mail_outbox::Model> {
    mail_outbox::Entity::find_by_id(id).one(db).await.unwrap()
}

/// Moves a column of the row to one second ago, as if that time had passed.
async fn backdate(db: &DatabaseConnection, id: Uuid, column: mail_outbox::Column) {
    mail_outbox::Entity::update_many()
        .col_expr(column, Expr::value(Utc::now() - chrono::Duration::seconds(1)))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();
}

backend_test_with!(only_the_lease_holder_records_a_mail_and_an_ended_lease_frees_it, |backend| {
    let Some((_db, db)) = outbox_db(backend).await else { return };
    queue(&db, 1).await;

    let claimed = lease::claim_due(&db, "a/1", LEASE, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let id = claimed[0].id;
    assert_eq!(claimed[0].claimed_by.as_deref(), Some("a/1"));
    assert!(claimed[0].claimed_until.is_some_and(|until| until > Utc::now()));
    assert!(lease::claim_due(&db, "b/1", LEASE, 10).await.unwrap().is_empty(), "leased: not claimed again");

    let failed = FailedAttempt {
        id,
        attempts: 1,
        next_attempt_at: Utc::now() + chrono::Duration::hours(1),
        error: "refused".into(),
    };
    assert_eq!(lease::delete_delivered(&db, "b/1", &[id]).await.unwrap(), 0, "not b's lease");
    assert!(!lease::reschedule(&db, "b/1", &failed).await.unwrap(), "not b's lease");
    assert_eq!(row(&db, id).await.unwrap().claimed_by.as_deref(), Some("a/1"));

    // The holder crashed: its lease ends and another deliverer takes the mail over.
    backdate(&db, id, mail_outbox::Column::ClaimedUntil).await;
    let taken = lease::claim_due(&db, "b/2", LEASE, 10).await.unwrap();
    assert_eq!(taken.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(lease::delete_delivered(&db, "a/1", &[id]).await.unwrap(), 0, "a's lease ended");
    assert!(!lease::reschedule(&db, "a/1", &failed).await.unwrap(), "a's lease ended");

    // The new holder's failed attempt gives the mail up until its next attempt.
    assert!(lease::reschedule(&db, "b/2", &failed).await.unwrap());
    let rescheduled = row(&db, id).await.unwrap();
    assert_eq!((rescheduled.attempts, rescheduled.last_error.as_deref()), (1, Some("refused")));
    assert_eq!((rescheduled.claimed_by, rescheduled.claimed_until), (None, None));
    assert!(lease::claim_due(&db, "a/2", LEASE, 10).await.unwrap().is_empty(), "not due yet");

    backdate(&db, id, mail_outbox::Column::NextAttemptAt).await;
    let retried = lease::claim_due(&db, "a/3", LEASE, 10).await.unwrap();
    assert_eq!(retried.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(), vec![(id, 1)]);
    assert_eq!(lease::delete_delivered(&db, "a/3", &[id]).await.unwrap(), 1);
    assert!(row(&db, id).await.is_none());
});

backend_test_with!(concurrent_claims_take_disjoint_mails_oldest_first, |backend| {
    let Some((_db, db)) = outbox_db(backend).await else { return };
    queue(&db, 60).await;
    let claims = (0..8).map(|n| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            // Bounded, so that claims that ignore leases fail the test instead of looping.
            for _ in 0..60 {
                let rows = lease::claim_due(&db, &format!("deliverer-{n}"), LEASE, 4).await.unwrap();
                if rows.is_empty() {
                    break;
                }
                mine.extend(rows.into_iter().map(|m| m.id));
            }
            mine
        })
    });
    let mut seen = HashSet::new();
    let mut total = 0;
    for claim in claims {
        for id in claim.await.unwrap() {
            total += 1;
            assert!(seen.insert(id), "mail {id} claimed twice");
        }
    }
    assert_eq!((total, seen.len()), (60, 60), "every mail claimed once");
    let unclaimed = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ClaimedBy.is_null())
        .count(&db)
        .await
        .unwrap();
    assert_eq!(unclaimed, 0);

    // Due order: a mail due earlier is claimed first.
    let later = queue(&db, 2).await;
    let rows = lease::claim_due(&db, "probe", LEASE, 1).await.unwrap();
    assert_eq!(rows.iter().map(|m| m.subject.clone()).collect::<Vec<_>>(), vec![later[0].clone()]);
});
