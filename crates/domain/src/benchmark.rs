//! benchmark (see the catalog and results services).
