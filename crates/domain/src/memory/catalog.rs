//! [`ModeratedRepository`] in memory, once for every moderated kind, and what each kind's
//! table holds ([`MemoryModerated`]).

use std::collections::BTreeMap;

use crate::{
    Id, Page, RepoError,
    benchmark::{Benchmark, BenchmarkSort},
    flavor::{Flavor, FlavorSort},
    moderated::{Moderated, ModeratedRepository},
    query::ListParams,
    site::{Site, SiteSort},
};

use super::{
    MemoryStore,
    listing::{SortValue, by, in_range, matches_terms, moderated_value, page_of, sort_rows, status_matches},
    state::Tables,
};

/// A moderated kind's table in memory: its map, its unique index, its exact filters, search
/// fields and sort values (what its SQL table and queries say in `eosc-perf-infra`).
pub(super) trait MemoryModerated: Moderated {
    /// Its rows.
    fn table(tables: &Tables) -> &BTreeMap<Id<Self>, Self>;
    /// Its rows, to change.
    fn table_mut(tables: &mut Tables) -> &mut BTreeMap<Id<Self>, Self>;
    /// Whether `other` has the same unique key.
    fn clashes(&self, other: &Self) -> bool {
        self.unique_key() == other.unique_key()
    }
    /// Whether the rows it refers to (besides its uploader) exist.
    fn references_exist(&self, tables: &Tables) -> bool {
        let _ = tables;
        true
    }
    /// Whether it passes the exact filters.
    fn matches(&self, filter: &Self::Filter) -> bool;
    /// The fields search terms look in.
    fn search_fields(&self) -> Vec<Option<&str>>;
    /// Its value of a sort field.
    fn sort_value(&self, field: &Self::Sort) -> SortValue;
}

/// Writes `table` and `table_mut` of [`MemoryModerated`] over the field `$table` of the tables.
macro_rules! memory_table {
    ($table:ident) => {
        fn table(tables: &Tables) -> &BTreeMap<Id<Self>, Self> {
            &tables.$table
        }

        fn table_mut(tables: &mut Tables) -> &mut BTreeMap<Id<Self>, Self> {
            &mut tables.$table
        }
    };
}

fn taken<R: Moderated>(item: &R) -> RepoError {
    RepoError::Conflict(format!("{} {} already exists", R::KIND.as_str(), item.unique_key()))
}

/// Inserts a new item into `tables`, with the checks of the table's constraints.
pub(super) fn insert<R: MemoryModerated>(tables: &mut Tables, item: &R) -> Result<(), RepoError> {
    if !item.references_exist(tables) {
        return Err(RepoError::NotFound);
    }
    let header = item.moderation();
    tables.require_user(header.uploader)?;
    if R::table(tables).values().any(|other| other.moderation().id == header.id || item.clashes(other)) {
        return Err(taken(item));
    }
    R::table_mut(tables).insert(header.id, item.clone());
    Ok(())
}

#[async_trait::async_trait]
impl<R: MemoryModerated> ModeratedRepository<R> for MemoryStore {
    async fn find(&self, id: Id<R>) -> Result<Option<R>, RepoError> {
        Ok(R::table(&self.lock()).get(&id).cloned())
    }

    async fn update(&self, item: &R) -> Result<(), RepoError> {
        let mut tables = self.write();
        let id = item.moderation().id;
        if R::table(&tables).values().any(|other| other.moderation().id != id && item.clashes(other)) {
            return Err(taken(item));
        }
        let stored = R::table_mut(&mut tables).get_mut(&id).ok_or(RepoError::NotFound)?;
        let status = stored.moderation().status;
        *stored = item.clone();
        *stored.status_mut() = status;
        Ok(())
    }

    async fn list(&self, filter: &R::Filter, p: &ListParams<R::Sort>) -> Result<Page<R>, RepoError> {
        let mut rows: Vec<R> = R::table(&self.lock())
            .values()
            .filter(|item| {
                let header = item.moderation();
                status_matches(p.status, header.status) && in_range(&p.uploaded, header.upload_datetime)
            })
            .filter(|item| item.matches(filter) && matches_terms(&p.terms, &item.search_fields()))
            .cloned()
            .collect();
        sort_rows(
            &mut rows,
            &p.sort,
            |field| {
                let field = field.clone();
                by(move |item: &R| item.sort_value(&field))
            },
            |a, b| a.moderation().id.cmp(&b.moderation().id),
        );
        Ok(page_of(rows, p.page))
    }
}

/// Every given filter value equals its field.
fn exactly(filters: &[(&Option<String>, &String)]) -> bool {
    filters.iter().all(|(wanted, value)| wanted.as_ref().is_none_or(|w| w == *value))
}

fn text(value: &str) -> SortValue {
    SortValue::Text(value.to_owned())
}

impl MemoryModerated for Benchmark {
    memory_table!(benchmarks);

    fn matches(&self, filter: &Self::Filter) -> bool {
        exactly(&[(&filter.docker_image, &self.docker_image), (&filter.docker_tag, &self.docker_tag)])
    }

    fn search_fields(&self) -> Vec<Option<&str>> {
        vec![Some(&self.docker_image), Some(&self.docker_tag), self.description.as_deref()]
    }

    fn sort_value(&self, field: &BenchmarkSort) -> SortValue {
        match *field {
            BenchmarkSort::Moderation(common) => moderated_value(self.moderation(), common),
            BenchmarkSort::DockerImage => text(&self.docker_image),
            BenchmarkSort::DockerTag => text(&self.docker_tag),
            BenchmarkSort::Description => SortValue::text(self.description.as_deref()),
            BenchmarkSort::Url => text(&self.url),
        }
    }
}

impl MemoryModerated for Site {
    memory_table!(sites);

    fn matches(&self, filter: &Self::Filter) -> bool {
        exactly(&[(&filter.name, &self.name), (&filter.address, &self.address)])
    }

    fn search_fields(&self) -> Vec<Option<&str>> {
        vec![Some(&self.name), Some(&self.address), self.description.as_deref()]
    }

    fn sort_value(&self, field: &SiteSort) -> SortValue {
        match *field {
            SiteSort::Moderation(common) => moderated_value(self.moderation(), common),
            SiteSort::Name => text(&self.name),
            SiteSort::Address => text(&self.address),
            SiteSort::Description => SortValue::text(self.description.as_deref()),
        }
    }
}

impl MemoryModerated for Flavor {
    memory_table!(flavors);

    /// Names are unique within a site.
    fn clashes(&self, other: &Self) -> bool {
        (self.site_id, &self.name) == (other.site_id, &other.name)
    }

    /// Its site (the foreign key).
    fn references_exist(&self, tables: &Tables) -> bool {
        tables.sites.contains_key(&self.site_id)
    }

    fn matches(&self, filter: &Self::Filter) -> bool {
        self.site_id == filter.site_id && exactly(&[(&filter.name, &self.name)])
    }

    fn search_fields(&self) -> Vec<Option<&str>> {
        vec![Some(&self.name), self.description.as_deref()]
    }

    fn sort_value(&self, field: &FlavorSort) -> SortValue {
        match *field {
            FlavorSort::Moderation(common) => moderated_value(self.moderation(), common),
            FlavorSort::Name => text(&self.name),
            FlavorSort::Description => SortValue::text(self.description.as_deref()),
            FlavorSort::SiteId => SortValue::Id(self.site_id.uuid()),
        }
    }
}
