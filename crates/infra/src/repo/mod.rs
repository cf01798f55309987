//! SeaORM implementations of the domain's repository ports.

mod tag;
mod user;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use tag::SeaTagRepository;
pub use user::SeaUserRepository;

/// Every repository over one connection pool.
#[derive(Clone)]
pub struct Repositories {
    /// Users.
    pub users: Arc<SeaUserRepository>,
    /// Tags.
    pub tags: Arc<SeaTagRepository>,
}

impl Repositories {
    /// Builds every repository over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            users: Arc::new(SeaUserRepository::new(db.clone())),
            tags: Arc::new(SeaTagRepository::new(db)),
        }
    }
}
