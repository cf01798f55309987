//! Exports: one streamed statement over the selected result rows (rows are read off the
//! connection as they are consumed, with no buffering of the whole answer on either backend),
//! read in chunks of [`EXPORT_CHUNK`] rows; each
//! chunk gets its benchmarks, sites, flavors and tags with one statement per table and is
//! handed to the sink before the next is read, so memory stays constant however many rows
//! match.

use domain::{
    RepoError, SortKey,
    result::{EXPORT_CHUNK, ResultFilter, ResultSink, ResultSort},
};
use futures_util::StreamExt;
use sea_orm::{FromQueryResult, StreamTrait};

use super::{
    SeaResultRepository,
    query::{Scope, apply_sort, base_query, joins_for, select_prefixed},
};
use crate::{entity::result, error::DbResultExt};

impl SeaResultRepository {
    /// Streams the results of a list (`Scope::Listing`), in `sort` order, to `sink`.
    pub(super) async fn export_rows(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        sink: &mut dyn ResultSink,
    ) -> Result<(), RepoError> {
        let backend = self.db.get_database_backend();
        let mut q = base_query(backend, filter, &joins_for(filter, sort), Scope::Listing);
        apply_sort(backend, &mut q, sort);
        select_prefixed::<result::Entity>(&mut q, "r_");
        let mut rows = self.db.stream(&q).await.repo()?;
        let mut chunk = Vec::with_capacity(EXPORT_CHUNK);
        loop {
            let next = rows.next().await.transpose().repo()?;
            if let Some(row) = &next {
                chunk.push(result::Model::from_query_result(row, "r_").repo()?);
            }
            if chunk.len() == EXPORT_CHUNK || (next.is_none() && !chunk.is_empty()) {
                let mut items = self.assemble(std::mem::take(&mut chunk)).await?;
                self.attach_tags(&mut items).await?;
                if !sink.accept(items).await {
                    return Ok(());
                }
            }
            if next.is_none() {
                return Ok(());
            }
        }
    }
}
