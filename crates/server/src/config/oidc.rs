//! OIDC settings from the environment: trusted issuers and the introspection credentials of
//! each. Credentials always name the one issuer they belong to; a setting that leaves this
//! open stops the server at start.
//!
//! - `OIDC_CLIENT_ID` + `OIDC_CLIENT_SECRET`: one pair, for the only trusted issuer, or for the
//!   issuer named by `OIDC_CLIENT_ISSUER` when several are trusted.
//! - `OIDC_CLIENTS` (or `OIDC_CLIENTS_FILE`): one `ISSUER CLIENT_ID CLIENT_SECRET` line per
//!   issuer; blank lines and `#` comments are skipped.

use auth::{ClientCredentials, OidcConfig};

use super::{ConfigError, DEFAULT_TRUSTED_OPS, bad, list, read};

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A variable, with an empty value counted as unset.
fn read_set(env: Env<'_>, name: &'static str) -> Result<Option<String>, ConfigError> {
    Ok(read(env, name)?.filter(|v| !v.is_empty()))
}

/// `TRUSTED_OP_LIST`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `OIDC_CLIENT_ISSUER`, `OIDC_CLIENTS`.
pub(super) fn oidc_from_env(env: Env<'_>) -> Result<OidcConfig, ConfigError> {
    let trusted = read(env, "TRUSTED_OP_LIST")?.unwrap_or_else(|| DEFAULT_TRUSTED_OPS.into());
    let config = OidcConfig::new(&list(&trusted)).map_err(|e| bad("TRUSTED_OP_LIST", e))?;
    let pair = match (read_set(env, "OIDC_CLIENT_ID")?, read_set(env, "OIDC_CLIENT_SECRET")?) {
        (Some(id), Some(secret)) => Some(ClientCredentials::new(id, secret)),
        (Some(_), None) => return Err(bad("OIDC_CLIENT_SECRET", "required with OIDC_CLIENT_ID")),
        (None, Some(_)) => return Err(bad("OIDC_CLIENT_ID", "required with OIDC_CLIENT_SECRET")),
        (None, None) => None,
    };
    let named_issuer = read_set(env, "OIDC_CLIENT_ISSUER")?;
    let table = read_set(env, "OIDC_CLIENTS")?;
    match (pair, table) {
        (Some(_), Some(_)) => {
            Err(bad("OIDC_CLIENTS", "set either OIDC_CLIENTS or OIDC_CLIENT_ID/OIDC_CLIENT_SECRET, not both"))
        }
        (Some(credentials), None) => {
            let issuer = match (named_issuer, config.trusted_issuers.as_slice()) {
                (Some(issuer), _) => issuer,
                (None, [only]) => only.clone(),
                (None, []) => return Err(bad("OIDC_CLIENT_ID", "TRUSTED_OP_LIST names no issuer")),
                (None, several) => {
                    return Err(bad(
                        "OIDC_CLIENT_ISSUER",
                        format!(
                            "required with OIDC_CLIENT_ID: TRUSTED_OP_LIST names {} issuers, say which one the \
                             credentials belong to (or use OIDC_CLIENTS)",
                            several.len()
                        ),
                    ));
                }
            };
            config.with_client(&issuer, credentials).map_err(|e| bad("OIDC_CLIENT_ISSUER", e))
        }
        (None, Some(table)) => {
            if named_issuer.is_some() {
                return Err(bad(
                    "OIDC_CLIENT_ISSUER",
                    "only used with OIDC_CLIENT_ID; OIDC_CLIENTS names issuers itself",
                ));
            }
            clients_table(config, &table)
        }
        (None, None) if named_issuer.is_some() => {
            Err(bad("OIDC_CLIENT_ISSUER", "set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET with it"))
        }
        (None, None) => Ok(config),
    }
}

/// Adds the credentials of `OIDC_CLIENTS`. Errors name the line, never its content (it holds
/// a secret).
fn clients_table(mut config: OidcConfig, table: &str) -> Result<OidcConfig, ConfigError> {
    for (index, line) in table.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        let [issuer, id, secret] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(bad(
                "OIDC_CLIENTS",
                format!("line {number}: expected ISSUER CLIENT_ID CLIENT_SECRET separated by spaces"),
            ));
        };
        config = config
            .with_client(issuer, ClientCredentials::new(id, secret))
            .map_err(|e| bad("OIDC_CLIENTS", format!("line {number}: {e}")))?;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const A: &str = "https://a.example";
    const B: &str = "https://b.example";

    fn oidc(vars: &[(&str, &str)]) -> Result<OidcConfig, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        oidc_from_env(&move |k| map.get(k).cloned())
    }

    fn owners(config: &OidcConfig) -> Vec<(&str, &str)> {
        config.clients.iter().map(|(issuer, c)| (issuer.as_str(), c.client_id())).collect()
    }

    #[test]
    fn one_pair_belongs_to_the_only_trusted_issuer() {
        let config =
            oidc(&[("TRUSTED_OP_LIST", A), ("OIDC_CLIENT_ID", "id"), ("OIDC_CLIENT_SECRET", "pw")]).unwrap();
        assert_eq!(owners(&config), [(A, "id")]);
        assert!(oidc(&[("TRUSTED_OP_LIST", A)]).unwrap().clients.is_empty());
    }

    #[test]
    fn one_pair_with_several_issuers_needs_oidc_client_issuer() {
        let both = format!("{A},{B}");
        let pair =
            [("TRUSTED_OP_LIST", both.as_str()), ("OIDC_CLIENT_ID", "id"), ("OIDC_CLIENT_SECRET", "pw")];
        let err = oidc(&pair).unwrap_err();
        assert_eq!(err.variable, "OIDC_CLIENT_ISSUER");
        assert!(!err.to_string().contains('\n') && !err.to_string().contains("pw"));
        // The original's default list has three issuers.
        assert_eq!(oidc(&pair[1..]).unwrap_err().variable, "OIDC_CLIENT_ISSUER");
        let named = [&pair[..], &[("OIDC_CLIENT_ISSUER", "https://b.example/")]].concat();
        assert_eq!(owners(&oidc(&named).unwrap()), [(B, "id")]);
        let stranger = [&pair[..], &[("OIDC_CLIENT_ISSUER", "https://c.example")]].concat();
        assert_eq!(oidc(&stranger).unwrap_err().variable, "OIDC_CLIENT_ISSUER");
    }

    #[test]
    fn a_clients_table_gives_each_issuer_its_own_pair() {
        let both = format!("{A},{B}");
        let table = format!("# issuer id secret\n{A} a-id a-pw\n\n  {B}/ b-id b-pw  \n");
        let config = oidc(&[("TRUSTED_OP_LIST", &both), ("OIDC_CLIENTS", &table)]).unwrap();
        assert_eq!(owners(&config), [(A, "a-id"), (B, "b-id")]);
        for (table, line) in [
            (format!("{A} a-id"), "line 1"),
            (format!("{A} a-id a-pw\n{A} x y"), "line 2"),
            (format!("{A} a-id a-pw, {B} b-id b-pw"), "line 1"),
            ("https://c.example id pw".to_owned(), "line 1"),
        ] {
            let err = oidc(&[("TRUSTED_OP_LIST", &both), ("OIDC_CLIENTS", &table)]).unwrap_err();
            assert_eq!(err.variable, "OIDC_CLIENTS", "{table}");
            assert!(err.reason.starts_with(line) && !err.reason.contains("pw"), "{err}");
        }
    }

    #[test]
    fn mixing_or_half_set_variables_is_refused() {
        let table = format!("{A} a-id a-pw");
        let mixed = [
            ("TRUSTED_OP_LIST", A),
            ("OIDC_CLIENTS", &table),
            ("OIDC_CLIENT_ID", "id"),
            ("OIDC_CLIENT_SECRET", "pw"),
        ];
        assert_eq!(oidc(&mixed).unwrap_err().variable, "OIDC_CLIENTS");
        let named = [("TRUSTED_OP_LIST", A), ("OIDC_CLIENTS", &table), ("OIDC_CLIENT_ISSUER", A)];
        assert_eq!(oidc(&named).unwrap_err().variable, "OIDC_CLIENT_ISSUER");
        assert_eq!(oidc(&[("OIDC_CLIENT_ISSUER", A)]).unwrap_err().variable, "OIDC_CLIENT_ISSUER");
        assert_eq!(oidc(&[("OIDC_CLIENT_ID", "id")]).unwrap_err().variable, "OIDC_CLIENT_SECRET");
        assert_eq!(oidc(&[("OIDC_CLIENT_SECRET", "pw")]).unwrap_err().variable, "OIDC_CLIENT_ID");
        let nobody = [("TRUSTED_OP_LIST", ""), ("OIDC_CLIENT_ID", "id"), ("OIDC_CLIENT_SECRET", "pw")];
        assert_eq!(oidc(&nobody).unwrap_err().variable, "OIDC_CLIENT_ID");
    }
}
