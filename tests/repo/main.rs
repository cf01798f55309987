//! Repository-level tests: migrations up, down and up again on both backends.

mod migrations;
