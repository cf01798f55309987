//! PostgreSQL: plpgsql row triggers. Every trigger first takes the change counter's row lock (the
//! lock the statement-level counter bump takes anyway), so count rows are only ever locked by
//! the one transaction holding it: no two writers can deadlock on them, and each trigger reads
//! the result and tag rows after every earlier writer has committed.

use super::{COUNT_TABLES, GOOD_KEY_PG};

/// The statements creating functions, triggers and indexes, then the backfill.
pub fn up() -> Vec<String> {
    let mut sql = vec![
        "LOCK TABLE result, result_tag IN SHARE ROW EXCLUSIVE MODE".to_owned(),
        "CREATE TABLE result_count (benchmark_id uuid NOT NULL, site_id uuid NOT NULL, \
         flavor_id uuid NOT NULL, n bigint NOT NULL, PRIMARY KEY (benchmark_id, site_id, flavor_id))"
            .to_owned(),
        "CREATE TABLE result_tag_count (tag_id uuid NOT NULL, benchmark_id uuid NOT NULL, \
         site_id uuid NOT NULL, flavor_id uuid NOT NULL, n bigint NOT NULL, \
         PRIMARY KEY (tag_id, benchmark_id, site_id, flavor_id))"
            .to_owned(),
        "CREATE TABLE result_day_count (day date NOT NULL PRIMARY KEY, n bigint NOT NULL)".to_owned(),
        "CREATE TABLE result_number (result_id uuid NOT NULL REFERENCES result (id) ON DELETE CASCADE, \
         path text NOT NULL, benchmark_id uuid NOT NULL, value double precision NOT NULL, \
         PRIMARY KEY (result_id, path))"
            .to_owned(),
        "CREATE TABLE result_number_count (path text NOT NULL, value double precision NOT NULL, \
         benchmark_id uuid NOT NULL, n bigint NOT NULL, PRIMARY KEY (path, value, benchmark_id))"
            .to_owned(),
        "CREATE TABLE result_path_count (path text NOT NULL, benchmark_id uuid NOT NULL, \
         n bigint NOT NULL, PRIMARY KEY (path, benchmark_id))"
            .to_owned(),
        numbers_function(),
        APPLY_COUNTS.to_owned(),
        INSERT_TRIGGER.to_owned(),
        UPDATE_TRIGGER.to_owned(),
        DELETE_TRIGGER.to_owned(),
        TAG_TRIGGER.to_owned(),
        "CREATE TRIGGER result_derived_insert AFTER INSERT ON result \
         FOR EACH ROW EXECUTE FUNCTION result_derived_insert()"
            .to_owned(),
        "CREATE TRIGGER result_derived_update AFTER UPDATE OF id, deleted, benchmark_id, site_id, \
         flavor_id, execution_datetime, json ON result FOR EACH ROW EXECUTE FUNCTION result_derived_update()"
            .to_owned(),
        // BEFORE: the result's tags and numbers are still there to be subtracted.
        "CREATE TRIGGER result_derived_delete BEFORE DELETE ON result \
         FOR EACH ROW EXECUTE FUNCTION result_derived_delete()"
            .to_owned(),
        "CREATE TRIGGER result_tag_derived AFTER INSERT OR UPDATE OR DELETE ON result_tag \
         FOR EACH ROW EXECUTE FUNCTION result_tag_derived()"
            .to_owned(),
    ];
    sql.extend(BACKFILL.iter().map(|s| (*s).to_owned()));
    sql.push(
        "CREATE INDEX ix_result_number_path_value ON result_number (path, value, benchmark_id, result_id)"
            .into(),
    );
    sql
}

/// The statements undoing [`up`].
pub fn down() -> Vec<String> {
    let mut sql: Vec<String> = [
        "DROP TRIGGER IF EXISTS result_derived_insert ON result",
        "DROP TRIGGER IF EXISTS result_derived_update ON result",
        "DROP TRIGGER IF EXISTS result_derived_delete ON result",
        "DROP TRIGGER IF EXISTS result_tag_derived ON result_tag",
        "DROP FUNCTION IF EXISTS result_derived_insert()",
        "DROP FUNCTION IF EXISTS result_derived_update()",
        "DROP FUNCTION IF EXISTS result_derived_delete()",
        "DROP FUNCTION IF EXISTS result_tag_derived()",
        "DROP FUNCTION IF EXISTS result_apply_counts(result, integer)",
        "DROP FUNCTION IF EXISTS result_numbers(jsonb)",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    sql.extend(COUNT_TABLES.iter().map(|t| format!("DROP TABLE IF EXISTS {t}")));
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

/// `result_apply_counts(r, delta)`: adds `delta` (±1) to every count `r` is part of.
const APPLY_COUNTS: &str = "CREATE FUNCTION result_apply_counts(r result, delta integer) RETURNS void \
LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO result_count AS c VALUES (r.benchmark_id, r.site_id, r.flavor_id, delta)
    ON CONFLICT (benchmark_id, site_id, flavor_id) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO result_day_count AS c VALUES ((r.execution_datetime AT TIME ZONE 'UTC')::date, delta)
    ON CONFLICT (day) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO result_tag_count AS c
    SELECT t.tag_id, r.benchmark_id, r.site_id, r.flavor_id, delta FROM result_tag t WHERE t.result_id = r.id
    ON CONFLICT (tag_id, benchmark_id, site_id, flavor_id) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO result_number_count AS c
    SELECT x.path, x.value, r.benchmark_id, delta FROM result_number x WHERE x.result_id = r.id
    ON CONFLICT (path, value, benchmark_id) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO result_path_count AS c
    SELECT x.path, r.benchmark_id, delta FROM result_number x WHERE x.result_id = r.id
    ON CONFLICT (path, benchmark_id) DO UPDATE SET n = c.n + excluded.n;
  IF delta < 0 THEN
    DELETE FROM result_number_count c USING result_number x
      WHERE x.result_id = r.id AND c.path = x.path AND c.value = x.value
        AND c.benchmark_id = r.benchmark_id AND c.n = 0;
  END IF;
END $$";

/// Lock of the change counter's row (see the module comment).
macro_rules! lock_counter {
    () => {
        "PERFORM 1 FROM change_counter WHERE id = 1 FOR NO KEY UPDATE;"
    };
}

const INSERT_TRIGGER: &str = concat!(
    "CREATE FUNCTION result_derived_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ",
    lock_counter!(),
    " INSERT INTO result_number (result_id, path, benchmark_id, value)
    SELECT NEW.id, x.path, NEW.benchmark_id, x.value FROM result_numbers(NEW.json) x;
  IF NOT NEW.deleted THEN PERFORM result_apply_counts(NEW, 1); END IF;
  RETURN NULL;
END $$"
);

const UPDATE_TRIGGER: &str = concat!(
    "CREATE FUNCTION result_derived_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF (OLD.id, OLD.deleted, OLD.benchmark_id, OLD.site_id, OLD.flavor_id, OLD.execution_datetime, OLD.json)
     IS NOT DISTINCT FROM
     (NEW.id, NEW.deleted, NEW.benchmark_id, NEW.site_id, NEW.flavor_id, NEW.execution_datetime, NEW.json)
  THEN RETURN NULL; END IF; ",
    lock_counter!(),
    " IF NOT OLD.deleted THEN PERFORM result_apply_counts(OLD, -1); END IF;
  IF (OLD.json, OLD.benchmark_id, OLD.id) IS DISTINCT FROM (NEW.json, NEW.benchmark_id, NEW.id) THEN
    DELETE FROM result_number WHERE result_id IN (OLD.id, NEW.id);
    INSERT INTO result_number (result_id, path, benchmark_id, value)
      SELECT NEW.id, x.path, NEW.benchmark_id, x.value FROM result_numbers(NEW.json) x;
  END IF;
  IF NOT NEW.deleted THEN PERFORM result_apply_counts(NEW, 1); END IF;
  RETURN NULL;
END $$"
);

const DELETE_TRIGGER: &str = concat!(
    "CREATE FUNCTION result_derived_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF NOT OLD.deleted THEN ",
    lock_counter!(),
    " PERFORM result_apply_counts(OLD, -1); END IF;
  RETURN OLD;
END $$"
);

/// A link counts while its result is visible. When the result itself is being deleted the
/// result's own trigger already subtracted its links, and the result is no longer found here.
const TAG_TRIGGER: &str = concat!(
    "CREATE FUNCTION result_tag_derived() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r result;
BEGIN ",
    lock_counter!(),
    " IF TG_OP IN ('DELETE', 'UPDATE') THEN
    SELECT * INTO r FROM result WHERE id = OLD.result_id;
    IF FOUND AND NOT r.deleted THEN
      INSERT INTO result_tag_count AS c VALUES (OLD.tag_id, r.benchmark_id, r.site_id, r.flavor_id, -1)
        ON CONFLICT (tag_id, benchmark_id, site_id, flavor_id) DO UPDATE SET n = c.n + excluded.n;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT * INTO r FROM result WHERE id = NEW.result_id;
    IF FOUND AND NOT r.deleted THEN
      INSERT INTO result_tag_count AS c VALUES (NEW.tag_id, r.benchmark_id, r.site_id, r.flavor_id, 1)
        ON CONFLICT (tag_id, benchmark_id, site_id, flavor_id) DO UPDATE SET n = c.n + excluded.n;
    END IF;
  END IF;
  RETURN NULL;
END $$"
);

/// Derives everything from the rows already there (the triggers keep it from now on).
const BACKFILL: [&str; 6] = [
    "INSERT INTO result_number (result_id, path, benchmark_id, value) \
     SELECT r.id, x.path, r.benchmark_id, x.value FROM result r, result_numbers(r.json) x",
    "INSERT INTO result_count SELECT benchmark_id, site_id, flavor_id, count(*) FROM result \
     WHERE NOT deleted GROUP BY 1, 2, 3",
    "INSERT INTO result_day_count SELECT (execution_datetime AT TIME ZONE 'UTC')::date, count(*) \
     FROM result WHERE NOT deleted GROUP BY 1",
    "INSERT INTO result_tag_count SELECT t.tag_id, r.benchmark_id, r.site_id, r.flavor_id, count(*) \
     FROM result_tag t JOIN result r ON r.id = t.result_id WHERE NOT r.deleted GROUP BY 1, 2, 3, 4",
    "INSERT INTO result_number_count SELECT x.path, x.value, x.benchmark_id, count(*) \
     FROM result_number x JOIN result r ON r.id = x.result_id WHERE NOT r.deleted GROUP BY 1, 2, 3",
    "INSERT INTO result_path_count SELECT x.path, x.benchmark_id, count(*) \
     FROM result_number x JOIN result r ON r.id = x.result_id WHERE NOT r.deleted GROUP BY 1, 2",
];
