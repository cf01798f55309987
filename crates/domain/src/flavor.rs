//! flavor (see the catalog and results services).
