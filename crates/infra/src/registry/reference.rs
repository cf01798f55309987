//! Image names and tags, checked against the OCI distribution grammar (the `reference` grammar
//! of `distribution/distribution`) before any URL is built from them.

use regex::Regex;

/// `host[:port]`: DNS-style components separated by dots, or an IPv6 literal in brackets.
const DOMAIN: &str = r"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$";
/// Path components `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` joined by `/`.
const REPOSITORY: &str =
    r"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$";
/// At most 128 characters, not starting with `.` or `-`.
const TAG: &str = r"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$";
/// Longest accepted image name, registry host included.
const MAX_NAME_LENGTH: usize = 255;

/// An image name that passed the grammar, split at its registry host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageName<'a> {
    /// `host[:port]` when the name starts with one (`ghcr.io/org/x`, `localhost:5000/x`).
    pub(crate) domain: Option<&'a str>,
    /// Repository inside the registry, as written (no `library/` prefix added).
    pub(crate) repository: &'a str,
}

/// The compiled grammar; built once with the registry client.
#[derive(Debug, Clone)]
pub(crate) struct ReferenceGrammar {
    domain: Regex,
    repository: Regex,
    tag: Regex,
}

impl ReferenceGrammar {
    /// Compiles the patterns.
    ///
    /// # Errors
    /// Never in practice: the patterns are constants covered by the unit tests.
    pub(crate) fn new() -> Result<Self, regex::Error> {
        Ok(Self { domain: Regex::new(DOMAIN)?, repository: Regex::new(REPOSITORY)?, tag: Regex::new(TAG)? })
    }

    /// Splits `image` at its registry host, or `None` when it is not a valid image name.
    ///
    /// Like Docker, the first component is a registry host when it contains a `.` or a `:`,
    /// or is `localhost`, and more components follow.
    pub(crate) fn image_name<'a>(&self, image: &'a str) -> Option<ImageName<'a>> {
        if image.len() > MAX_NAME_LENGTH {
            return None;
        }
        let (domain, repository) = match image.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (Some(first), rest),
            _ => (None, image),
        };
        let domain_ok = domain.is_none_or(|d| self.domain.is_match(d));
        (domain_ok && self.repository.is_match(repository)).then_some(ImageName { domain, repository })
    }

    /// Whether `tag` is a valid tag.
    pub(crate) fn is_tag(&self, tag: &str) -> bool {
        self.tag.is_match(tag)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

    use super::*;

    fn name(image: &str) -> Option<(Option<&str>, &str)> {
        ReferenceGrammar::new().unwrap().image_name(image).map(|n| (n.domain, n.repository))
    }

    #[test]
    fn valid_names_split_at_their_registry_host() {
        assert_eq!(name("ubuntu"), Some((None, "ubuntu")));
        assert_eq!(name("deephdc/deep-oc-benchmarks_cnn"), Some((None, "deephdc/deep-oc-benchmarks_cnn")));
        assert_eq!(name("a__b/c--d/e.f"), Some((None, "a__b/c--d/e.f")));
        assert_eq!(name("my.image"), Some((None, "my.image")), "one component is never a host");
        assert_eq!(name("ghcr.io/org/x"), Some((Some("ghcr.io"), "org/x")));
        assert_eq!(name("localhost/x"), Some((Some("localhost"), "x")));
        assert_eq!(name("127.0.0.1:5999/internal/x"), Some((Some("127.0.0.1:5999"), "internal/x")));
        assert_eq!(name("[::1]:5000/x"), Some((Some("[::1]:5000"), "x")));
        assert_eq!(name("Registry.Example.org/x"), Some((Some("Registry.Example.org"), "x")));
    }

    #[test]
    fn invalid_names_are_refused() {
        for image in [
            "",
            "Ubuntu",
            "deephdc//cnn",
            "deephdc/cnn/",
            "/cnn",
            "deephdc/../cnn",
            "deephdc/cnn?x=1",
            "deephdc/cnn#x",
            "deephdc/cnn@sha256:abc",
            "deephdc/cnn:1.0",
            "a._b",
            "-a",
            "a-",
            "user@host.org/x",
            "host.org:port/x",
            "host.org:/x",
            "-host.org/x",
            "host.org/",
            "http://host.org/x",
            "ho st.org/x",
            "deephdc/cnn\n",
            "deep%2fhdc",
        ] {
            assert_eq!(name(image), None, "{image:?}");
        }
        assert_eq!(name(&"a".repeat(256)), None, "too long");
        assert!(name(&"a".repeat(255)).is_some());
    }

    #[test]
    fn tags_follow_the_grammar() {
        let grammar = ReferenceGrammar::new().unwrap();
        for tag in ["1.0", "1.0.2-gpu", "latest", "_x", "V1", &"a".repeat(128)] {
            assert!(grammar.is_tag(tag), "{tag:?}");
        }
        for tag in ["", ".1", "-1", "a/b", "a:b", "a b", "../x", "1?x", "1\n", &"a".repeat(129)] {
            assert!(!grammar.is_tag(tag), "{tag:?}");
        }
    }
}
