//! Table and column names, and the column shapes every moderated table shares.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
pub enum User {
    Table,
    Sub,
    Iss,
    Email,
    RegistrationDatetime,
}

#[derive(DeriveIden)]
pub enum Tag {
    Table,
    Id,
    Name,
    Description,
}

#[derive(DeriveIden)]
pub enum Benchmark {
    Table,
    Id,
    DockerImage,
    DockerTag,
    Url,
    JsonSchema,
    Description,
}

#[derive(DeriveIden)]
pub enum Site {
    Table,
    Id,
    Name,
    Address,
    Description,
}

#[derive(DeriveIden)]
pub enum Flavor {
    Table,
    Id,
    Name,
    Description,
    SiteId,
}

#[derive(DeriveIden)]
pub enum Result {
    Table,
    Id,
    ExecutionDatetime,
    Json,
    BenchmarkId,
    SiteId,
    FlavorId,
    Deleted,
    DeletedByAdmin,
}

#[derive(DeriveIden)]
pub enum ResultTag {
    Table,
    ResultId,
    TagId,
}

#[derive(DeriveIden)]
pub enum Claim {
    Table,
    Id,
    Message,
    ResultId,
}

#[derive(DeriveIden)]
pub enum Submit {
    Table,
    Id,
    ResourceType,
    BenchmarkId,
    SiteId,
    FlavorId,
    ClaimId,
}

#[derive(DeriveIden)]
pub enum MailOutbox {
    Table,
    Id,
    Recipients,
    Cc,
    Subject,
    Headers,
    Body,
    Attempts,
    NextAttemptAt,
    CreatedAt,
    LastError,
    ClaimedBy,
    ClaimedUntil,
}

/// Columns shared by uploaded items.
#[derive(DeriveIden)]
pub enum Common {
    UploaderSub,
    UploaderIss,
    UploadDatetime,
    Status,
}

/// `id uuid primary key`.
pub fn id_column<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().primary_key().to_owned()
}

/// Adds uploader, upload time and (when `moderated`) status columns plus the uploader foreign
/// key (cascade: removing a user removes what they uploaded, contract §5.6).
pub fn uploaded_columns<T: IntoIden>(table: &mut TableCreateStatement, tbl: T, moderated: bool) {
    table
        .col(ColumnDef::new(Common::UploaderSub).text().not_null())
        .col(ColumnDef::new(Common::UploaderIss).text().not_null())
        .col(ColumnDef::new(Common::UploadDatetime).timestamp_with_time_zone().not_null());
    if moderated {
        table.col(ColumnDef::new(Common::Status).string_len(16).not_null());
    }
    table.foreign_key(
        ForeignKey::create()
            .from(tbl, (Common::UploaderSub, Common::UploaderIss))
            .to(User::Table, (User::Sub, User::Iss))
            .on_delete(ForeignKeyAction::Cascade),
    );
}

/// Creates a plain index.
pub fn index<T: IntoIden>(name: &str, table: T, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(Alias::new(*c));
    }
    idx.to_owned()
}

/// Runs `statements` in order on PostgreSQL; on any other backend does nothing (for
/// migrations that only change what PostgreSQL alone has).
pub async fn run_on_postgres(
    manager: &SchemaManager<'_>,
    statements: Vec<String>,
) -> std::result::Result<(), DbErr> {
    if manager.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}
