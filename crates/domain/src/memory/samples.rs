//! [`SampleSource`] in memory: the visible results the filter of `GET /results` selects.

use crate::{
    Id, RepoError,
    result::ResultFilter,
    statistics::{Sample, SampleQuery, SampleSource, Samples},
};

use super::{MemoryStore, results::selected};
use crate::export::value_at;

#[async_trait::async_trait]
impl SampleSource for MemoryStore {
    async fn samples(&self, query: &SampleQuery) -> Result<Samples, RepoError> {
        let tables = self.lock();
        let filter = ResultFilter { owner: None, ..query.filter.clone() };
        let each: Vec<Sample> = tables
            .results
            .values()
            .filter(|row| selected(&tables, &filter, row))
            .map(|row| Sample {
                benchmark_id: row.benchmark_id.uuid(),
                site_id: row.site_id.uuid(),
                flavor_id: row.flavor_id.uuid(),
                tags_ids: if query.tags { Id::uuids(&row.tags_ids) } else { Vec::new() },
                value: value_at(&row.json, &query.metric)
                    .filter(|v| v.is_number())
                    .and_then(serde_json::Value::as_f64),
                keys: query.json_keys.iter().map(|path| value_at(&row.json, path).cloned()).collect(),
            })
            .collect();
        Ok(each.into())
    }
}
