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

/// One validated `sort_by` key on the sortable fields `F` of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey<F> {
    /// What to sort on.
    pub field: F,
    /// Direction.
    pub dir: SortDir,
}

/// The sortable fields of one resource (an enum per resource: adapters match it exhaustively).
pub trait SortField: Sized {
    /// The fields a `sort_by` name sorts on, `None` for a name the resource does not accept.
    /// Most names stand for one field; a name may stand for several (a benchmark's `name` is
    /// its image, then its tag) or for none (a claim's `resource_type` is the same for all).
    fn named(name: &str) -> Option<Vec<Self>>;

    /// The field of `json` (`path` empty) or `json.<path>`, for resources whose documents are
    /// sortable; `None` elsewhere.
    fn json(path: Vec<String>) -> Option<Self> {
        let _ = path;
        None
    }
}

/// Sort fields every moderated table has (benchmarks, sites, flavors, claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeratedSort {
    /// `id`
    Id,
    /// `upload_datetime`
    UploadDatetime,
    /// `status`
    Status,
    /// `uploader_sub`
    UploaderSub,
    /// `uploader_iss`
    UploaderIss,
}

impl ModeratedSort {
    /// The common field of a `sort_by` name.
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Self::Id,
            "upload_datetime" => Self::UploadDatetime,
            "status" => Self::Status,
            "uploader_sub" => Self::UploaderSub,
            "uploader_iss" => Self::UploaderIss,
            _ => return None,
        })
    }
}

/// Why a `sort_by` value was refused; rendered as the contract's `message` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortError {
    /// `Unexpected field '<name>'`
    UnexpectedField(String),
    /// `Unknown order operator '<c>'`
    UnknownOperator(char),
}

/// Parses `sort_by` (contract §2.10): comma-separated `±name` keys, empty entries skipped,
/// each name turned into the fields of `F` it stands for.
///
/// # Errors
/// [`SortError`] for the first key whose name is unknown or whose sign is not `+`/`-`.
pub fn parse_sort<F: SortField>(value: &str) -> Result<Vec<SortKey<F>>, SortError> {
    let mut keys = Vec::new();
    for raw in value.split(',').filter(|k| !k.is_empty()) {
        let mut chars = raw.chars();
        let sign = chars.next().unwrap_or('+');
        let name: String = chars.collect();
        let json_path = match name.as_str() {
            "json" => Some(Vec::new()),
            other => other.strip_prefix("json.").map(|path| path.split('.').map(str::to_owned).collect()),
        };
        let fields = json_path
            .and_then(F::json)
            .map(|field| vec![field])
            .or_else(|| F::named(&name))
            .ok_or(SortError::UnexpectedField(name))?;
        let dir = match sign {
            '+' => SortDir::Asc,
            '-' => SortDir::Desc,
            other => return Err(SortError::UnknownOperator(other)),
        };
        keys.extend(fields.into_iter().map(|field| SortKey { field, dir }));
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

/// The common part of every catalog list: status, upload dates, search terms, sort on the
/// fields `S`, page.
#[derive(Debug, Clone, PartialEq)]
pub struct ListParams<S> {
    /// Only items in this status (None for unmoderated resources).
    pub status: Option<Status>,
    /// Upload date bounds.
    pub uploaded: DateRange,
    /// Free-text terms: each must match one of the searched fields (`:search` endpoints).
    pub terms: Vec<String>,
    /// Validated sort keys; the id is always appended as a final tiebreaker (Q28).
    pub sort: Vec<SortKey<S>>,
    /// Page wanted.
    pub page: PageRequest,
}

impl<S> Default for ListParams<S> {
    /// Any status, no bounds, no terms, no sort, the first page.
    fn default() -> Self {
        Self {
            status: None,
            uploaded: DateRange::default(),
            terms: Vec::new(),
            sort: Vec::new(),
            page: PageRequest::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A resource with an `id`, a `pair` name standing for two fields, a `constant` name
    /// standing for none, and sortable documents.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Field {
        Id,
        First,
        Second,
        Json(Vec<String>),
    }

    impl SortField for Field {
        fn named(name: &str) -> Option<Vec<Self>> {
            match name {
                "id" => Some(vec![Field::Id]),
                "pair" => Some(vec![Field::First, Field::Second]),
                "constant" => Some(vec![]),
                _ => None,
            }
        }
    }

    /// The same resource without sortable documents.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Plain(Field);

    impl SortField for Plain {
        fn named(name: &str) -> Option<Vec<Self>> {
            Field::named(name).map(|fields| fields.into_iter().map(Plain).collect())
        }
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Documents(Field);

    impl SortField for Documents {
        fn named(name: &str) -> Option<Vec<Self>> {
            Plain::named(name).map(|fields| fields.into_iter().map(|Plain(f)| Documents(f)).collect())
        }
        fn json(path: Vec<String>) -> Option<Self> {
            Some(Documents(Field::Json(path)))
        }
    }

    fn key<F>(field: F, dir: SortDir) -> SortKey<F> {
        SortKey { field, dir }
    }

    #[test]
    fn sort_keys_parse_left_to_right_and_skip_empty_entries() {
        let keys = parse_sort::<Plain>("+id,,-id").unwrap();
        assert_eq!(keys, vec![key(Plain(Field::Id), SortDir::Asc), key(Plain(Field::Id), SortDir::Desc)]);
    }

    #[test]
    fn a_name_may_stand_for_several_fields_or_none() {
        let keys = parse_sort::<Plain>("-pair,+constant,+id").unwrap();
        assert_eq!(
            keys,
            vec![
                key(Plain(Field::First), SortDir::Desc),
                key(Plain(Field::Second), SortDir::Desc),
                key(Plain(Field::Id), SortDir::Asc)
            ]
        );
    }

    #[test]
    fn a_missing_sign_eats_the_first_letter_of_the_name() {
        let error = |value| parse_sort::<Plain>(value).unwrap_err();
        assert_eq!(error("pair"), SortError::UnexpectedField("air".into()));
        assert_eq!(error("xid"), SortError::UnknownOperator('x'), "the name is checked first");
        assert_eq!(error("*id"), SortError::UnknownOperator('*'));
        assert_eq!(error(" id"), SortError::UnknownOperator(' '));
    }

    #[test]
    fn json_paths_are_accepted_only_where_documents_are_sortable() {
        let keys = parse_sort::<Documents>("-json.a.b,+json").unwrap();
        assert_eq!(keys[0].field, Documents(Field::Json(vec!["a".into(), "b".into()])));
        assert_eq!(keys[1].field, Documents(Field::Json(vec![])));
        assert_eq!(parse_sort::<Plain>("-json.a").unwrap_err(), SortError::UnexpectedField("json.a".into()));
        assert_eq!(parse_sort::<Plain>("+json").unwrap_err(), SortError::UnexpectedField("json".into()));
    }

    #[test]
    fn the_common_moderated_fields_have_their_wire_names() {
        assert_eq!(ModeratedSort::named("uploader_iss"), Some(ModeratedSort::UploaderIss));
        assert_eq!(ModeratedSort::named("name"), None);
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
