//! Tags: anyone registered creates them, admins edit and delete them.

use std::sync::Arc;

use uuid::Uuid;

use crate::{
    DomainError, Page, SortKey,
    access::{Admin, Registered},
    query::PageRequest,
    tag::{Tag, TagDraft, TagFilter, TagRepository, TagSort},
};

/// Tag use cases.
#[derive(Clone)]
pub struct TagService {
    tags: Arc<dyn TagRepository>,
}

fn not_found(id: Uuid) -> String {
    format!("Record {id} not found in the database")
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
    pub async fn get(&self, id: Uuid) -> Result<Tag, DomainError> {
        self.tags.find(id).await?.ok_or_else(|| DomainError::NotFound(not_found(id)))
    }

    /// `POST /tags`.
    ///
    /// # Errors
    /// 409 when the name is taken.
    pub async fn create(&self, _caller: &Registered, draft: TagDraft) -> Result<Tag, DomainError> {
        let tag = Tag { id: Uuid::new_v4(), name: draft.name, description: draft.description };
        let name = tag.name.clone();
        self.tags.insert(&tag).await.map_err(|e| {
            e.into_domain(|| not_found(tag.id), || format!("Tag {name} already submitted/exists"))
        })?;
        Ok(tag)
    }

    /// `PUT /tags/{id}`.
    ///
    /// # Errors
    /// 404 when missing, 409 when the new name is taken.
    pub async fn update(&self, _admin: &Admin, id: Uuid, draft: TagDraft) -> Result<(), DomainError> {
        self.tags
            .update(id, &draft)
            .await
            .map_err(|e| e.into_domain(|| not_found(id), || "Changes conflict submitted/existing tag".into()))
    }

    /// `DELETE /tags/{id}`.
    ///
    /// # Errors
    /// 404 when missing.
    pub async fn delete(&self, _admin: &Admin, id: Uuid) -> Result<(), DomainError> {
        self.tags.delete(id).await.map_err(|e| e.into_domain(|| not_found(id), || not_found(id)))
    }
}
