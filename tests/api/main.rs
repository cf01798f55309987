//! Black-box API tests: HTTP against the real server on SQLite and PostgreSQL.

mod auth;
mod conventions;
mod openapi;
mod tags;
mod users;
