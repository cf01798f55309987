//! Tags: anyone registered creates them, admins edit and delete them.

use std::sync::Arc;

use crate::{
    Clash, DomainError, Missing, Page, SortKey, TagId,
    access::{Admin, Registered},
    query::PageRequest,
    tag::{Tag, TagDraft, TagFilter, TagRepository, TagSort},
};

/// Tag use cases.
#[derive(Clone)]
pub struct TagService {
    tags: Arc<dyn TagRepository>,
}

fn not_found(id: TagId) -> Missing {
    Missing::Tag(id)
}

impl TagService {
    /// Wires the service.
    pub fn new(tags: Arc<dyn TagRepository>) -> Self {
        Self { tags }
    }

    /// `GET /tags`, `GET /tags:search`.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list(
        &self,
        filter: &TagFilter,
        sort: &[SortKey<TagSort>],
        page: PageRequest,
    ) -> Result<Page<Tag>, DomainError> {
        self.tags.list(filter, sort, page).await?.ensure_in_range()
    }

    /// `GET /tags/{id}`.
    ///
    /// # Errors
    /// 404 when missing.
    pub async fn get(&self, id: TagId) -> Result<Tag, DomainError> {
        self.tags.find(id).await?.ok_or_else(|| DomainError::NotFound(not_found(id)))
    }

    /// `POST /tags`.
    ///
    /// # Errors
    /// 409 when the name is taken.
    pub async fn create(&self, _caller: &Registered, draft: TagDraft) -> Result<Tag, DomainError> {
        let tag = Tag { id: TagId::new_v4(), name: draft.name, description: draft.description };
        let name = tag.name.clone();
        self.tags
            .insert(&tag)
            .await
            .map_err(|e| e.into_domain(|| not_found(tag.id), || Clash::TagTaken(name)))?;
        Ok(tag)
    }

    /// `PUT /tags/{id}`.
    ///
    /// # Errors
    /// 404 when missing, 409 when the new name is taken.
    pub async fn update(&self, _admin: &Admin, id: TagId, draft: TagDraft) -> Result<(), DomainError> {
        self.tags.update(id, &draft).await.map_err(|e| e.into_domain(|| not_found(id), || Clash::TagChanges))
    }

    /// `DELETE /tags/{id}`.
    ///
    /// # Errors
    /// 404 when missing.
    pub async fn delete(&self, _admin: &Admin, id: TagId) -> Result<(), DomainError> {
        self.tags
            .delete(id)
            .await
            .map_err(|e| e.into_domain(|| not_found(id), || Clash::Vanished(not_found(id))))
    }
}
