//! Bearer tokens that are API keys (`epk_…`) are resolved by the domain's key service, every
//! time (a revoked or expired key is refused at once); every other token goes to the OIDC
//! provider, with its caches.

use std::sync::Arc;

use domain::{AuthError, Identity, IdentityProvider, api_key::looks_like_key, service::ApiKeyService};

/// An [`IdentityProvider`] that accepts API keys beside the tokens of `tokens`.
pub struct WithApiKeys {
    keys: ApiKeyService,
    tokens: Arc<dyn IdentityProvider>,
}

impl WithApiKeys {
    /// Keys through `keys`, anything else through `tokens`.
    pub fn new(keys: ApiKeyService, tokens: Arc<dyn IdentityProvider>) -> Self {
        Self { keys, tokens }
    }
}

#[async_trait::async_trait]
impl IdentityProvider for WithApiKeys {
    async fn identify(&self, token: &str) -> Result<Identity, AuthError> {
        if looks_like_key(token) {
            self.keys.identify(token).await
        } else {
            self.tokens.identify(token).await
        }
    }
}
