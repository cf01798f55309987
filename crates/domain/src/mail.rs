//! Notification mails of contract §8: who gets what, with which subject and headers.
//! Mails are values; the repositories queue them in the outbox with the change that causes
//! them, and an infra task delivers them.

use uuid::Uuid;

use crate::{ClaimId, ResultId};

/// A mail waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMail {
    /// Recipients.
    pub to: Vec<String>,
    /// Carbon copies (the support address; left out when empty, Q22).
    pub cc: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Extra headers such as `Resource-ID`.
    pub headers: Vec<(String, String)>,
    /// Plain-text body.
    pub body: String,
}

/// Builds the mails; knows the support address.
#[derive(Debug, Clone, Default)]
pub struct MailTemplates {
    /// `MAIL_SUPPORT`; empty means no Cc.
    pub support: String,
}

/// The kind of a moderated item, as named in mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A benchmark.
    Benchmark,
    /// A site.
    Site,
    /// A flavor.
    Flavor,
    /// A claim on a result.
    Claim,
}

impl ItemKind {
    /// Lower-case wire name (`resource_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Benchmark => "benchmark",
            ItemKind::Site => "site",
            ItemKind::Flavor => "flavor",
            ItemKind::Claim => "claim",
        }
    }
    /// Capitalised name (`Site`), as messages and mail bodies name the kind.
    pub fn title(self) -> &'static str {
        match self {
            ItemKind::Benchmark => "Benchmark",
            ItemKind::Site => "Site",
            ItemKind::Flavor => "Flavor",
            ItemKind::Claim => "Claim",
        }
    }
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "benchmark" => Some(ItemKind::Benchmark),
            "site" => Some(ItemKind::Site),
            "flavor" => Some(ItemKind::Flavor),
            "claim" => Some(ItemKind::Claim),
            _ => None,
        }
    }
}

const SIGNATURE: &str = "\n\nBest regards,\nperf-support\n";

impl MailTemplates {
    fn cc(&self) -> Vec<String> {
        if self.support.is_empty() { Vec::new() } else { vec![self.support.clone()] }
    }

    fn mail(
        &self,
        to: &str,
        cc: bool,
        subject: String,
        headers: Vec<(String, String)>,
        text: String,
    ) -> OutboundMail {
        OutboundMail {
            to: vec![to.to_owned()],
            cc: if cc { self.cc() } else { Vec::new() },
            subject,
            headers,
            body: format!("Dear user,\n\n{text}{SIGNATURE}"),
        }
    }

    /// #1: registration complete.
    pub fn registered(&self, to: &str) -> OutboundMail {
        self.mail(
            to,
            false,
            "Thank you for registering".into(),
            vec![],
            "Your registration at EOSC Performance is complete.".into(),
        )
    }

    /// #2: user information updated.
    pub fn updated(&self, to: &str) -> OutboundMail {
        self.mail(
            to,
            false,
            "Your user information was updated".into(),
            vec![],
            "Your user information at EOSC Performance was updated.".into(),
        )
    }

    /// #3: a benchmark, site or flavor was submitted.
    pub fn submitted(&self, to: &str, kind: ItemKind, id: Uuid) -> OutboundMail {
        self.mail(
            to,
            true,
            format!("New {} resource submitted: {id}", kind.as_str()),
            vec![("Resource-ID".into(), id.to_string())],
            format!(
                "Your {} with id {id} was submitted and will be reviewed by an administrator.",
                kind.title()
            ),
        )
    }

    /// #4: an item (or a claim, mailed to the claimer) was approved.
    pub fn approved(&self, to: &str, kind: ItemKind, id: Uuid) -> OutboundMail {
        self.mail(
            to,
            true,
            format!("Resource approved: {id}"),
            vec![("Resource-ID".into(), id.to_string())],
            format!("Your {} with id {id} was reviewed and approved.", kind.title().to_lowercase()),
        )
    }

    /// #5: an item (or a claim, mailed to the claimer) was rejected.
    pub fn rejected(&self, to: &str, kind: ItemKind, id: Uuid) -> OutboundMail {
        self.mail(
            to,
            true,
            format!("Resource rejected: {id}"),
            vec![("Resource-ID".into(), id.to_string())],
            format!(
                "Your {} with id {id} was reviewed and rejected. Please check it or contact support.",
                kind.title().to_lowercase()
            ),
        )
    }

    /// #6: a result was claimed; mailed to the result's uploader.
    pub fn claimed(&self, to: &str, result_id: ResultId, claim_id: ClaimId) -> OutboundMail {
        self.mail(
            to,
            true,
            format!("Claim submitted on result: {result_id}"),
            vec![("Result-ID".into(), result_id.to_string()), ("Claim-ID".into(), claim_id.to_string())],
            format!(
                "A claim ({claim_id}) was submitted on your result {result_id}. The result is hidden while \
                 administrators review the claim, and it may be deleted."
            ),
        )
    }

    /// #7: a result is visible again after its claims were rejected.
    pub fn restored(&self, to: &str, result_id: ResultId) -> OutboundMail {
        self.mail(
            to,
            true,
            format!("Result restored: {result_id}"),
            vec![("Result-ID".into(), result_id.to_string())],
            format!("Your result {result_id} was reviewed and restored."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_support_address_gives_no_cc() {
        let t = MailTemplates { support: String::new() };
        assert!(t.approved("a@b", ItemKind::Site, Uuid::nil()).cc.is_empty());
        let t = MailTemplates { support: "s@x".into() };
        assert_eq!(t.approved("a@b", ItemKind::Site, Uuid::nil()).cc, vec!["s@x".to_string()]);
        assert!(t.registered("a@b").cc.is_empty());
    }

    #[test]
    fn claim_mails_say_claim_not_the_class_name() {
        let t = MailTemplates::default();
        let m = t.approved("a@b", ItemKind::Claim, Uuid::nil());
        assert!(m.body.contains("claim") && !m.body.contains("ResultClaimReport"));
    }
}
