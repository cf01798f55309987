#!/usr/bin/env python3
"""32 clients for SECONDS seconds, each sending the five requests of uncached.sh in turn with
random pages and thresholds (so that answers are rarely shared), while the change counter is
incremented every 100 ms (as writes would), so most totals and pages are computed afresh.

    bench/sql/mix.py http://127.0.0.1:5900 'psql -qAt postgres://postgres@127.0.0.1/perf1m'
"""
import http.client
import random
import subprocess
import sys
import threading
import time
import urllib.parse

BASE, SQL = sys.argv[1], sys.argv[2]
CLIENTS, SECONDS = 32, 20
URL = urllib.parse.urlparse(BASE)


def request_path(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return "list", f"/results?per_page=100&page={rng.randint(1, 5)}"
    if kind == 1:
        return "deep page", f"/results?per_page=100&page={rng.randint(1000, 9000)}"
    if kind == 2:
        return "json filter", f"/results?per_page=100&page={rng.randint(1, 5)}" \
            f"&filters=machine.cpu.count%20%3E%20{rng.choice([1, 2, 4, 8, 16])}"
    if kind == 3:
        return "json sort", f"/results?per_page=100&page={rng.randint(1, 5)}&sort_by=-json.result.score"
    return "search", f"/results:search?per_page=100&page={rng.randint(1, 5)}&terms=c-ray"


def client(seed, deadline, out):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    while time.monotonic() < deadline:
        name, path = request_path(rng)
        start = time.monotonic()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        out.append((name, resp.status, (time.monotonic() - start) * 1000))


def bumper(deadline):
    proc = subprocess.Popen(SQL, shell=True, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    while time.monotonic() < deadline:
        proc.stdin.write("UPDATE change_counter SET n = n + 1 WHERE id = 1;\n")
        proc.stdin.flush()
        time.sleep(0.1)
    proc.stdin.close()
    proc.wait()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    deadline = time.monotonic() + SECONDS
    out = []
    threads = [threading.Thread(target=client, args=(i, deadline, out)) for i in range(CLIENTS)]
    threads.append(threading.Thread(target=bumper, args=(deadline,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = sum(1 for _, status, _ in out if status != 200)
    print("| requests | errors | req/s | p50 ms | p99 ms | max ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    times = [ms for _, _, ms in out]
    print(f"| {len(out)} | {errors} | {len(out) / SECONDS:.0f} | {pct(times, 0.5):.1f} | "
          f"{pct(times, 0.99):.1f} | {max(times):.1f} |")
    print()
    print("| request | n | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for name in ["list", "deep page", "json filter", "json sort", "search"]:
        ts = [ms for n, _, ms in out if n == name]
        print(f"| {name} | {len(ts)} | {pct(ts, 0.5):.1f} | {pct(ts, 0.99):.1f} |")


main()
