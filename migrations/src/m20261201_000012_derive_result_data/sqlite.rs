//! SQLite: SQL row triggers (one writer at a time, so no locking order to keep), numeric leaves
//! from a recursive walk over `json_each()`. Id columns are declared `uuid_text` as SeaORM declares them: with the
//! same (text) affinity on both sides, a join on ids can use the other table's index.

use super::{COUNT_TABLES, backfill_counts};

/// The statements creating tables, triggers and indexes, then the backfill.
pub fn up() -> Vec<String> {
    let mut sql = vec![
        "CREATE TABLE result_count (benchmark_id uuid_text NOT NULL, site_id uuid_text NOT NULL, \
         flavor_id uuid_text NOT NULL, n bigint NOT NULL, PRIMARY KEY (benchmark_id, site_id, flavor_id))"
            .to_owned(),
        "CREATE TABLE result_tag_count (tag_id uuid_text NOT NULL, benchmark_id uuid_text NOT NULL, \
         site_id uuid_text NOT NULL, flavor_id uuid_text NOT NULL, n bigint NOT NULL, \
         PRIMARY KEY (tag_id, benchmark_id, site_id, flavor_id))"
            .to_owned(),
        "CREATE TABLE result_day_count (day text NOT NULL PRIMARY KEY, n bigint NOT NULL)".to_owned(),
        "CREATE TABLE result_number (result_id uuid_text NOT NULL REFERENCES result (id) ON DELETE CASCADE, \
         path text NOT NULL, benchmark_id uuid_text NOT NULL, value real NOT NULL, PRIMARY KEY (result_id, path))"
            .to_owned(),
        "CREATE TABLE result_number_count (path text NOT NULL, value real NOT NULL, \
         benchmark_id uuid_text NOT NULL, n bigint NOT NULL, PRIMARY KEY (path, value, benchmark_id))"
            .to_owned(),
        "CREATE TABLE result_path_count (path text NOT NULL, benchmark_id uuid_text NOT NULL, \
         n bigint NOT NULL, PRIMARY KEY (path, benchmark_id))"
            .to_owned(),
        format!(
            "CREATE TRIGGER result_derived_insert AFTER INSERT ON result BEGIN {} {} END",
            insert_numbers(&document_of("NEW")),
            apply_counts("NEW", 1)
        ),
        format!(
            "CREATE TRIGGER result_derived_update AFTER UPDATE OF id, deleted, benchmark_id, site_id, \
             flavor_id, execution_datetime, json ON result WHEN {CHANGED} BEGIN {} \
             DELETE FROM result_number WHERE result_id IN (OLD.id, NEW.id); {} {} END",
            apply_counts("OLD", -1),
            insert_numbers(&document_of("NEW")),
            apply_counts("NEW", 1)
        ),
        // BEFORE: the result's tags and numbers are still there to be subtracted.
        format!(
            "CREATE TRIGGER result_derived_delete BEFORE DELETE ON result BEGIN {} END",
            apply_counts("OLD", -1)
        ),
        format!(
            "CREATE TRIGGER result_tag_derived_insert AFTER INSERT ON result_tag BEGIN {} END",
            tag_count("NEW", 1)
        ),
        format!(
            "CREATE TRIGGER result_tag_derived_delete AFTER DELETE ON result_tag BEGIN {} END",
            tag_count("OLD", -1)
        ),
        format!(
            "CREATE TRIGGER result_tag_derived_update AFTER UPDATE ON result_tag BEGIN {} {} END",
            tag_count("OLD", -1),
            tag_count("NEW", 1)
        ),
    ];
    sql.extend(backfill());
    sql.push(
        "CREATE INDEX ix_result_number_path_value ON result_number (path, value, benchmark_id, result_id)"
            .into(),
    );
    sql
}

/// The statements undoing [`up`].
pub fn down() -> Vec<String> {
    let triggers = [
        "result_derived_insert",
        "result_derived_update",
        "result_derived_delete",
        "result_tag_derived_insert",
        "result_tag_derived_delete",
        "result_tag_derived_update",
    ];
    let mut sql: Vec<String> = triggers.iter().map(|t| format!("DROP TRIGGER IF EXISTS {t}")).collect();
    sql.extend(COUNT_TABLES.iter().map(|t| format!("DROP TABLE IF EXISTS {t}")));
    sql
}

/// Whether an update changed anything derived data depends on.
const CHANGED: &str = "OLD.id IS NOT NEW.id OR OLD.deleted IS NOT NEW.deleted \
    OR OLD.benchmark_id IS NOT NEW.benchmark_id OR OLD.site_id IS NOT NEW.site_id \
    OR OLD.flavor_id IS NOT NEW.flavor_id OR OLD.execution_datetime IS NOT NEW.execution_datetime \
    OR OLD.json IS NOT NEW.json";

/// Whether the JSON object key `key` is a plain name (see the module above).
fn plain_key(key: &str) -> String {
    format!("{key} <> '' AND {key} NOT GLOB '*[^A-Za-z0-9_]*' AND {key} NOT GLOB '[0-9]*'")
}

/// Inserts the numeric leaves of the documents in `documents` (a subquery of `id`,
/// `benchmark_id` and `doc`) reached through object keys only: a recursive walk over
/// `json_each()` that enters objects through plain names and nothing else (arrays and other keys
/// are never entered). Each object's text is read once per level above it: linear in the
/// document's size for a bounded nesting depth (the old `json_tree()` self-join was quadratic).
fn insert_numbers(documents: &str) -> String {
    let plain = plain_key("e.key");
    format!(
        "INSERT INTO result_number (result_id, path, benchmark_id, value) \
         SELECT id, path, benchmark_id, CAST(atom AS REAL) FROM ( \
         WITH RECURSIVE node (id, benchmark_id, path, value, type, atom) AS ( \
           SELECT d.id, d.benchmark_id, e.key, e.value, e.type, e.atom FROM {documents} AS d, \
             json_each(CASE WHEN json_type(d.doc) = 'object' THEN d.doc ELSE '{{}}' END) AS e \
           WHERE {plain} \
           UNION ALL \
           SELECT node.id, node.benchmark_id, node.path || '.' || e.key, e.value, e.type, e.atom \
           FROM node, json_each(CASE WHEN node.type = 'object' THEN node.value ELSE '{{}}' END) AS e \
           WHERE {plain} \
         ) SELECT * FROM node WHERE type IN ('integer', 'real'));"
    )
}

/// The document of the row `row` (`NEW` in a trigger) for [`insert_numbers`].
fn document_of(row: &str) -> String {
    format!("(SELECT {row}.id AS id, {row}.benchmark_id AS benchmark_id, {row}.json AS doc)")
}

/// Adds `delta` to every count `row` (`NEW` or `OLD`) is part of, when it is visible.
fn apply_counts(row: &str, delta: i32) -> String {
    let visible = format!("NOT {row}.deleted");
    let mut sql = format!(
        "INSERT INTO result_count (benchmark_id, site_id, flavor_id, n) \
         SELECT {row}.benchmark_id, {row}.site_id, {row}.flavor_id, {delta} WHERE {visible} \
         ON CONFLICT (benchmark_id, site_id, flavor_id) DO UPDATE SET n = n + excluded.n; \
         INSERT INTO result_day_count (day, n) SELECT date({row}.execution_datetime), {delta} WHERE {visible} \
         ON CONFLICT (day) DO UPDATE SET n = n + excluded.n; \
         INSERT INTO result_tag_count (tag_id, benchmark_id, site_id, flavor_id, n) \
         SELECT t.tag_id, {row}.benchmark_id, {row}.site_id, {row}.flavor_id, {delta} FROM result_tag t \
         WHERE t.result_id = {row}.id AND {visible} \
         ON CONFLICT (tag_id, benchmark_id, site_id, flavor_id) DO UPDATE SET n = n + excluded.n; \
         INSERT INTO result_number_count (path, value, benchmark_id, n) \
         SELECT x.path, x.value, {row}.benchmark_id, {delta} FROM result_number x \
         WHERE x.result_id = {row}.id AND {visible} \
         ON CONFLICT (path, value, benchmark_id) DO UPDATE SET n = n + excluded.n; \
         INSERT INTO result_path_count (path, benchmark_id, n) \
         SELECT x.path, {row}.benchmark_id, {delta} FROM result_number x \
         WHERE x.result_id = {row}.id AND {visible} \
         ON CONFLICT (path, benchmark_id) DO UPDATE SET n = n + excluded.n;"
    );
    if delta < 0 {
        sql.push_str(&format!(
            " DELETE FROM result_number_count WHERE n = 0 AND benchmark_id = {row}.benchmark_id \
             AND (path, value) IN (SELECT path, value FROM result_number WHERE result_id = {row}.id);"
        ));
    }
    sql
}

/// Adds `delta` to the count of the tag link `row` when its result exists and is visible (when
/// the result itself is being deleted, its own trigger already subtracted its links).
fn tag_count(row: &str, delta: i32) -> String {
    format!(
        "INSERT INTO result_tag_count (tag_id, benchmark_id, site_id, flavor_id, n) \
         SELECT {row}.tag_id, r.benchmark_id, r.site_id, r.flavor_id, {delta} FROM result r \
         WHERE r.id = {row}.result_id AND NOT r.deleted \
         ON CONFLICT (tag_id, benchmark_id, site_id, flavor_id) DO UPDATE SET n = n + excluded.n;"
    )
}

/// Derives everything from the rows already there (the triggers keep it from now on).
fn backfill() -> Vec<String> {
    let mut sql = vec![insert_numbers("(SELECT id, benchmark_id, json AS doc FROM result)")];
    sql.extend(backfill_counts("date(execution_datetime)"));
    sql
}
