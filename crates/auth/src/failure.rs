//! Why a token lookup produced no identity, and whether that answer may be remembered.

use domain::AuthError;

/// A lookup that did not produce an identity.
#[derive(Debug, Clone)]
pub(crate) enum LookupFailure {
    /// A provider answered and refused the token (or the token itself is unusable). The answer
    /// is definite, so it is remembered for a short while.
    Refused(AuthError),
    /// No definite answer: a provider was down, slow or answered nonsense. Never remembered,
    /// so that a recovered provider is asked again at once.
    Unavailable,
}

impl LookupFailure {
    /// The token was refused; nobody can tell who it belongs to.
    pub(crate) fn undetermined() -> Self {
        Self::Refused(AuthError::undetermined())
    }

    /// What the client is told (contract §2.7(b)): an unavailable provider gives the same
    /// description as a refused token.
    pub(crate) fn into_auth_error(self) -> AuthError {
        match self {
            Self::Refused(error) => error,
            Self::Unavailable => AuthError::undetermined(),
        }
    }
}
