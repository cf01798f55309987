//! schema (see the catalog and results services).
