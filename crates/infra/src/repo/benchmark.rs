//! The `benchmark` table as a moderated kind.

use domain::{
    RepoError,
    benchmark::{Benchmark, BenchmarkFilter, BenchmarkSort},
};
use sea_orm::{ColumnTrait, Condition, Set};

use super::{
    common::{status, stored_status, uploader},
    moderated::{ColumnOf, SeaModerated, moderated_column, moderated_columns},
};
use crate::entity::benchmark;

moderated_columns!(benchmark);

impl SeaModerated for Benchmark {
    type Entity = benchmark::Entity;

    fn to_domain(m: benchmark::Model) -> Result<Self, RepoError> {
        Ok(Benchmark {
            id: m.id,
            status: status(&m.status)?,
            uploader: uploader(&m.uploader_sub, &m.uploader_iss),
            docker_image: m.docker_image,
            docker_tag: m.docker_tag,
            url: m.url,
            json_schema: m.json_schema,
            description: m.description,
            upload_datetime: m.upload_datetime,
        })
    }

    fn to_row(&self) -> benchmark::ActiveModel {
        benchmark::ActiveModel {
            id: Set(self.id),
            docker_image: Set(self.docker_image.clone()),
            docker_tag: Set(self.docker_tag.clone()),
            url: Set(self.url.clone()),
            json_schema: Set(self.json_schema.clone()),
            description: Set(self.description.clone()),
            uploader_sub: Set(self.uploader.sub.clone()),
            uploader_iss: Set(self.uploader.iss.clone()),
            upload_datetime: Set(self.upload_datetime),
            status: Set(stored_status(self.status).to_owned()),
        }
    }

    fn condition(filter: &BenchmarkFilter) -> Condition {
        let mut cond = Condition::all();
        if let Some(v) = &filter.docker_image {
            cond = cond.add(benchmark::Column::DockerImage.eq(v.as_str()));
        }
        if let Some(v) = &filter.docker_tag {
            cond = cond.add(benchmark::Column::DockerTag.eq(v.as_str()));
        }
        cond
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![benchmark::Column::DockerImage, benchmark::Column::DockerTag, benchmark::Column::Description]
    }

    fn sort_column(field: &BenchmarkSort) -> benchmark::Column {
        match *field {
            BenchmarkSort::Moderation(common) => moderated_column(common),
            BenchmarkSort::DockerImage => benchmark::Column::DockerImage,
            BenchmarkSort::DockerTag => benchmark::Column::DockerTag,
            BenchmarkSort::Description => benchmark::Column::Description,
            BenchmarkSort::Url => benchmark::Column::Url,
        }
    }
}
