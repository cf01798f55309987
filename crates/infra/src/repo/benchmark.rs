//! Benchmarks on SeaORM.

use domain::{
    Page, RepoError, SortKey,
    benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter, BenchmarkRepository},
    mail::{ItemKind, OutboundMail},
    query::{ListParams, SortField},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use super::common::{begin_write, insert_submit, moderated_condition, status, uploader};
use crate::{
    entity::benchmark,
    error::{DbResultExt, read_retrying},
    outbox,
    sql::{fetch_page, filter_if, sort_by_columns, terms_condition},
};

/// [`BenchmarkRepository`] on SeaORM.
pub struct SeaBenchmarkRepository {
    db: DatabaseConnection,
}

impl SeaBenchmarkRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Entity to domain.
pub(crate) fn to_domain(m: benchmark::Model) -> Benchmark {
    Benchmark {
        id: m.id,
        status: status(&m.status),
        uploader: uploader(&m.uploader_sub, &m.uploader_iss),
        docker_image: m.docker_image,
        docker_tag: m.docker_tag,
        url: m.url,
        json_schema: m.json_schema,
        description: m.description,
        upload_datetime: m.upload_datetime,
    }
}

/// `name` (image:tag) sorts by image, then tag.
fn expand_name(sort: &[SortKey]) -> Vec<SortKey> {
    sort.iter()
        .flat_map(|k| match &k.field {
            SortField::Column(c) if c == "name" => vec![
                SortKey { field: SortField::Column("docker_image".into()), dir: k.dir },
                SortKey { field: SortField::Column("docker_tag".into()), dir: k.dir },
            ],
            _ => vec![k.clone()],
        })
        .collect()
}

#[async_trait::async_trait]
impl BenchmarkRepository for SeaBenchmarkRepository {
    async fn find(&self, id: Uuid) -> Result<Option<Benchmark>, RepoError> {
        read_retrying(|| async move {
            Ok(benchmark::Entity::find_by_id(id).one(&self.db).await.repo()?.map(to_domain))
        })
        .await
    }

    async fn insert(&self, b: &Benchmark, mail: OutboundMail) -> Result<(), RepoError> {
        let txn = self.db.begin().await.repo()?;
        benchmark::ActiveModel {
            id: Set(b.id),
            docker_image: Set(b.docker_image.clone()),
            docker_tag: Set(b.docker_tag.clone()),
            url: Set(b.url.clone()),
            json_schema: Set(b.json_schema.clone()),
            description: Set(b.description.clone()),
            uploader_sub: Set(b.uploader.sub.clone()),
            uploader_iss: Set(b.uploader.iss.clone()),
            upload_datetime: Set(b.upload_datetime),
            status: Set(b.status.as_str().to_owned()),
        }
        .insert(&txn)
        .await
        .repo()?;
        insert_submit(&txn, ItemKind::Benchmark, b.id, &b.uploader, b.upload_datetime).await?;
        outbox::enqueue(&txn, &mail).await?;
        txn.commit().await.repo()
    }

    async fn update(&self, id: Uuid, draft: &BenchmarkDraft) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        let current = benchmark::Entity::find_by_id(id).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        let mut row: benchmark::ActiveModel = current.into();
        row.docker_image = Set(draft.docker_image.clone());
        row.docker_tag = Set(draft.docker_tag.clone());
        row.url = Set(draft.url.clone());
        row.json_schema = Set(draft.json_schema.clone());
        if let Some(d) = &draft.description {
            row.description = Set(Some(d.clone()));
        }
        row.update(&txn).await.repo()?;
        txn.commit().await.repo()
    }

    async fn list(&self, f: &BenchmarkFilter, p: &ListParams) -> Result<Page<Benchmark>, RepoError> {
        use benchmark::Column as C;
        let mut cond = moderated_condition(C::Status, C::UploadDatetime, p);
        if let Some(v) = &f.docker_image {
            cond = cond.add(C::DockerImage.eq(v.as_str()));
        }
        if let Some(v) = &f.docker_tag {
            cond = cond.add(C::DockerTag.eq(v.as_str()));
        }
        cond = cond.add(terms_condition(&p.terms, &[C::DockerImage, C::DockerTag, C::Description]));
        let select =
            sort_by_columns(filter_if(benchmark::Entity::find(), cond), &expand_name(&p.sort), C::Id);
        Ok(fetch_page(&self.db, select, p.page).await?.map(to_domain))
    }
}
