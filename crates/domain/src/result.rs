//! result (see the catalog and results services).
