-- Seeds a migrated eosc-perf PostgreSQL database with :n results shaped like the c-ray example
-- of the user guide (about 700 bytes each), all of one benchmark, site and flavor (the worst
-- case for per-context indexes), plus a few other catalog rows. 1 % of the results are hidden
-- (claimed), 10 % carry the tag `hpc`. Usage:
--   psql -v n=1000000 -f bench/sql/seed_million.sql postgres://postgres@127.0.0.1:5432/perf1m
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO "user" (sub, iss, email, registration_datetime)
VALUES ('seed', 'https://seed.example', 'seed@example.org', now());

INSERT INTO benchmark (id, docker_image, docker_tag, url, json_schema, description, uploader_sub, uploader_iss, upload_datetime, status)
SELECT '1cc7814e-131f-4002-803a-434a287cf135', 'thechristophe/openbench-c-ray', 'latest',
  'https://openbenchmarking.org/test/pts/c-ray',
  '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["arguments","machine","result","test","units"],
    "properties":{"arguments":{"const":"Total Time - 4K, 16 Rays Per Pixel"},
    "machine":{"type":"object","properties":{"cpu":{"type":"object","properties":{
      "arch":{"description":"Processor architecture","suggestToUser":true,"type":"string"},
      "bits":{"description":"Processor address size","type":"number"},
      "brand_raw":{"description":"Human-readable processor branding","type":"string"},
      "count":{"description":"Processor core count","suggestToUser":true,"type":"number"},
      "hz_actual":{"description":"Measured clock frequency in Hz","type":"number"},
      "l2_cache_size":{"description":"Level 2 cache size in bytes","type":"number"},
      "vendor_id_raw":{"description":"Processor vendor","type":"string"}}},
      "memory":{"type":"object","properties":{"total":{"description":"Memory in bytes","type":"number"}}},
      "os":{"type":"object","properties":{"name":{"type":"string"},"kernel":{"type":"string"}}}}},
    "result":{"type":"object","required":["score"],"properties":{
      "all_results":{"description":"Colon separated scores of each run","type":"string"},
      "score":{"description":"Mean time in seconds","type":"number"}}},
    "score":{"description":"Mean time in seconds, repeated at top level","type":"number"},
    "test":{"const":"pts/c-ray-1.2.0"},
    "units":{"const":"Seconds"}}}'::jsonb,
  'Compare cpu perf with multithreaded raytracing', 'seed', 'https://seed.example', now(), 'approved';
INSERT INTO benchmark (id, docker_image, docker_tag, url, json_schema, description, uploader_sub, uploader_iss, upload_datetime, status)
SELECT gen_random_uuid(), 'deephdc/deep-oc-benchmarks_cnn', 'tag' || i, 'https://example.org', '{"type":"object"}', NULL,
  'seed', 'https://seed.example', now(), 'approved' FROM generate_series(1, 4) i;

INSERT INTO site (id, name, address, description, uploader_sub, uploader_iss, upload_datetime, status)
VALUES ('17fb17c9-107c-4571-ab1e-120299878342', 'CESNET-MCC', 'unknown', NULL, 'seed', 'https://seed.example', now(), 'approved');
INSERT INTO site (id, name, address, description, uploader_sub, uploader_iss, upload_datetime, status)
SELECT gen_random_uuid(), 'site' || i, 'address' || i, NULL, 'seed', 'https://seed.example', now(), 'approved'
FROM generate_series(1, 4) i;
INSERT INTO flavor (id, name, description, site_id, uploader_sub, uploader_iss, upload_datetime, status)
VALUES ('01210775-cc77-472d-a061-c98760dbb883', 'hpc.8core-16ram', '', '17fb17c9-107c-4571-ab1e-120299878342',
  'seed', 'https://seed.example', now(), 'approved');
INSERT INTO flavor (id, name, description, site_id, uploader_sub, uploader_iss, upload_datetime, status)
SELECT gen_random_uuid(), 'flavor' || s.name, NULL, s.id, 'seed', 'https://seed.example', now(), 'approved'
FROM site s WHERE s.name LIKE 'site%';
INSERT INTO tag (id, name, description) VALUES
  ('92f7443d-1991-4bee-8b58-a4189c586a08', 'hpc', 'Result executed in hpc system'),
  ('08156712-4607-469d-903a-d3033b44ab9d', 'gpu', 'Result executed using gpu');

CREATE TEMP TABLE seed_rows AS
SELECT i, gen_random_uuid() AS id,
  timestamptz '2019-01-01 00:00:00+00' + (random() * 2190 * 86400) * interval '1 second' AS executed,
  (ARRAY[2, 4, 8, 16, 32, 64])[1 + floor(random() * 6)::int] AS cpus,
  round((50 + random() * 250)::numeric, 3) AS score
FROM generate_series(1, :n) i;

INSERT INTO result (id, execution_datetime, json, benchmark_id, site_id, flavor_id, deleted, deleted_by_admin,
  uploader_sub, uploader_iss, upload_datetime)
SELECT id, executed,
  jsonb_build_object(
    'arguments', 'Total Time - 4K, 16 Rays Per Pixel',
    'machine', jsonb_build_object(
      'cpu', jsonb_build_object('arch', 'X86_64', 'bits', 64,
        'brand_raw', 'Intel(R) Xeon(R) Gold 6138 CPU @ 2.00GHz', 'count', cpus,
        'hz_actual', 2000000000 + (i % 1000) * 1000, 'l2_cache_size', 1048576 * cpus,
        'vendor_id_raw', 'GenuineIntel'),
      'memory', jsonb_build_object('total', cpus::bigint * 2147483648),
      'os', jsonb_build_object('name', 'Ubuntu 20.04', 'kernel', '5.4.0-' || (i % 100) || '-generic')),
    'result', jsonb_build_object('all_results', (score - 1) || ':' || (score + 1) || ':' || score, 'score', score),
    'score', score,
    'test', 'pts/c-ray-1.2.0',
    'units', 'Seconds'),
  '1cc7814e-131f-4002-803a-434a287cf135', '17fb17c9-107c-4571-ab1e-120299878342',
  '01210775-cc77-472d-a061-c98760dbb883', i % 100 = 0, false, 'seed', 'https://seed.example',
  executed + interval '1 day'
FROM seed_rows;

INSERT INTO result_tag (result_id, tag_id)
SELECT id, '92f7443d-1991-4bee-8b58-a4189c586a08' FROM seed_rows WHERE i % 10 = 3;
COMMIT;
VACUUM ANALYZE;
