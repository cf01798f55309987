//! submit (see the catalog and results services).
