//! Where the items of each moderated kind are stored: the table, the column of `submit` that
//! refers to them, and the `resource_type` their submits carry. The domain's [`ItemKind`] is
//! a name in mails and on the wire; these tables map it to the schema.

use domain::mail::ItemKind;
use sea_orm::sea_query::Alias;
use uuid::Uuid;

use crate::entity::submit;

/// The table of a kind.
pub(crate) fn table(kind: ItemKind) -> Alias {
    Alias::new(match kind {
        ItemKind::Benchmark => "benchmark",
        ItemKind::Site => "site",
        ItemKind::Flavor => "flavor",
        ItemKind::Claim => "claim",
    })
}

/// The column of `submit` that refers to an item of the kind.
pub(crate) fn submit_column(kind: ItemKind) -> submit::Column {
    match kind {
        ItemKind::Benchmark => submit::Column::BenchmarkId,
        ItemKind::Site => submit::Column::SiteId,
        ItemKind::Flavor => submit::Column::FlavorId,
        ItemKind::Claim => submit::Column::ClaimId,
    }
}

/// The item a submit of the kind refers to.
pub(crate) fn submitted_item(kind: ItemKind, row: &submit::Model) -> Option<Uuid> {
    match kind {
        ItemKind::Benchmark => row.benchmark_id,
        ItemKind::Site => row.site_id,
        ItemKind::Flavor => row.flavor_id,
        ItemKind::Claim => row.claim_id,
    }
}

/// The `resource_type` stored in a submit of the kind.
pub(crate) fn stored_kind(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Benchmark => "benchmark",
        ItemKind::Site => "site",
        ItemKind::Flavor => "flavor",
        ItemKind::Claim => "claim",
    }
}

/// The kind of a stored `resource_type`, `None` for a value no migration writes.
pub(crate) fn kind_of(stored: &str) -> Option<ItemKind> {
    match stored {
        "benchmark" => Some(ItemKind::Benchmark),
        "site" => Some(ItemKind::Site),
        "flavor" => Some(ItemKind::Flavor),
        "claim" => Some(ItemKind::Claim),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_itself() {
        for kind in [ItemKind::Benchmark, ItemKind::Site, ItemKind::Flavor, ItemKind::Claim] {
            assert_eq!(kind_of(stored_kind(kind)), Some(kind));
        }
        assert_eq!(kind_of("result"), None);
    }
}
