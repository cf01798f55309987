//! [`BenchmarkRepository`], [`SiteRepository`] and [`FlavorRepository`] in memory.

use uuid::Uuid;

use crate::{
    Page, RepoError,
    benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter, BenchmarkRepository},
    flavor::{Flavor, FlavorDraft, FlavorFilter, FlavorRepository},
    mail::{ItemKind, OutboundMail},
    query::{ListParams, SortField},
    site::{Site, SiteDraft, SiteFilter, SiteRepository},
    user::UserKey,
};

use super::{
    MemoryStore,
    listing::{
        Comparator, SortValue, by, column_name, in_range, matches_terms, page_of, sort_rows, status_matches,
    },
};

fn taken(what: &str) -> RepoError {
    RepoError::Conflict(format!("{what} already exists"))
}

/// The columns every moderated table has: id, upload time, status, uploader.
type CommonColumns<'a> = (Uuid, chrono::DateTime<chrono::Utc>, crate::Status, &'a UserKey);

/// Sort columns every moderated table has.
fn common_column<T: 'static>(name: &str, get: fn(&T) -> CommonColumns<'_>) -> Option<Comparator<T>> {
    match name {
        "id" => by(move |r: &T| vec![SortValue::Id(get(r).0)]),
        "upload_datetime" => by(move |r: &T| vec![SortValue::Time(get(r).1)]),
        "status" => by(move |r: &T| vec![SortValue::Text(get(r).2.as_str().to_owned())]),
        "uploader_sub" => by(move |r: &T| vec![SortValue::Text(get(r).3.sub.clone())]),
        "uploader_iss" => by(move |r: &T| vec![SortValue::Text(get(r).3.iss.clone())]),
        _ => None,
    }
}

fn benchmark_column(field: &SortField) -> Option<Comparator<Benchmark>> {
    let text = |v: &str| SortValue::Text(v.to_owned());
    match column_name(field)? {
        "docker_image" => by(move |b: &Benchmark| vec![text(&b.docker_image)]),
        "docker_tag" => by(move |b: &Benchmark| vec![text(&b.docker_tag)]),
        "name" => by(move |b: &Benchmark| vec![text(&b.docker_image), text(&b.docker_tag)]),
        "url" => by(move |b: &Benchmark| vec![text(&b.url)]),
        "description" => by(|b: &Benchmark| vec![SortValue::text(b.description.as_deref())]),
        other => common_column(other, |b: &Benchmark| (b.id, b.upload_datetime, b.status, &b.uploader)),
    }
}

fn site_column(field: &SortField) -> Option<Comparator<Site>> {
    match column_name(field)? {
        "name" => by(|s: &Site| vec![SortValue::Text(s.name.clone())]),
        "address" => by(|s: &Site| vec![SortValue::Text(s.address.clone())]),
        "description" => by(|s: &Site| vec![SortValue::text(s.description.as_deref())]),
        other => common_column(other, |s: &Site| (s.id, s.upload_datetime, s.status, &s.uploader)),
    }
}

fn flavor_column(field: &SortField) -> Option<Comparator<Flavor>> {
    match column_name(field)? {
        "name" => by(|f: &Flavor| vec![SortValue::Text(f.name.clone())]),
        "description" => by(|f: &Flavor| vec![SortValue::text(f.description.as_deref())]),
        "site_id" => by(|f: &Flavor| vec![SortValue::Id(f.site_id)]),
        other => common_column(other, |f: &Flavor| (f.id, f.upload_datetime, f.status, &f.uploader)),
    }
}

#[async_trait::async_trait]
impl BenchmarkRepository for MemoryStore {
    async fn find(&self, id: Uuid) -> Result<Option<Benchmark>, RepoError> {
        Ok(self.lock().benchmarks.get(&id).cloned())
    }

    async fn insert(&self, benchmark: &Benchmark, mail: OutboundMail) -> Result<(), RepoError> {
        let mut tables = self.lock();
        tables.require_user(&benchmark.uploader)?;
        let clash = |b: &Benchmark| {
            b.id == benchmark.id
                || (b.docker_image == benchmark.docker_image && b.docker_tag == benchmark.docker_tag)
        };
        if tables.benchmarks.values().any(clash) {
            return Err(taken("benchmark image:tag"));
        }
        tables.benchmarks.insert(benchmark.id, benchmark.clone());
        tables.add_submit(ItemKind::Benchmark, benchmark.id, &benchmark.uploader, benchmark.upload_datetime);
        tables.outbox.push(mail);
        Ok(())
    }

    async fn update(&self, id: Uuid, draft: &BenchmarkDraft) -> Result<(), RepoError> {
        let mut tables = self.lock();
        if !tables.benchmarks.contains_key(&id) {
            return Err(RepoError::NotFound);
        }
        if tables
            .benchmarks
            .values()
            .any(|b| b.id != id && b.docker_image == draft.docker_image && b.docker_tag == draft.docker_tag)
        {
            return Err(taken("benchmark image:tag"));
        }
        let benchmark = tables.benchmarks.get_mut(&id).ok_or(RepoError::NotFound)?;
        benchmark.docker_image.clone_from(&draft.docker_image);
        benchmark.docker_tag.clone_from(&draft.docker_tag);
        benchmark.url.clone_from(&draft.url);
        benchmark.json_schema.clone_from(&draft.json_schema);
        if let Some(description) = &draft.description {
            benchmark.description = Some(description.clone());
        }
        Ok(())
    }

    async fn list(&self, f: &BenchmarkFilter, p: &ListParams) -> Result<Page<Benchmark>, RepoError> {
        let mut rows: Vec<Benchmark> = self
            .lock()
            .benchmarks
            .values()
            .filter(|b| status_matches(p.status, b.status) && in_range(&p.uploaded, b.upload_datetime))
            .filter(|b| f.docker_image.as_ref().is_none_or(|v| *v == b.docker_image))
            .filter(|b| f.docker_tag.as_ref().is_none_or(|v| *v == b.docker_tag))
            .filter(|b| {
                matches_terms(
                    &p.terms,
                    &[Some(&b.docker_image), Some(&b.docker_tag), b.description.as_deref()],
                )
            })
            .cloned()
            .collect();
        sort_rows(&mut rows, &p.sort, benchmark_column, |a, b| a.id.cmp(&b.id));
        Ok(page_of(rows, p.page))
    }
}

#[async_trait::async_trait]
impl SiteRepository for MemoryStore {
    async fn find(&self, id: Uuid) -> Result<Option<Site>, RepoError> {
        Ok(self.lock().sites.get(&id).cloned())
    }

    async fn insert(&self, site: &Site, mail: OutboundMail) -> Result<(), RepoError> {
        let mut tables = self.lock();
        tables.require_user(&site.uploader)?;
        if tables.sites.values().any(|s| s.id == site.id || s.name == site.name) {
            return Err(taken("site name"));
        }
        tables.sites.insert(site.id, site.clone());
        tables.add_submit(ItemKind::Site, site.id, &site.uploader, site.upload_datetime);
        tables.outbox.push(mail);
        Ok(())
    }

    async fn update(&self, id: Uuid, draft: &SiteDraft) -> Result<(), RepoError> {
        let mut tables = self.lock();
        if !tables.sites.contains_key(&id) {
            return Err(RepoError::NotFound);
        }
        if tables.sites.values().any(|s| s.id != id && s.name == draft.name) {
            return Err(taken("site name"));
        }
        let site = tables.sites.get_mut(&id).ok_or(RepoError::NotFound)?;
        site.name.clone_from(&draft.name);
        site.address.clone_from(&draft.address);
        if let Some(description) = &draft.description {
            site.description = Some(description.clone());
        }
        Ok(())
    }

    async fn list(&self, f: &SiteFilter, p: &ListParams) -> Result<Page<Site>, RepoError> {
        let mut rows: Vec<Site> = self
            .lock()
            .sites
            .values()
            .filter(|s| status_matches(p.status, s.status) && in_range(&p.uploaded, s.upload_datetime))
            .filter(|s| f.name.as_ref().is_none_or(|v| *v == s.name))
            .filter(|s| f.address.as_ref().is_none_or(|v| *v == s.address))
            .filter(|s| matches_terms(&p.terms, &[Some(&s.name), Some(&s.address), s.description.as_deref()]))
            .cloned()
            .collect();
        sort_rows(&mut rows, &p.sort, site_column, |a, b| a.id.cmp(&b.id));
        Ok(page_of(rows, p.page))
    }
}

#[async_trait::async_trait]
impl FlavorRepository for MemoryStore {
    async fn find(&self, id: Uuid) -> Result<Option<Flavor>, RepoError> {
        Ok(self.lock().flavors.get(&id).cloned())
    }

    async fn insert(&self, flavor: &Flavor, mail: OutboundMail) -> Result<(), RepoError> {
        let mut tables = self.lock();
        if !tables.sites.contains_key(&flavor.site_id) {
            return Err(RepoError::NotFound);
        }
        tables.require_user(&flavor.uploader)?;
        let clash = |f: &Flavor| f.id == flavor.id || (f.site_id == flavor.site_id && f.name == flavor.name);
        if tables.flavors.values().any(clash) {
            return Err(taken("flavor name in site"));
        }
        tables.flavors.insert(flavor.id, flavor.clone());
        tables.add_submit(ItemKind::Flavor, flavor.id, &flavor.uploader, flavor.upload_datetime);
        tables.outbox.push(mail);
        Ok(())
    }

    async fn update(&self, id: Uuid, draft: &FlavorDraft) -> Result<(), RepoError> {
        let mut tables = self.lock();
        let site_id = tables.flavors.get(&id).ok_or(RepoError::NotFound)?.site_id;
        if tables.flavors.values().any(|f| f.id != id && f.site_id == site_id && f.name == draft.name) {
            return Err(taken("flavor name in site"));
        }
        let flavor = tables.flavors.get_mut(&id).ok_or(RepoError::NotFound)?;
        flavor.name.clone_from(&draft.name);
        if let Some(description) = &draft.description {
            flavor.description = Some(description.clone());
        }
        Ok(())
    }

    async fn list(&self, f: &FlavorFilter, p: &ListParams) -> Result<Page<Flavor>, RepoError> {
        let mut rows: Vec<Flavor> = self
            .lock()
            .flavors
            .values()
            .filter(|x| x.site_id == f.site_id)
            .filter(|x| status_matches(p.status, x.status) && in_range(&p.uploaded, x.upload_datetime))
            .filter(|x| f.name.as_ref().is_none_or(|v| *v == x.name))
            .filter(|x| matches_terms(&p.terms, &[Some(&x.name), x.description.as_deref()]))
            .cloned()
            .collect();
        sort_rows(&mut rows, &p.sort, flavor_column, |a, b| a.id.cmp(&b.id));
        Ok(page_of(rows, p.page))
    }
}
