//! [`ModerationRepository`] in memory: approve, reject and delete of every moderated table,
//! and the submit list.

use uuid::Uuid;

use crate::{
    Page, PageRequest, RepoError, SortKey, Status,
    mail::{ItemKind, OutboundMail},
    submit::{Moderated, ModerationRepository, Submit, SubmitFilter},
};

use super::{
    MemoryStore,
    listing::{SortValue, by, column_name, in_range, page_of, sort_rows},
    state::{SubmitRow, Tables},
};

/// Approves a pending item and removes its submit.
pub(super) fn approve_in(tables: &mut Tables, kind: ItemKind, id: Uuid) -> Moderated {
    match tables.status_of(kind, id) {
        None => Moderated::Missing,
        Some(Status::Approved) => Moderated::AlreadyApproved,
        Some(Status::OnReview) => {
            tables.mark_approved(kind, id);
            tables.remove_submits_of(kind, id);
            Moderated::Done
        }
    }
}

#[async_trait::async_trait]
impl ModerationRepository for MemoryStore {
    async fn approve(&self, kind: ItemKind, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError> {
        let mut tables = self.lock();
        let outcome = approve_in(&mut tables, kind, id);
        if outcome == Moderated::Done {
            tables.outbox.push(mail);
        }
        Ok(outcome)
    }

    async fn reject(&self, kind: ItemKind, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError> {
        let mut tables = self.lock();
        match tables.status_of(kind, id) {
            None => Ok(Moderated::Missing),
            Some(Status::Approved) => Ok(Moderated::AlreadyApproved),
            Some(Status::OnReview) => {
                tables.delete_item(kind, id);
                tables.outbox.push(mail);
                Ok(Moderated::Done)
            }
        }
    }

    async fn delete(&self, kind: ItemKind, id: Uuid) -> Result<Moderated, RepoError> {
        let deleted = self.lock().delete_item(kind, id);
        Ok(if deleted { Moderated::Done } else { Moderated::Missing })
    }

    async fn submits(
        &self,
        filter: &SubmitFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Submit>, RepoError> {
        let tables = self.lock();
        let mut rows: Vec<SubmitRow> = tables
            .submits
            .values()
            .filter(|s| filter.resource_type.is_none_or(|k| k == s.kind))
            .filter(|s| in_range(&filter.uploaded, s.upload_datetime))
            .cloned()
            .collect();
        sort_rows(
            &mut rows,
            sort,
            |field| match column_name(field)? {
                "id" => by(|s: &SubmitRow| vec![SortValue::Id(s.id)]),
                "upload_datetime" => by(|s: &SubmitRow| vec![SortValue::Time(s.upload_datetime)]),
                "resource_type" => by(|s: &SubmitRow| vec![SortValue::Text(s.kind.as_str().to_owned())]),
                _ => None,
            },
            |a, b| a.id.cmp(&b.id),
        );
        Ok(page_of(rows, page).map(|s| Submit {
            id: s.id,
            resource_type: s.kind,
            resource_id: s.resource_id,
            upload_datetime: s.upload_datetime,
            uploader: tables.user_or_stand_in(&s.uploader, s.upload_datetime),
        }))
    }
}
