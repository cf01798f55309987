//! What every in-memory list shares with its SQL counterpart: `LIKE '%term%'` search, strict
//! date bounds, `ORDER BY` with PostgreSQL's null placement, and `COUNT` + `OFFSET`/`LIMIT`.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    DateRange, Page, PageRequest, SortDir, SortKey,
    moderated::Moderation,
    query::{ModeratedSort, Status},
};

/// SQL `text LIKE '%term%'`: case-sensitive, `%` any run of characters, `_` one character.
pub(super) fn like_contains(text: &str, term: &str) -> bool {
    let pattern: Vec<char> = format!("%{term}%").chars().collect();
    let text: Vec<char> = text.chars().collect();
    // matches[j]: the pattern's first i characters match the text's first j characters.
    let mut matches = vec![false; text.len() + 1];
    matches[0] = true;
    for p in &pattern {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match p {
                '%' => matches[j] || (j > 0 && next[j - 1]),
                '_' => j > 0 && matches[j - 1],
                c => j > 0 && matches[j - 1] && text[j - 1] == *c,
            };
        }
        matches = next;
    }
    matches[text.len()]
}

/// Each term must be contained in at least one of the fields (a null field matches nothing).
pub(super) fn matches_terms(terms: &[String], fields: &[Option<&str>]) -> bool {
    terms.iter().all(|term| fields.iter().flatten().any(|field| like_contains(field, term)))
}

/// Strict bounds: `after < at < before`, each against midnight of its day.
pub(super) fn in_range(range: &DateRange, at: DateTime<Utc>) -> bool {
    range.after_instant().is_none_or(|after| at > after)
        && range.before_instant().is_none_or(|before| at < before)
}

/// Status filter of moderated lists (`None`: any status).
pub(super) fn status_matches(wanted: Option<Status>, status: Status) -> bool {
    wanted.is_none_or(|s| s == status)
}

/// A column value as SQL orders it. The variant order puts `Null` last ascending and first
/// descending, as PostgreSQL does; text compares byte-wise (collation "C").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SortValue {
    /// Booleans, false first.
    Bool(bool),
    /// Text.
    Text(String),
    /// Instants.
    Time(DateTime<Utc>),
    /// UUIDs, byte-wise.
    Id(Uuid),
    /// SQL NULL.
    Null,
}

impl SortValue {
    /// Text, or NULL for `None`.
    pub fn text(value: Option<&str>) -> Self {
        value.map_or(SortValue::Null, |v| SortValue::Text(v.to_owned()))
    }
}

/// How two rows compare on one sort key.
pub(super) type Comparator<T> = Box<dyn Fn(&T, &T) -> Ordering>;

/// A comparator on the value `value` extracts.
pub(super) fn by<T: 'static>(value: impl Fn(&T) -> SortValue + 'static) -> Comparator<T> {
    Box::new(move |a, b| value(a).cmp(&value(b)))
}

/// The value of a sort field every moderated table has.
pub(super) fn moderated_value<R>(row: Moderation<'_, R>, field: ModeratedSort) -> SortValue {
    match field {
        ModeratedSort::Id => SortValue::Id(row.id.uuid()),
        ModeratedSort::UploadDatetime => SortValue::Time(row.upload_datetime),
        ModeratedSort::Status => SortValue::Text(row.status.as_str().to_owned()),
        ModeratedSort::UploaderSub => SortValue::Text(row.uploader.sub.clone()),
        ModeratedSort::UploaderIss => SortValue::Text(row.uploader.iss.clone()),
    }
}

/// Sorts by the keys left to right, then by `tiebreak`; `column` gives the comparator of a
/// field.
pub(super) fn sort_rows<T, F>(
    rows: &mut [T],
    sort: &[SortKey<F>],
    column: impl Fn(&F) -> Comparator<T>,
    tiebreak: impl Fn(&T, &T) -> Ordering,
) {
    let keys: Vec<(Comparator<T>, SortDir)> = sort.iter().map(|k| (column(&k.field), k.dir)).collect();
    rows.sort_by(|a, b| {
        for (compare, dir) in &keys {
            let order = match dir {
                SortDir::Asc => compare(a, b),
                SortDir::Desc => compare(b, a),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        tiebreak(a, b)
    });
}

/// `COUNT(*)` then the page: an offset at or past the total (or past what SQL accepts) gives
/// no items.
pub(super) fn page_of<T>(rows: Vec<T>, page: PageRequest) -> Page<T> {
    let total = rows.len() as u64;
    let items = match page.offset() {
        Some(offset) if offset < total => {
            let skip = usize::try_from(offset).unwrap_or(usize::MAX);
            let take = usize::try_from(page.per_page).unwrap_or(usize::MAX);
            rows.into_iter().skip(skip).take(take).collect()
        }
        _ => Vec::new(),
    };
    Page { items, total, request: page }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_treats_percent_and_underscore_as_wildcards() {
        assert!(like_contains("deephdc/cnn", "hdc"));
        assert!(!like_contains("deephdc/cnn", "HDC"), "case-sensitive");
        assert!(like_contains("abc", "a_c"));
        assert!(like_contains("abc", "%"));
        assert!(like_contains("abc", ""));
        assert!(!like_contains("ab", "a_c"));
        assert!(like_contains("x-y-z", "x%z"));
    }

    #[test]
    fn nulls_sort_last_ascending() {
        assert!(SortValue::text(None) > SortValue::text(Some("zzz")));
    }

    #[test]
    fn pages_beyond_the_total_are_empty_but_keep_the_total() {
        let page = page_of(vec![1, 2, 3], PageRequest { page: 2, per_page: 2 });
        assert_eq!((page.items, page.total), (vec![3], 3));
        let page = page_of(vec![1, 2, 3], PageRequest { page: 3, per_page: 2 });
        assert_eq!((page.items.len(), page.total), (0, 3));
        let page = page_of(vec![1], PageRequest { page: u64::MAX, per_page: 100 });
        assert!(page.items.is_empty());
    }
}
