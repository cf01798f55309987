//! [`SubmitRepository`] in memory: the submit list.

use crate::{
    Page, PageRequest, RepoError, SortKey,
    submit::{Submit, SubmitFilter, SubmitRepository, SubmitSort},
};

use super::{
    MemoryStore,
    listing::{Comparator, SortValue, by, in_range, page_of, sort_rows},
    state::SubmitRow,
};

/// The comparator of a sort field.
fn submit_column(field: &SubmitSort) -> Comparator<SubmitRow> {
    match field {
        SubmitSort::Id => by(|s: &SubmitRow| SortValue::Id(s.id.uuid())),
        SubmitSort::UploadDatetime => by(|s: &SubmitRow| SortValue::Time(s.upload_datetime)),
        SubmitSort::ResourceType => by(|s: &SubmitRow| SortValue::Text(s.kind.as_str().to_owned())),
    }
}

#[async_trait::async_trait]
impl SubmitRepository for MemoryStore {
    async fn list(
        &self,
        filter: &SubmitFilter,
        sort: &[SortKey<SubmitSort>],
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
        sort_rows(&mut rows, sort, submit_column, |a, b| a.id.cmp(&b.id));
        Ok(page_of(rows, page).map(|s| Submit {
            id: s.id,
            resource_type: s.kind,
            resource_id: s.resource_id,
            upload_datetime: s.upload_datetime,
            uploader: tables.user_or_stand_in(&s.uploader, s.upload_datetime),
        }))
    }
}
