//! site (see the catalog and results services).
