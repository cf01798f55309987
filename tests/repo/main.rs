//! Repository-level tests: migrations up, down and up again on both backends, and what the
//! PostgreSQL cases do when no `TEST_DATABASE_URL` is given.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests: a failed step must abort the test")]

mod migrations;
mod postgres_fallback;
