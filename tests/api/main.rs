//! Black-box API tests: HTTP against the real server on SQLite and PostgreSQL.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests: a failed step must abort the test")]

mod auth;
mod auth_issuers;
mod availability;
mod benchmarks;
mod claims;
mod conventions;
mod db_faults;
mod flavors;
mod image_check;
mod image_registries;
mod keys;
mod limits;
mod mail_delivery;
mod mails;
mod moderation;
mod openapi;
mod openapi_additions;
mod openapi_structure;
mod operations;
mod pagination_bounds;
mod rate_limits;
mod result_filters;
mod results;
mod revalidation;
mod revalidation_by_id;
mod self_results;
mod sites;
mod spec_conformance;
mod swagger_page;
mod tags;
mod users;
