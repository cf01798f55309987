//! PostgreSQL: statement-level plpgsql triggers with transition tables. Each statement adds its
//! changes up per key and applies one upsert per key, so a statement touching N results (a bulk
//! delete, the cascade of a catalog delete) writes each count row once, not N times: updating a
//! row N times in one transaction leaves N versions that every later update walks.
//!
//! Every trigger first takes the change counter's row lock (the lock the counter bump of the same
//! statement takes anyway), so count rows are only ever locked by the one transaction holding
//! it: no two writers can deadlock on them, and each trigger reads the result and tag rows after
//! every earlier writer has committed.
//!
//! `result_number` has no foreign key: the delete trigger needs a deleted result's numbers to
//! subtract them, and removes them itself. A deleted result's tag links are removed by the
//! foreign key's cascade before the result's statement trigger runs (and the link trigger, run
//! after it or before it depending on how deep the cascade is, no longer finds the result): a
//! row trigger before the deletion parks the links of a visible result in `result_tag_gone`, for
//! the statement trigger to subtract and clear (the table is empty outside a statement). Parking
//! only inserts, so it stays linear in the rows deleted.

use super::{COUNT_TABLES, GOOD_KEY_PG, backfill_counts};

/// Lock of the change counter's row (see the module comment).
const LOCK_COUNTER: &str = "PERFORM 1 FROM change_counter WHERE id = 1 FOR NO KEY UPDATE;";

/// The statements creating functions, triggers and indexes, then the backfill.
pub fn up() -> Vec<String> {
    let mut sql: Vec<String> = [
        "LOCK TABLE result, result_tag IN SHARE ROW EXCLUSIVE MODE",
        "CREATE TABLE result_count (benchmark_id uuid NOT NULL, site_id uuid NOT NULL, \
         flavor_id uuid NOT NULL, n bigint NOT NULL, PRIMARY KEY (benchmark_id, site_id, flavor_id))",
        "CREATE TABLE result_tag_count (tag_id uuid NOT NULL, benchmark_id uuid NOT NULL, \
         site_id uuid NOT NULL, flavor_id uuid NOT NULL, n bigint NOT NULL, \
         PRIMARY KEY (tag_id, benchmark_id, site_id, flavor_id))",
        "CREATE TABLE result_day_count (day date NOT NULL PRIMARY KEY, n bigint NOT NULL)",
        // Its primary key is added after the backfill (one sorted build, not 1 000 000 inserts).
        "CREATE TABLE result_number (result_id uuid NOT NULL, path text NOT NULL, \
         benchmark_id uuid NOT NULL, value double precision NOT NULL)",
        "CREATE TABLE result_number_count (path text NOT NULL, value double precision NOT NULL, \
         benchmark_id uuid NOT NULL, n bigint NOT NULL, PRIMARY KEY (path, value, benchmark_id))",
        "CREATE TABLE result_path_count (path text NOT NULL, benchmark_id uuid NOT NULL, \
         n bigint NOT NULL, PRIMARY KEY (path, benchmark_id))",
        "CREATE TABLE result_tag_gone (result_id uuid NOT NULL, tag_id uuid NOT NULL)",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    sql.extend([
        numbers_function(),
        insert_trigger(Numbers::Plain),
        update_trigger(Numbers::Plain),
        delete_trigger(),
        PARK.to_owned(),
    ]);
    sql.extend([tag_insert_trigger(), tag_update_trigger(), tag_delete_trigger()]);
    for (name, event, referencing) in TRIGGERS {
        sql.push(format!(
            "CREATE TRIGGER {name} AFTER {event} REFERENCING {referencing} \
             FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        ));
    }
    sql.push(
        "CREATE TRIGGER result_derived_park BEFORE DELETE ON result FOR EACH ROW \
         WHEN (NOT OLD.deleted) EXECUTE FUNCTION result_derived_park()"
            .into(),
    );
    sql.push(BACKFILL_NUMBERS.to_owned());
    sql.push("ALTER TABLE result_number ADD PRIMARY KEY (result_id, path)".to_owned());
    sql.extend(backfill_counts("(execution_datetime AT TIME ZONE 'UTC')::date"));
    sql.push(
        "CREATE INDEX ix_result_number_path_value ON result_number (path, value, benchmark_id, result_id)"
            .into(),
    );
    sql
}

/// The triggers: name (also of its function), event, transition tables.
const TRIGGERS: [(&str, &str, &str); 6] = [
    ("result_derived_insert", "INSERT ON result", "NEW TABLE AS new_rows"),
    ("result_derived_update", "UPDATE ON result", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("result_derived_delete", "DELETE ON result", "OLD TABLE AS old_rows"),
    ("result_tag_derived_insert", "INSERT ON result_tag", "NEW TABLE AS new_links"),
    ("result_tag_derived_update", "UPDATE ON result_tag", "OLD TABLE AS old_links NEW TABLE AS new_links"),
    ("result_tag_derived_delete", "DELETE ON result_tag", "OLD TABLE AS old_links"),
];

/// The statements undoing [`up`].
pub fn down() -> Vec<String> {
    let mut sql = Vec::new();
    for (name, event, _) in TRIGGERS {
        let table = event.rsplit(' ').next().unwrap_or_default();
        sql.push(format!("DROP TRIGGER IF EXISTS {name} ON {table}"));
        sql.push(format!("DROP FUNCTION IF EXISTS {name}()"));
    }
    sql.push("DROP TRIGGER IF EXISTS result_derived_park ON result".into());
    sql.push("DROP FUNCTION IF EXISTS result_derived_park()".into());
    sql.push("DROP FUNCTION IF EXISTS result_numbers(jsonb)".into());
    sql.extend(COUNT_TABLES.iter().map(|t| format!("DROP TABLE IF EXISTS {t}")));
    sql.push("DROP TABLE IF EXISTS result_tag_gone".into());
    sql
}

/// `result_numbers(doc)`: the numeric leaves of a document reached through object keys only
/// (see the module above for which keys), as (`a.b.c`, value). Numbers beyond the range of a
/// double become ±infinity, numbers too small for one become 0.
fn numbers_function() -> String {
    format!(
        "CREATE FUNCTION result_numbers(doc jsonb) RETURNS TABLE (path text, value double precision) \
         LANGUAGE sql IMMUTABLE AS $$ \
         WITH RECURSIVE node (path, v) AS ( \
           SELECT e.key, e.value FROM jsonb_each(CASE WHEN jsonb_typeof(doc) = 'object' THEN doc \
             ELSE '{{}}'::jsonb END) e WHERE e.key ~ '{GOOD_KEY_PG}' \
           UNION ALL \
           SELECT node.path || '.' || e.key, e.value FROM node, jsonb_each(CASE WHEN \
             jsonb_typeof(node.v) = 'object' THEN node.v ELSE '{{}}'::jsonb END) e \
           WHERE e.key ~ '{GOOD_KEY_PG}' \
         ), number (path, x) AS ( \
           SELECT node.path, node.v::numeric FROM node WHERE jsonb_typeof(node.v) = 'number' \
         ) \
         SELECT path, CASE WHEN abs(x) > 1.7976931348623157e308 THEN sign(x) * 'Infinity'::float8 \
           WHEN abs(x) < 1e-323 THEN 0 ELSE x::float8 END FROM number $$"
    )
}

/// A trigger function named `name` with the variables `declare`, running `body` after taking
/// the counter's lock (replacing the function of that name, if any: migrations that change
/// what a trigger does replace its function and keep the trigger).
fn function(name: &str, declare: &str, body: &str) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {declare} BEGIN {LOCK_COUNTER} \
         {body} RETURN NULL; END $$"
    )
}

/// Adds up `rows` (columns `keys` and `delta`) per key into `table`: one upsert per key.
fn add(table: &str, keys: &str, rows: &str) -> String {
    format!(
        "INSERT INTO {table} AS c ({keys}, n) SELECT {keys}, sum(delta) FROM ({rows}) d \
         GROUP BY {keys} HAVING sum(delta) <> 0 \
         ON CONFLICT ({keys}) DO UPDATE SET n = c.n + excluded.n;"
    )
}

/// The per-(benchmark, site, flavor), per-day and per-tag counts of `changes`: rows (`id`,
/// `benchmark_id`, `site_id`, `flavor_id`, `execution_datetime`, `delta`) of visible results,
/// whose tag links are in `links` (`result_id`, `tag_id`).
fn add_result_counts(changes: &str, links: &str) -> String {
    let by_context = add(
        "result_count",
        "benchmark_id, site_id, flavor_id",
        &format!("SELECT benchmark_id, site_id, flavor_id, delta FROM ({changes}) ch"),
    );
    let by_day = add(
        "result_day_count",
        "day",
        &format!("SELECT (execution_datetime AT TIME ZONE 'UTC')::date AS day, delta FROM ({changes}) ch"),
    );
    let by_tag = add(
        "result_tag_count",
        "tag_id, benchmark_id, site_id, flavor_id",
        &format!(
            "SELECT t.tag_id, ch.benchmark_id, ch.site_id, ch.flavor_id, ch.delta FROM ({changes}) ch \
             JOIN {links} t ON t.result_id = ch.id"
        ),
    );
    format!("{by_context} {by_day} {by_tag}")
}

/// The per-value and per-path counts of the numbers (in `result_number`) of `changes`: rows
/// (`id`, `benchmark_id`, `delta`) of visible results. When `delta` is negative, the values no
/// longer counted are dropped: the keys the upsert brought to zero are collected from its
/// `RETURNING` (into the variables [`ZERO_KEYS`] declares) and deleted by primary key, so the
/// cleanup never joins the changes again.
fn add_number_counts(changes: &str, delta: i32) -> String {
    let numbers = format!(
        "SELECT x.path, x.value, ch.benchmark_id, ch.delta FROM ({changes}) ch \
         JOIN result_number x ON x.result_id = ch.id"
    );
    let keys = "path, value, benchmark_id";
    let by_value = add("result_number_count", keys, &numbers);
    let by_path = add("result_path_count", "path, benchmark_id", &numbers);
    if delta > 0 {
        return format!("{by_value} {by_path}");
    }
    let by_value = by_value.trim_end_matches(';');
    format!(
        "WITH up AS ({by_value} RETURNING c.path, c.value, c.benchmark_id, c.n) \
         SELECT array_agg(path), array_agg(value), array_agg(benchmark_id) \
           INTO zero_paths, zero_values, zero_benchmarks FROM up WHERE n = 0; \
         {by_path} \
         IF zero_paths IS NOT NULL THEN DELETE FROM result_number_count c \
           USING unnest(zero_paths, zero_values, zero_benchmarks) AS z ({keys}) \
           WHERE c.path = z.path AND c.value = z.value AND c.benchmark_id = z.benchmark_id \
           AND c.n = 0; END IF;"
    )
}

/// The variables of [`add_number_counts`] with a negative delta.
const ZERO_KEYS: &str = "DECLARE zero_paths text[]; zero_values double precision[]; zero_benchmarks uuid[];";

/// What a row of `result_number` holds besides `(result_id, path, benchmark_id, value)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbers {
    /// Nothing (this migration).
    Plain,
    /// The result's site, flavor, execution time and `deleted` flag, copied from it (migration
    /// `number_context`): statistics read the numbers without the results.
    WithContext,
}

impl Numbers {
    /// The copied columns, each preceded by a comma (empty for [`Numbers::Plain`]).
    fn columns(self) -> &'static str {
        match self {
            Self::Plain => "",
            Self::WithContext => ", site_id, flavor_id, execution_datetime, deleted",
        }
    }

    /// Whether an updated row's numbers change (`o` before, `n` after, joined on id).
    fn changed(self) -> String {
        let columns = format!("json, benchmark_id{}", self.columns());
        let of =
            |alias: &str| columns.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ");
        format!("({}) IS DISTINCT FROM ({})", of("o"), of("n"))
    }
}

/// Stores the numbers of the `rows` (of `result`, aliased `n`) matching `when`.
fn insert_numbers(rows: &str, when: &str, shape: Numbers) -> String {
    let columns = shape.columns();
    let values = columns.replace(", ", ", n.");
    format!(
        "INSERT INTO result_number (result_id, path, benchmark_id, value{columns}) \
         SELECT n.id, x.path, n.benchmark_id, x.value{values} FROM {rows}, result_numbers(n.json) x \
         WHERE {when};"
    )
}

/// The columns of a result (`alias`) as a change of `delta`, when visible.
fn changes_of(rows: &str, alias: &str, delta: i32, when: &str) -> String {
    format!(
        "SELECT {alias}.id, {alias}.benchmark_id, {alias}.site_id, {alias}.flavor_id, \
         {alias}.execution_datetime, {delta} AS delta FROM {rows} WHERE NOT {alias}.deleted AND {when}"
    )
}

/// The function of the insert trigger, storing numbers of the `shape`.
pub(crate) fn insert_trigger(shape: Numbers) -> String {
    let changes = changes_of("new_rows n", "n", 1, "true");
    let body = format!(
        "{} {} {}",
        insert_numbers("new_rows n", "true", shape),
        add_result_counts(&changes, "result_tag"),
        add_number_counts(&changes, 1)
    );
    function("result_derived_insert", "", &body)
}

/// What derived data depends on, of an updated row (`o` before, `n` after, joined on id).
const DERIVED_FROM: &str = "(o.deleted, o.benchmark_id, o.site_id, o.flavor_id, o.execution_datetime, \
    o.json) IS DISTINCT FROM (n.deleted, n.benchmark_id, n.site_id, n.flavor_id, n.execution_datetime, \
    n.json)";

/// Updates changing nothing derived (most rows of most updates) cost a join and nothing else.
/// The old rows' numbers are subtracted before they are replaced, the new ones added after;
/// only rows whose document or benchmark changed are re-read (`OFFSET 0` keeps the planner from
/// walking every document before filtering). Numbers of the `shape` are stored.
pub(crate) fn update_trigger(shape: Numbers) -> String {
    let numbers_from = shape.changed();
    let before = "old_rows o LEFT JOIN new_rows n ON n.id = o.id";
    let after = "new_rows n LEFT JOIN old_rows o ON o.id = n.id";
    let old_changed = changes_of(before, "o", -1, &format!("(n.id IS NULL OR {DERIVED_FROM})"));
    let new_changed = changes_of(after, "n", 1, &format!("(o.id IS NULL OR {DERIVED_FROM})"));
    let body = format!(
        "IF NOT EXISTS (SELECT 1 FROM old_rows o FULL JOIN new_rows n ON n.id = o.id \
           WHERE o.id IS NULL OR n.id IS NULL OR {DERIVED_FROM}) THEN RETURN NULL; END IF; \
         {} {} \
         DELETE FROM result_number x USING (SELECT o.id FROM {before} \
           WHERE n.id IS NULL OR {numbers_from} OFFSET 0) g WHERE x.result_id = g.id; \
         DELETE FROM result_number x USING new_rows n WHERE x.result_id = n.id \
           AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id); \
         {} {}",
        add_result_counts(&format!("{old_changed} UNION ALL {new_changed}"), "result_tag"),
        add_number_counts(&old_changed, -1),
        insert_numbers(
            &format!("(SELECT n.* FROM {after} WHERE o.id IS NULL OR {numbers_from} OFFSET 0) n"),
            "true",
            shape,
        ),
        add_number_counts(&new_changed, 1),
    );
    function("result_derived_update", ZERO_KEYS, &body)
}

/// The deleted results' links are parked in `result_tag_gone`, their numbers still there.
fn delete_trigger() -> String {
    let changes = changes_of("old_rows o", "o", -1, "true");
    let body = format!(
        "{} {} DELETE FROM result_number x USING old_rows o WHERE x.result_id = o.id; \
         DELETE FROM result_tag_gone g USING old_rows o WHERE g.result_id = o.id;",
        add_result_counts(&changes, "result_tag_gone"),
        add_number_counts(&changes, -1)
    );
    function("result_derived_delete", ZERO_KEYS, &body)
}

/// The count changes of `links` (an alias `l` with `result_id` and `tag_id`) whose result is
/// visible, by `delta`.
fn link_changes(links: &str, delta: i32) -> String {
    format!(
        "SELECT l.tag_id, r.benchmark_id, r.site_id, r.flavor_id, {delta} AS delta FROM {links} \
         JOIN result r ON r.id = l.result_id WHERE NOT r.deleted"
    )
}

const TAG_KEYS: &str = "tag_id, benchmark_id, site_id, flavor_id";

fn tag_insert_trigger() -> String {
    let body = add("result_tag_count", TAG_KEYS, &link_changes("new_links l", 1));
    function("result_tag_derived_insert", "", &body)
}

fn tag_update_trigger() -> String {
    let changes = format!("{} UNION ALL {}", link_changes("old_links l", -1), link_changes("new_links l", 1));
    function("result_tag_derived_update", "", &add("result_tag_count", TAG_KEYS, &changes))
}

/// Links whose result is gone were removed by its deletion's cascade, and parked before it.
fn tag_delete_trigger() -> String {
    function(
        "result_tag_derived_delete",
        "",
        &add("result_tag_count", TAG_KEYS, &link_changes("old_links l", -1)),
    )
}

/// Parks the tag links of a visible result about to be deleted (see the module comment).
const PARK: &str = "CREATE FUNCTION result_derived_park() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
    INSERT INTO result_tag_gone (result_id, tag_id) SELECT result_id, tag_id FROM result_tag \
    WHERE result_id = OLD.id; RETURN OLD; END $$";

/// The numbers of the documents already there.
const BACKFILL_NUMBERS: &str = "INSERT INTO result_number (result_id, path, benchmark_id, value) \
     SELECT r.id, x.path, r.benchmark_id, x.value FROM result r, result_numbers(r.json) x";
