//! claim (see the catalog and results services).
