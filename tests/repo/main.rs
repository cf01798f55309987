//! Repository-level tests: migrations up, down and up again, and the mail outbox's leases, on
//! both backends.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests: a failed step must abort the test")]

mod mail_outbox;
mod migrations;
