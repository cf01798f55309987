//! The `benchmark` table as a moderated kind.

use domain::benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter, BenchmarkSort};
use sea_orm::{Condition, Set};
use serde_json::Value;

use super::moderated::{ColumnOf, SeaModerated, exact, moderated_column, moderated_columns};
use crate::entity::benchmark::{self, Column};

moderated_columns!(benchmark);

impl SeaModerated for Benchmark {
    type Entity = benchmark::Entity;

    fn submitted(m: benchmark::Model) -> Result<BenchmarkDraft, domain::RepoError> {
        let benchmark::Model { docker_image, docker_tag, url, json_schema, description, .. } = m;
        Ok(BenchmarkDraft { docker_image, docker_tag, url, json_schema, description })
    }

    fn own_columns(&self) -> benchmark::ActiveModel {
        benchmark::ActiveModel {
            docker_image: Set(self.docker_image.clone()),
            docker_tag: Set(self.docker_tag.clone()),
            url: Set(self.url.clone()),
            json_schema: Set(Value::clone(&self.json_schema)),
            description: Set(self.description.clone()),
            ..Default::default()
        }
    }

    fn condition(filter: &BenchmarkFilter) -> Condition {
        exact(&[(Column::DockerImage, &filter.docker_image), (Column::DockerTag, &filter.docker_tag)])
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![Column::DockerImage, Column::DockerTag, Column::Description]
    }

    fn sort_column(field: &BenchmarkSort) -> Column {
        match *field {
            BenchmarkSort::Moderation(common) => moderated_column(common),
            BenchmarkSort::DockerImage => Column::DockerImage,
            BenchmarkSort::DockerTag => Column::DockerTag,
            BenchmarkSort::Description => Column::Description,
            BenchmarkSort::Url => Column::Url,
        }
    }
}
