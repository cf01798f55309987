//! stub
pub mod oidc;
pub mod registry;
pub mod smtp;
