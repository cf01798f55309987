//! Value types shared by every list and search: pagination, moderation status, sorting,
//! upload-date ranges and free-text terms. Parsing rules follow the contract (§2.9-§2.12).

use chrono::{DateTime, NaiveDate, Utc};

/// Moderation status of benchmarks, sites, flavors and claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting for an admin.
    OnReview,
    /// Accepted by an admin.
    Approved,
}

impl Status {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnReview => "on_review",
            Status::Approved => "approved",
        }
    }
    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "on_review" => Some(Status::OnReview),
            "approved" => Some(Status::Approved),
            _ => None,
        }
    }
}

/// Which page of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Items per page, 1 to 100.
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: 100 }
    }
}

/// The largest row offset a database accepts: SQL `OFFSET` is a signed 64-bit integer on
/// PostgreSQL and SQLite.
pub const MAX_OFFSET: u64 = i64::MAX.unsigned_abs();

impl PageRequest {
    /// Rows to skip, or `None` when the page would start beyond [`MAX_OFFSET`]. No table can
    /// hold that many rows, so such a page lies past the last one: repositories answer it with
    /// no items and never send the impossible offset to the database.
    pub fn offset(&self) -> Option<u64> {
        let offset = self.page.saturating_sub(1).checked_mul(self.per_page)?;
        (offset <= MAX_OFFSET).then_some(offset)
    }
}

/// One page of a list, with the total over all pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Matching rows over all pages.
    pub total: u64,
    /// The request that produced this page.
    pub request: PageRequest,
}

impl<T> Page<T> {
    /// Number of pages: ceil(total / per_page), 0 when empty.
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.request.per_page.max(1))
    }
    /// Whether a previous page exists.
    pub fn has_prev(&self) -> bool {
        self.request.page > 1
    }
    /// Whether a next page exists.
    pub fn has_next(&self) -> bool {
        self.request.page < self.pages()
    }
    /// Converts the items, keeping the counts.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), total: self.total, request: self.request }
    }
    /// An empty page beyond the first is an error (contract §2.9).
    ///
    /// # Errors
    /// [`crate::DomainError::PageOutOfRange`] when `page > 1` and there are no items.
    pub fn ensure_in_range(self) -> Result<Self, crate::DomainError> {
        if self.request.page > 1 && self.items.is_empty() {
            Err(crate::DomainError::PageOutOfRange)
        } else {
            Ok(self)
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    /// `+`
    Asc,
    /// `-`
    Desc,
}

/// One validated `sort_by` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// A field name from the endpoint's allowed list, or `json.<path>` for results.
    pub field: SortField,
    /// Direction.
    pub dir: SortDir,
}

/// What a sort key sorts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortField {
    /// A named column (already checked against the endpoint's list).
    Column(String),
    /// The JSON value at a dot path of a result document (`json.a.b`); empty = whole document.
    Json(Vec<String>),
}

/// Why a `sort_by` value was refused; rendered as the contract's `message` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortError {
    /// `Unexpected field '<name>'`
    UnexpectedField(String),
    /// `Unknown order operator '<c>'`
    UnknownOperator(char),
}

/// Parses `sort_by` (contract §2.10): comma-separated `±name` keys, empty entries skipped.
/// `allow_json` enables `json` and `json.<path>` (results only).
///
/// # Errors
/// [`SortError`] for the first key whose name is unknown or whose sign is not `+`/`-`.
pub fn parse_sort(value: &str, allowed: &[&str], allow_json: bool) -> Result<Vec<SortKey>, SortError> {
    let mut keys = Vec::new();
    for raw in value.split(',').filter(|k| !k.is_empty()) {
        let mut chars = raw.chars();
        let sign = chars.next().unwrap_or('+');
        let name: String = chars.collect();
        let field = if allow_json && name == "json" {
            SortField::Json(Vec::new())
        } else if allow_json && name.starts_with("json.") {
            SortField::Json(name["json.".len()..].split('.').map(str::to_owned).collect())
        } else if allowed.contains(&name.as_str()) {
            SortField::Column(name)
        } else {
            return Err(SortError::UnexpectedField(name));
        };
        let dir = match sign {
            '+' => SortDir::Asc,
            '-' => SortDir::Desc,
            other => return Err(SortError::UnknownOperator(other)),
        };
        keys.push(SortKey { field, dir });
    }
    Ok(keys)
}

/// Strict upload (or execution) date bounds: `before` means `< D 00:00`, `after` `> D 00:00`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    /// Exclusive upper bound (midnight of that day, UTC).
    pub before: Option<NaiveDate>,
    /// Exclusive lower bound (midnight of that day, UTC).
    pub after: Option<NaiveDate>,
}

impl DateRange {
    /// The upper bound as an instant.
    pub fn before_instant(&self) -> Option<DateTime<Utc>> {
        self.before.and_then(midnight)
    }
    /// The lower bound as an instant.
    pub fn after_instant(&self) -> Option<DateTime<Utc>> {
        self.after.and_then(midnight)
    }
}

fn midnight(d: NaiveDate) -> Option<DateTime<Utc>> {
    d.and_hms_opt(0, 0, 0).map(|n| n.and_utc())
}

/// The common part of every catalog list: status, upload dates, search terms, sort, page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    /// Only items in this status (None for unmoderated resources).
    pub status: Option<Status>,
    /// Upload date bounds.
    pub uploaded: DateRange,
    /// Free-text terms: each must match one of the searched fields (`:search` endpoints).
    pub terms: Vec<String>,
    /// Validated sort keys; the id is always appended as a final tiebreaker (Q28).
    pub sort: Vec<SortKey>,
    /// Page wanted.
    pub page: PageRequest,
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["id", "docker_image"];

    #[test]
    fn sort_keys_parse_left_to_right_and_skip_empty_entries() {
        let keys = parse_sort("+docker_image,,-id", FIELDS, false).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[1], SortKey { field: SortField::Column("id".into()), dir: SortDir::Desc });
    }

    #[test]
    fn a_missing_sign_eats_the_first_letter_of_the_name() {
        assert_eq!(
            parse_sort("docker_image", FIELDS, false),
            Err(SortError::UnexpectedField("ocker_image".into()))
        );
        assert_eq!(parse_sort("*docker_image", FIELDS, false), Err(SortError::UnknownOperator('*')));
        assert_eq!(parse_sort(" id", FIELDS, false), Err(SortError::UnknownOperator(' ')));
    }

    #[test]
    fn json_paths_are_accepted_only_for_results() {
        let keys = parse_sort("-json.a.b", FIELDS, true).unwrap();
        assert_eq!(keys[0].field, SortField::Json(vec!["a".into(), "b".into()]));
        assert!(parse_sort("-json.a", FIELDS, false).is_err());
    }

    #[test]
    fn pages_are_counted_like_the_original() {
        let p: Page<u8> = Page { items: vec![], total: 0, request: PageRequest::default() };
        assert_eq!((p.pages(), p.has_next(), p.has_prev()), (0, false, false));
        let p: Page<u8> =
            Page { items: vec![1], total: 201, request: PageRequest { page: 2, per_page: 100 } };
        assert_eq!((p.pages(), p.has_next(), p.has_prev()), (3, true, true));
        let beyond: Page<u8> =
            Page { items: vec![], total: 3, request: PageRequest { page: 2, per_page: 100 } };
        assert!(beyond.ensure_in_range().is_err());
    }

    #[test]
    fn offsets_past_what_sql_accepts_are_none() {
        let offset = |page, per_page| PageRequest { page, per_page }.offset();
        assert_eq!(offset(1, 100), Some(0));
        assert_eq!(offset(3, 100), Some(200));
        assert_eq!(offset(i64::MAX.unsigned_abs(), 1), Some(MAX_OFFSET - 1));
        assert_eq!(offset(MAX_OFFSET / 100 + 1, 100), Some(MAX_OFFSET / 100 * 100));
        assert_eq!(offset(100_000_000_000_000_000, 100), None);
        assert_eq!(offset(MAX_OFFSET + 2, 1), None);
        assert_eq!(offset(u64::MAX, 100), None);
    }
}
