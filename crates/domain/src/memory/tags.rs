//! [`TagRepository`] in memory.

use crate::{
    Page, PageRequest, RepoError, SortKey, TagId,
    tag::{Tag, TagDraft, TagFilter, TagRepository, TagSort},
};

use super::{
    MemoryStore,
    listing::{Comparator, SortValue, by, matches_terms, page_of, sort_rows},
};

/// The comparator of a sort field.
fn tag_column(field: &TagSort) -> Comparator<Tag> {
    match field {
        TagSort::Id => by(|t: &Tag| SortValue::Id(t.id.uuid())),
        TagSort::Name => by(|t: &Tag| SortValue::Text(t.name.clone())),
        TagSort::Description => by(|t: &Tag| SortValue::text(t.description.as_deref())),
    }
}

#[async_trait::async_trait]
impl TagRepository for MemoryStore {
    async fn find(&self, id: TagId) -> Result<Option<Tag>, RepoError> {
        Ok(self.lock().tags.get(&id).cloned())
    }

    async fn insert(&self, tag: &Tag) -> Result<(), RepoError> {
        let mut tables = self.write();
        if tables.tags.values().any(|t| t.name == tag.name) || tables.tags.contains_key(&tag.id) {
            return Err(RepoError::Conflict(format!("tag name {} taken", tag.name)));
        }
        tables.tags.insert(tag.id, tag.clone());
        Ok(())
    }

    async fn update(&self, id: TagId, draft: &TagDraft) -> Result<(), RepoError> {
        let mut tables = self.write();
        if !tables.tags.contains_key(&id) {
            return Err(RepoError::NotFound);
        }
        if tables.tags.values().any(|t| t.id != id && t.name == draft.name) {
            return Err(RepoError::Conflict(format!("tag name {} taken", draft.name)));
        }
        let tag = tables.tags.get_mut(&id).ok_or(RepoError::NotFound)?;
        tag.name.clone_from(&draft.name);
        if let Some(description) = &draft.description {
            tag.description = Some(description.clone());
        }
        Ok(())
    }

    async fn delete(&self, id: TagId) -> Result<(), RepoError> {
        if self.write().delete_tag(id) { Ok(()) } else { Err(RepoError::NotFound) }
    }

    async fn list(
        &self,
        filter: &TagFilter,
        sort: &[SortKey<TagSort>],
        page: PageRequest,
    ) -> Result<Page<Tag>, RepoError> {
        let mut rows: Vec<Tag> = self
            .lock()
            .tags
            .values()
            .filter(|t| filter.name.as_ref().is_none_or(|n| *n == t.name))
            .filter(|t| matches_terms(&filter.terms, &[Some(&t.name), t.description.as_deref()]))
            .cloned()
            .collect();
        sort_rows(&mut rows, sort, tag_column, |a, b| a.id.cmp(&b.id));
        Ok(page_of(rows, page))
    }

    async fn find_many(&self, ids: &[TagId]) -> Result<Vec<Tag>, RepoError> {
        let tables = self.lock();
        let mut wanted = ids.to_vec();
        wanted.sort();
        wanted.dedup();
        Ok(wanted.iter().filter_map(|id| tables.tags.get(id).cloned()).collect())
    }
}
