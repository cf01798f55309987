//! [`ClaimRepository`] in memory: claim reads. Claims are filed and decided through the
//! transaction (`transaction.rs`).

use crate::{
    ClaimId, Page, PageRequest, RepoError, SortKey,
    claim::{Claim, ClaimFilter, ClaimRepository, ClaimSort},
    moderated::Moderation,
    query::ModeratedSort,
};

use super::{
    MemoryStore,
    listing::{SortValue, by, in_range, moderated_value, page_of, sort_rows},
    state::{ClaimRow, Tables},
};

fn to_claim(tables: &Tables, row: ClaimRow) -> Claim {
    Claim {
        uploader: tables.user_or_stand_in(&row.claimer, row.upload_datetime),
        id: row.id,
        message: row.message,
        result_id: row.result_id,
        upload_datetime: row.upload_datetime,
        status: row.status,
    }
}

fn common_value(claim: &ClaimRow, field: ModeratedSort) -> SortValue {
    let header = Moderation {
        id: claim.id,
        upload_datetime: claim.upload_datetime,
        status: claim.status,
        uploader: &claim.claimer,
    };
    moderated_value(header, field)
}

#[async_trait::async_trait]
impl ClaimRepository for MemoryStore {
    async fn find(&self, id: ClaimId) -> Result<Option<Claim>, RepoError> {
        let tables = self.lock();
        Ok(tables.claims.get(&id).cloned().map(|row| to_claim(&tables, row)))
    }

    async fn list(
        &self,
        filter: &ClaimFilter,
        sort: &[SortKey<ClaimSort>],
        page: PageRequest,
    ) -> Result<Page<Claim>, RepoError> {
        let tables = self.lock();
        let mut rows: Vec<ClaimRow> = tables
            .claims
            .values()
            .filter(|c| filter.status.is_none_or(|s| s == c.status))
            .filter(|c| in_range(&filter.uploaded, c.upload_datetime))
            .filter(|c| filter.result_id.is_none_or(|r| c.result_id == Some(r)))
            .filter(|c| filter.claimer.as_ref().is_none_or(|k| *k == c.claimer))
            .cloned()
            .collect();
        sort_rows(
            &mut rows,
            sort,
            |field| match *field {
                ClaimSort::Moderation(common) => by(move |c: &ClaimRow| common_value(c, common)),
                ClaimSort::Message => by(|c: &ClaimRow| SortValue::Text(c.message.clone())),
            },
            |a, b| a.id.cmp(&b.id),
        );
        Ok(page_of(rows, page).map(|row| to_claim(&tables, row)))
    }
}
