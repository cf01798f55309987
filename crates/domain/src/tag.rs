//! Tags: free labels attached to results. Not moderated.

use crate::{
    Page, RepoError, SortKey, TagId,
    query::{PageRequest, SortField},
};

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Server-generated id.
    pub id: TagId,
    /// Unique name.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
}

/// Fields of a tag on create or full update. On update, `description: None` keeps the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDraft {
    /// Unique name.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
}

/// Filters of tag lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFilter {
    /// Exact name.
    pub name: Option<String>,
    /// Terms matched against name and description.
    pub terms: Vec<String>,
}

/// What tag lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSort {
    /// `id`
    Id,
    /// `name`
    Name,
    /// `description`
    Description,
}

impl SortField for TagSort {
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "id" => Self::Id,
            "name" => Self::Name,
            "description" => Self::Description,
            _ => return None,
        };
        Some(vec![field])
    }
}

/// Port: tag storage.
#[async_trait::async_trait]
pub trait TagRepository: Send + Sync {
    /// One tag.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn find(&self, id: TagId) -> Result<Option<Tag>, RepoError>;
    /// Stores a new tag.
    ///
    /// # Errors
    /// `Conflict` when the name is taken.
    async fn insert(&self, tag: &Tag) -> Result<(), RepoError>;
    /// Replaces name and (when given) description.
    ///
    /// # Errors
    /// `NotFound` when the tag does not exist, `Conflict` when the name is taken.
    async fn update(&self, id: TagId, draft: &TagDraft) -> Result<(), RepoError>;
    /// Deletes a tag and unlinks it from results.
    ///
    /// # Errors
    /// `NotFound` when the tag does not exist.
    async fn delete(&self, id: TagId) -> Result<(), RepoError>;
    /// Filtered, sorted page of tags.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn list(
        &self,
        filter: &TagFilter,
        sort: &[SortKey<TagSort>],
        page: PageRequest,
    ) -> Result<Page<Tag>, RepoError>;
    /// The tags of these ids that exist (each once, in no given order).
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn find_many(&self, ids: &[TagId]) -> Result<Vec<Tag>, RepoError>;
}
