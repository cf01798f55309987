//! Handlers, one module per resource. A handler authenticates, parses, calls one service
//! method and maps the answer; rules live in the domain services.

pub mod tags;
pub mod users;

use paperclip::actix::web;

/// Registers every route. Custom-method paths (`/x/{id}:verb`) come before `/x/{id}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    users::configure(cfg);
    tags::configure(cfg);
}
