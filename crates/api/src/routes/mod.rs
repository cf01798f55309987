//! Handlers, one module per resource. A handler authenticates, parses, calls one service
//! method and maps the answer; rules live in the domain services. The moderated kinds
//! (benchmarks, sites, flavors) share the handlers of `moderated`; their modules say only how
//! their routes differ.

pub mod benchmarks;
pub mod bodies;
pub mod claims;
pub mod dto;
pub mod flavors;
pub mod health;
pub mod keys;
pub mod moderated;
pub mod reports;
pub mod results;
pub mod sites;
pub mod tags;
pub mod users;

use paperclip::actix::web;

use crate::{extract::QuerySpec, params::Param};

/// Endpoints with an empty query schema: any query parameter is refused.
pub struct NoQuery;
impl QuerySpec for NoQuery {
    const PARAMS: &'static [Param] = &[];
}

/// The moderated kinds: each gets the eight routes of `moderated`.
const MODERATED_KINDS: [fn(&mut web::ServiceConfig); 3] = [
    moderated::configure::<benchmarks::BenchmarkRoutes>,
    moderated::configure::<sites::SiteRoutes>,
    moderated::configure::<flavors::FlavorRoutes>,
];

/// Registers every route. Custom-method paths (`/x/{id}:verb`) come before `/x/{id}`, which
/// would otherwise swallow them.
pub fn configure(cfg: &mut web::ServiceConfig) {
    results::validate::configure(cfg);
    for kind in MODERATED_KINDS {
        kind(cfg);
    }
    flavors::configure(cfg);
    reports::configure(cfg);
    claims::configure(cfg);
    results::configure(cfg);
    tags::configure(cfg);
    keys::configure(cfg);
    users::configure(cfg);
    health::configure(cfg);
}
