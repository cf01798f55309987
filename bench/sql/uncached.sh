#!/usr/bin/env bash
# Times single requests that no cache can answer: before each request the change counter is
# incremented, as any write does, so the server recomputes the total and the page.
#   bench/sql/uncached.sh http://127.0.0.1:5900 'psql -qAt postgres://postgres@127.0.0.1/perf1m'
#   bench/sql/uncached.sh http://127.0.0.1:5901 'sqlite3 /tmp/perf100k.db'
# Prints, per request: min, median and max of the total time (ms) over RUNS runs.
set -euo pipefail
base=$1
sql=$2
runs=${RUNS:-15}
declare -a requests=(
  "list|/results?per_page=100"
  "page 5000|/results?per_page=100&page=${DEEP_PAGE:-5000}"
  "json filter|/results?per_page=100&filters=machine.cpu.count%20%3E%2016"
  "json sort|/results?per_page=100&sort_by=-json.result.score"
  "search|/results:search?per_page=100&terms=c-ray"
)
printf '| request | min ms | median ms | max ms |\n|---|---:|---:|---:|\n'
for entry in "${requests[@]}"; do
  name=${entry%%|*}
  path=${entry#*|}
  times=()
  for _ in $(seq "$runs"); do
    echo "UPDATE change_counter SET n = n + 1 WHERE id = 1;" | $sql > /dev/null
    t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$base$path")
    [[ ${t%% *} == 200 ]] || { echo "$path answered ${t%% *}" >&2; exit 1; }
    times+=("${t#* }")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" '
    { v[NR] = $1 * 1000 }
    END { printf "| %s | %.1f | %.1f | %.1f |\n", name, v[1], v[int((NR + 1) / 2)], v[NR] }'
done
