//! `GET /results:stats` and `GET /results:ranking`: read the samples of the matching visible
//! results, compute in `statistics`, and name the groups' benchmarks, sites, flavors and tags.

use std::{cmp::Ordering, collections::HashMap, sync::Arc};

use serde_json::Value;
use uuid::Uuid;

use crate::{
    DomainError, FlavorId,
    benchmark::Benchmark,
    flavor::Flavor,
    moderated::ModeratedRepository,
    result::ResultFilter,
    site::Site,
    statistics::{
        GroupBy, KeyPart, SampleQuery, SampleSource, compare_json,
        describe::{Summary, summarize},
        group_samples,
        ranking::{Candidate, Ranking, RankingSettings, rank},
    },
    tag::TagRepository,
};

/// The ports statistics need.
#[derive(Clone)]
pub struct StatisticsPorts {
    /// Samples of results.
    pub samples: Arc<dyn SampleSource>,
    /// Benchmark names.
    pub benchmarks: Arc<dyn ModeratedRepository<Benchmark>>,
    /// Sites.
    pub sites: Arc<dyn ModeratedRepository<Site>>,
    /// Flavors.
    pub flavors: Arc<dyn ModeratedRepository<Flavor>>,
    /// Tag names.
    pub tags: Arc<dyn TagRepository>,
}

/// A statistics request.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRequest {
    /// Result filters (only visible results count whatever `owner` says).
    pub filter: ResultFilter,
    /// Path of the metric.
    pub metric: Vec<String>,
    /// Group keys, 0 to 3, no repeats.
    pub group_by: Vec<GroupBy>,
}

/// One part of a group's key, named.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyLabel {
    /// A benchmark, site, flavor or tag: its id and name (a benchmark's name is `image:tag`).
    Named {
        /// Id.
        id: Uuid,
        /// Name.
        name: String,
    },
    /// Untagged results (group by tag).
    NoTag,
    /// A JSON value (`null` for a missing path too).
    Json(Value),
}

/// The statistics of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStats {
    /// The key: (name of the key, its value) per `group_by`.
    pub key: Vec<(String, KeyLabel)>,
    /// The statistics.
    pub summary: Summary,
    /// The group's flavor when it holds the results of one flavor only (grouped by flavor, or
    /// filtered on one).
    pub flavor: Option<Flavor>,
}

/// The answer of `GET /results:stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsReport {
    /// Groups in key order.
    pub groups: Vec<GroupStats>,
    /// Matching results whose metric is missing or not a number.
    pub skipped: u64,
}

/// What a ranking ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankTarget {
    /// Flavors.
    Flavor,
    /// Sites.
    Site,
}

/// A flavor or a site in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub enum Ranked {
    /// A flavor.
    Flavor(Flavor),
    /// A site.
    Site(Site),
}

/// A ranking request.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingRequest {
    /// Result filters (the benchmark among them).
    pub filter: ResultFilter,
    /// Path of the metric.
    pub metric: Vec<String>,
    /// Flavors or sites.
    pub by: RankTarget,
    /// Order, ranking key, minimum samples and baseline.
    pub settings: RankingSettings,
}

/// The hourly price amount of a flavor, when it has one.
pub fn hourly_price(flavor: &Flavor) -> Option<f64> {
    flavor.spec.price.as_ref().map(crate::flavor_spec::Price::hourly)
}

/// Statistics use cases.
#[derive(Clone)]
pub struct StatisticsService {
    ports: StatisticsPorts,
}

impl StatisticsService {
    /// Wires the service.
    pub fn new(ports: StatisticsPorts) -> Self {
        Self { ports }
    }

    /// `GET /results:stats`.
    ///
    /// # Errors
    /// Backend failures.
    pub async fn stats(&self, request: StatsRequest) -> Result<StatsReport, DomainError> {
        let json_keys = request
            .group_by
            .iter()
            .filter_map(|g| if let GroupBy::Json(p) = g { Some(p.clone()) } else { None });
        let query = SampleQuery {
            filter: ResultFilter { owner: None, ..request.filter.clone() },
            metric: request.metric.clone(),
            json_keys: json_keys.collect(),
            tags: request.group_by.contains(&GroupBy::Tag),
            count_skipped: true,
        };
        let grouped = group_samples(self.ports.samples.samples(&query).await?, &request.group_by);
        let mut names = Names::default();
        let mut groups = Vec::with_capacity(grouped.groups.len());
        for (key, values) in grouped.groups {
            let Some(summary) = summarize(values) else { continue };
            let mut labels = Vec::with_capacity(key.len());
            let mut flavor_id = request.filter.flavor_id;
            for (part, by) in key.iter().zip(&request.group_by) {
                if let KeyPart::Flavor(id) = part {
                    flavor_id = Some(FlavorId::from(*id));
                }
                labels.push((by.key_name(), self.label(part, &mut names).await?));
            }
            let flavor = match flavor_id {
                Some(id) => Some(self.flavor(id, &mut names).await?),
                None => None,
            };
            groups.push(GroupStats { key: labels, summary, flavor });
        }
        groups.sort_by(|a, b| compare_keys(&a.key, &b.key));
        Ok(StatsReport { groups, skipped: grouped.skipped })
    }

    /// `GET /results:ranking`.
    ///
    /// # Errors
    /// `Invalid` for a baseline that is not a ranked entry; backend failures.
    pub async fn ranking(&self, request: RankingRequest) -> Result<Ranking<Ranked>, DomainError> {
        let query = SampleQuery {
            filter: ResultFilter { owner: None, ..request.filter },
            metric: request.metric,
            json_keys: Vec::new(),
            tags: false,
            count_skipped: false,
        };
        let by = match request.by {
            RankTarget::Flavor => GroupBy::Flavor,
            RankTarget::Site => GroupBy::Site,
        };
        let grouped = group_samples(self.ports.samples.samples(&query).await?, std::slice::from_ref(&by));
        let mut names = Names::default();
        let mut candidates = Vec::with_capacity(grouped.groups.len());
        for (key, values) in grouped.groups {
            let candidate = match key.first() {
                Some(KeyPart::Flavor(id)) => {
                    let flavor = self.flavor((*id).into(), &mut names).await?;
                    let hourly_price = hourly_price(&flavor);
                    Candidate {
                        id: *id,
                        name: flavor.name.clone(),
                        item: Ranked::Flavor(flavor),
                        values,
                        hourly_price,
                    }
                }
                Some(KeyPart::Site(id)) => {
                    let site = self.site(*id).await?;
                    Candidate {
                        id: *id,
                        name: site.name.clone(),
                        item: Ranked::Site(site),
                        values,
                        hourly_price: None,
                    }
                }
                _ => continue,
            };
            candidates.push(candidate);
        }
        rank(candidates, request.settings)
    }

    async fn label(&self, part: &KeyPart, names: &mut Names) -> Result<KeyLabel, DomainError> {
        Ok(match part {
            KeyPart::Benchmark(id) => {
                let b = self
                    .ports
                    .benchmarks
                    .find((*id).into())
                    .await?
                    .ok_or_else(|| vanished("benchmark", *id))?;
                KeyLabel::Named { id: *id, name: format!("{}:{}", b.docker_image, b.docker_tag) }
            }
            KeyPart::Site(id) => KeyLabel::Named { id: *id, name: self.site(*id).await?.name },
            KeyPart::Flavor(id) => {
                KeyLabel::Named { id: *id, name: self.flavor((*id).into(), names).await?.name }
            }
            KeyPart::Tag(Some(id)) => {
                let tag = self.ports.tags.find((*id).into()).await?.ok_or_else(|| vanished("tag", *id))?;
                KeyLabel::Named { id: *id, name: tag.name }
            }
            KeyPart::Tag(None) => KeyLabel::NoTag,
            KeyPart::Json(text) => KeyLabel::Json(serde_json::from_str(text).unwrap_or(Value::Null)),
        })
    }

    async fn site(&self, id: Uuid) -> Result<Site, DomainError> {
        self.ports.sites.find(id.into()).await?.ok_or_else(|| vanished("site", id))
    }

    /// A flavor, read once per request.
    async fn flavor(&self, id: FlavorId, names: &mut Names) -> Result<Flavor, DomainError> {
        if let Some(flavor) = names.flavors.get(&id) {
            return Ok(flavor.clone());
        }
        let flavor = self.ports.flavors.find(id).await?.ok_or_else(|| vanished("flavor", id.uuid()))?;
        names.flavors.insert(id, flavor.clone());
        Ok(flavor)
    }
}

/// Flavors already read during one request.
#[derive(Default)]
struct Names {
    flavors: HashMap<FlavorId, Flavor>,
}

fn vanished(what: &str, id: Uuid) -> DomainError {
    DomainError::Internal(format!("the {what} {id} of a result was not found"))
}

/// Group order: key parts left to right; named parts by name then id, untagged last, JSON
/// values in jsonb order.
fn compare_keys(a: &[(String, KeyLabel)], b: &[(String, KeyLabel)]) -> Ordering {
    a.iter().zip(b).map(|((_, x), (_, y))| compare_label(x, y)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
}

fn compare_label(a: &KeyLabel, b: &KeyLabel) -> Ordering {
    match (a, b) {
        (KeyLabel::Named { id: i, name: n }, KeyLabel::Named { id: j, name: m }) => {
            n.as_bytes().cmp(m.as_bytes()).then(i.cmp(j))
        }
        (KeyLabel::Named { .. }, KeyLabel::NoTag) => Ordering::Less,
        (KeyLabel::NoTag, KeyLabel::Named { .. }) => Ordering::Greater,
        (KeyLabel::Json(x), KeyLabel::Json(y)) => compare_json(x, y),
        _ => Ordering::Equal,
    }
}
