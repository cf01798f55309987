#!/usr/bin/env bash
# Measures one export (GET /results:export) of a running server: wall time, rows/s, CPU of the
# server and of every PostgreSQL process (from /proc/<pid>/stat), the server's RSS growth
# (VmRSS sampled every 0.2 s) and the bytes sent.
#   bench/sql/export.sh http://127.0.0.1:5912 <server pid> 'format=csv'
#   bench/sql/export.sh http://127.0.0.1:5912 <server pid> 'format=csv&columns=id&columns=json.result.score'
set -euo pipefail
base=$1
server=$2
query=$3
out=$(mktemp)
samples=$(mktemp)
trap 'rm -f "$out" "$samples"' EXIT
ticks=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_cpu() {
  local sum=0
  for pid in $(pgrep -u postgres postgres || true); do sum=$((sum + $(cpu_of "$pid"))); done
  echo "$sum"
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
rss0=$(rss); server0=$(cpu_of "$server"); postgres0=$(postgres_cpu)
(while true; do rss >> "$samples"; sleep 0.2; done) &
sampler=$!
seconds=$(curl -s -o "$out" -w '%{time_total}' "$base/results:export?$query")
kill "$sampler"
server1=$(cpu_of "$server"); postgres1=$(postgres_cpu)
rss_max=$(sort -n "$samples" | tail -n 1)
lines=$(wc -l < "$out")
case $query in *ndjson*) rows=$lines ;; *) rows=$((lines - 1)) ;; esac
awk -v t="$seconds" -v rows="$rows" -v s=$((server1 - server0)) -v p=$((postgres1 - postgres0)) \
  -v hz="$ticks" -v grow=$(( (rss_max - rss0) / 1024 )) -v bytes="$(stat -c %s "$out")" \
  'BEGIN { printf "%.1f s, %d rows, %.0f rows/s, server CPU %.1f s, PostgreSQL CPU %.1f s, RSS +%d MiB, %.0f MB\n",
           t, rows, rows / t, s / hz, p / hz, grow, bytes / 1e6 }'
