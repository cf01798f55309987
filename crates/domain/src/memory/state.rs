//! The tables of the in-memory store and the cascades the SQL foreign keys perform.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    BenchmarkId, ClaimId, FlavorId, RepoError, ResultId, SiteId, Status, SubmitId, TagId,
    api_key::ApiKey,
    benchmark::Benchmark,
    flavor::Flavor,
    mail::{ItemKind, OutboundMail},
    site::Site,
    submit::NewSubmit,
    tag::Tag,
    user::{User, UserKey},
};

/// A stored result: the columns of the `result` table plus its tag links.
#[derive(Debug, Clone)]
pub(super) struct ResultRow {
    pub id: ResultId,
    pub upload_datetime: DateTime<Utc>,
    pub execution_datetime: DateTime<Utc>,
    pub json: Value,
    pub benchmark_id: BenchmarkId,
    pub site_id: SiteId,
    pub flavor_id: FlavorId,
    pub tags_ids: Vec<TagId>,
    pub uploader: UserKey,
    /// Hidden by a claim or an admin delete.
    pub deleted: bool,
    /// Hidden by an admin delete (a rejected claim never shows it again).
    pub deleted_by_admin: bool,
}

/// A stored claim (its claimer as a key, like the table's two columns).
#[derive(Debug, Clone)]
pub(super) struct ClaimRow {
    pub id: ClaimId,
    pub message: String,
    pub result_id: Option<ResultId>,
    pub upload_datetime: DateTime<Utc>,
    pub status: Status,
    pub claimer: UserKey,
}

/// A stored submit.
#[derive(Debug, Clone)]
pub(super) struct SubmitRow {
    pub id: SubmitId,
    pub kind: ItemKind,
    pub resource_id: Uuid,
    pub uploader: UserKey,
    pub upload_datetime: DateTime<Utc>,
}

/// Every table, keyed by primary key.
#[derive(Debug, Default, Clone)]
pub(super) struct Tables {
    /// How many writes committed so far (a transaction commits only on the count it began at).
    pub writes: u64,
    pub users: BTreeMap<(String, String), User>,
    pub tags: BTreeMap<TagId, Tag>,
    pub benchmarks: BTreeMap<BenchmarkId, Benchmark>,
    pub sites: BTreeMap<SiteId, Site>,
    pub flavors: BTreeMap<FlavorId, Flavor>,
    pub results: BTreeMap<ResultId, ResultRow>,
    pub claims: BTreeMap<ClaimId, ClaimRow>,
    pub submits: BTreeMap<SubmitId, SubmitRow>,
    /// API keys and the hashes of their secrets.
    pub api_keys: BTreeMap<Uuid, (ApiKey, String)>,
    pub outbox: Vec<OutboundMail>,
    /// Idempotency records by (sub, iss, key).
    pub idempotency: BTreeMap<(String, String, String), crate::idempotency::IdempotencyRecord>,
}

fn user_key(key: &UserKey) -> (String, String) {
    (key.sub.clone(), key.iss.clone())
}

impl Tables {
    /// The foreign key every uploaded row has on its uploader.
    pub fn require_user(&self, key: &UserKey) -> Result<(), RepoError> {
        if self.users.contains_key(&user_key(key)) {
            Ok(())
        } else {
            Err(RepoError::Conflict(format!("uploader {}@{} is not registered", key.sub, key.iss)))
        }
    }

    /// The registered user with this key, or the stand-in the SeaORM adapters build for a
    /// vanished one (no e-mail, registered at `at`).
    pub fn user_or_stand_in(&self, key: &UserKey, at: DateTime<Utc>) -> User {
        self.users.get(&user_key(key)).cloned().unwrap_or_else(|| User {
            sub: key.sub.clone(),
            iss: key.iss.clone(),
            email: String::new(),
            registration_datetime: at,
        })
    }

    /// Adds the submit of a new pending item.
    pub fn add_submit(&mut self, submit: &NewSubmit) {
        let id = SubmitId::new_v4();
        let row = SubmitRow {
            id,
            kind: submit.kind,
            resource_id: submit.id,
            uploader: submit.uploader.clone(),
            upload_datetime: submit.upload_datetime,
        };
        self.submits.insert(id, row);
    }

    /// Removes the submit of an item (approved or deleted).
    pub fn remove_submits_of(&mut self, kind: ItemKind, resource_id: Uuid) {
        self.submits.retain(|_, s| !(s.kind == kind && s.resource_id == resource_id));
    }

    /// The moderation status of an item, `None` when it does not exist.
    pub fn status_of(&self, kind: ItemKind, id: Uuid) -> Option<Status> {
        match kind {
            ItemKind::Benchmark => self.benchmarks.get(&id.into()).map(|b| b.status),
            ItemKind::Site => self.sites.get(&id.into()).map(|s| s.status),
            ItemKind::Flavor => self.flavors.get(&id.into()).map(|f| f.status),
            ItemKind::Claim => self.claims.get(&id.into()).map(|c| c.status),
        }
    }

    /// Sets an item's status to approved.
    pub fn mark_approved(&mut self, kind: ItemKind, id: Uuid) {
        match kind {
            ItemKind::Benchmark => self.benchmarks.get_mut(&id.into()).map(|b| b.status = Status::Approved),
            ItemKind::Site => self.sites.get_mut(&id.into()).map(|s| s.status = Status::Approved),
            ItemKind::Flavor => self.flavors.get_mut(&id.into()).map(|f| f.status = Status::Approved),
            ItemKind::Claim => self.claims.get_mut(&id.into()).map(|c| c.status = Status::Approved),
        };
    }

    /// Hard-deletes an item with the foreign keys' cascades; false when it did not exist.
    pub fn delete_item(&mut self, kind: ItemKind, id: Uuid) -> bool {
        match kind {
            ItemKind::Benchmark => self.delete_benchmark(id.into()),
            ItemKind::Site => self.delete_site(id.into()),
            ItemKind::Flavor => self.delete_flavor(id.into()),
            ItemKind::Claim => self.delete_claim(id.into()),
        }
    }

    fn delete_benchmark(&mut self, id: BenchmarkId) -> bool {
        if self.benchmarks.remove(&id).is_none() {
            return false;
        }
        self.remove_submits_of(ItemKind::Benchmark, id.uuid());
        self.delete_results_where(|r| r.benchmark_id == id);
        true
    }

    fn delete_site(&mut self, id: SiteId) -> bool {
        if self.sites.remove(&id).is_none() {
            return false;
        }
        self.remove_submits_of(ItemKind::Site, id.uuid());
        let flavors: Vec<FlavorId> =
            self.flavors.values().filter(|f| f.site_id == id).map(|f| f.id).collect();
        for flavor in flavors {
            self.delete_flavor(flavor);
        }
        self.delete_results_where(|r| r.site_id == id);
        true
    }

    fn delete_flavor(&mut self, id: FlavorId) -> bool {
        if self.flavors.remove(&id).is_none() {
            return false;
        }
        self.remove_submits_of(ItemKind::Flavor, id.uuid());
        self.delete_results_where(|r| r.flavor_id == id);
        true
    }

    fn delete_claim(&mut self, id: ClaimId) -> bool {
        if self.claims.remove(&id).is_none() {
            return false;
        }
        self.remove_submits_of(ItemKind::Claim, id.uuid());
        true
    }

    /// Hard-deletes results: their tag links go with them, their claims are orphaned
    /// (`result_id` set to null) and keep their submits.
    pub fn delete_results_where(&mut self, doomed: impl Fn(&ResultRow) -> bool) {
        let ids: Vec<ResultId> = self.results.values().filter(|r| doomed(r)).map(|r| r.id).collect();
        for id in &ids {
            self.results.remove(id);
        }
        for claim in self.claims.values_mut() {
            if claim.result_id.is_some_and(|r| ids.contains(&r)) {
                claim.result_id = None;
            }
        }
    }

    /// Deletes a tag and unlinks it from results.
    pub fn delete_tag(&mut self, id: TagId) -> bool {
        if self.tags.remove(&id).is_none() {
            return false;
        }
        for result in self.results.values_mut() {
            result.tags_ids.retain(|t| *t != id);
        }
        true
    }

    /// Deletes a user and, through the uploader foreign keys, everything they uploaded.
    pub fn delete_user(&mut self, key: &UserKey) {
        if self.users.remove(&user_key(key)).is_none() {
            return;
        }
        let owned = |uploader: &UserKey| uploader == key;
        let benchmarks: Vec<BenchmarkId> =
            self.benchmarks.values().filter(|b| owned(&b.uploader)).map(|b| b.id).collect();
        let sites: Vec<SiteId> = self.sites.values().filter(|s| owned(&s.uploader)).map(|s| s.id).collect();
        let flavors: Vec<FlavorId> =
            self.flavors.values().filter(|f| owned(&f.uploader)).map(|f| f.id).collect();
        let claims: Vec<ClaimId> = self.claims.values().filter(|c| owned(&c.claimer)).map(|c| c.id).collect();
        for id in benchmarks {
            self.delete_benchmark(id);
        }
        for id in sites {
            self.delete_site(id);
        }
        for id in flavors {
            self.delete_flavor(id);
        }
        for id in claims {
            self.delete_claim(id);
        }
        self.delete_results_where(|r| owned(&r.uploader));
        self.submits.retain(|_, s| !owned(&s.uploader));
        self.api_keys.retain(|_, (k, _)| !owned(&k.owner));
    }
}
