-- Seeds a migrated eosc-perf SQLite database with 100 000 results shaped like
-- seed_million.sql's (same catalog ids, documents and proportions). Usage:
--   sqlite3 perf100k.db < bench/sql/seed_sqlite.sql
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO "user" VALUES ('seed', 'https://seed.example', 'seed@example.org', '2024-01-01T00:00:00+00:00');
INSERT INTO benchmark (id, docker_image, docker_tag, url, json_schema, description, uploader_sub, uploader_iss, upload_datetime, status)
VALUES (X'1cc7814e131f4002803a434a287cf135', 'thechristophe/openbench-c-ray', 'latest', 'https://openbenchmarking.org/test/pts/c-ray',
  '{"type":"object"}', 'Compare cpu perf with multithreaded raytracing', 'seed', 'https://seed.example', '2024-01-01T00:00:00+00:00', 'approved');
INSERT INTO site (id, name, address, description, uploader_sub, uploader_iss, upload_datetime, status)
VALUES (X'17fb17c9107c4571ab1e120299878342', 'CESNET-MCC', 'unknown', NULL, 'seed', 'https://seed.example', '2024-01-01T00:00:00+00:00', 'approved');
INSERT INTO flavor (id, name, description, site_id, uploader_sub, uploader_iss, upload_datetime, status)
VALUES (X'01210775cc77472da061c98760dbb883', 'hpc.8core-16ram', '', X'17fb17c9107c4571ab1e120299878342', 'seed', 'https://seed.example', '2024-01-01T00:00:00+00:00', 'approved');
INSERT INTO tag (id, name, description) VALUES (X'92f7443d19914bee8b58a4189c586a08', 'hpc', 'Result executed in hpc system');
CREATE TEMP TABLE seed_rows AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
SELECT i, randomblob(16) AS id, abs(random()) % (2190 * 86400) AS secs,
  (2 << (abs(random()) % 6)) AS cpus, round(50 + (abs(random()) % 250000) / 1000.0, 3) AS score FROM n;
INSERT INTO result (id, execution_datetime, json, benchmark_id, site_id, flavor_id, deleted, deleted_by_admin, uploader_sub, uploader_iss, upload_datetime)
SELECT id, strftime('%Y-%m-%dT%H:%M:%S+00:00', 1546300800 + secs, 'unixepoch'),
  json_object('arguments', 'Total Time - 4K, 16 Rays Per Pixel',
    'machine', json_object('cpu', json_object('arch', 'X86_64', 'bits', 64, 'brand_raw', 'Intel(R) Xeon(R) Gold 6138 CPU @ 2.00GHz',
        'count', cpus, 'hz_actual', 2000000000 + (i % 1000) * 1000, 'l2_cache_size', 1048576 * cpus, 'vendor_id_raw', 'GenuineIntel'),
      'memory', json_object('total', cpus * 2147483648),
      'os', json_object('name', 'Ubuntu 20.04', 'kernel', '5.4.0-' || (i % 100) || '-generic')),
    'result', json_object('all_results', (score - 1) || ':' || (score + 1) || ':' || score, 'score', score),
    'score', score, 'test', 'pts/c-ray-1.2.0', 'units', 'Seconds'),
  X'1cc7814e131f4002803a434a287cf135', X'17fb17c9107c4571ab1e120299878342', X'01210775cc77472da061c98760dbb883',
  i % 100 = 0, 0, 'seed', 'https://seed.example', strftime('%Y-%m-%dT%H:%M:%S+00:00', 1546300800 + secs + 86400, 'unixepoch')
FROM seed_rows;
INSERT INTO result_tag SELECT id, X'92f7443d19914bee8b58a4189c586a08' FROM seed_rows WHERE i % 10 = 3;
COMMIT;
ANALYZE;
