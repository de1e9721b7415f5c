#!/usr/bin/env bash
# Node throughput and latency against redis-server (and Garnet when it installs), with redis-benchmark:
#
#   redis-benchmark -h 127.0.0.1 -p PORT -t set,get -c 50 -n 1000000 -r 100000 -d 32 -P 1   (and -P 16)
#
# BENCH_TESTS picks other redis-benchmark tests (e.g. BENCH_TESTS=lpush,lpop,sadd,zadd,lrange_100 for the data types).
#
# Every server runs at once on its own free 127.0.0.1 port; each round runs every target in turn at each pipeline
# depth, so drift on a shared machine hits all of them alike. Reported: the median over the rounds of rps and of
# p99 (ms), and each server's rps over redis-server's.
#
# usage: bench/compare-redis.sh [--targets hoard,redis,garnet] [--variant NAME:VAR=VALUE[,VAR=VALUE…]]…
#   targets: hoard redis garnet kestrel kestrel-direct (see bench/servers.sh); each --variant is added to them
#   env: REQUESTS (-n, default 1000000)  ROUNDS (3)  CLIENTS (-c, 50)  PIPELINES ("1 16")  KEYSPACE (-r, 100000)
#        VALUE_SIZE (-d, 32)  RUN_TIMEOUT (s per redis-benchmark run, 600)  MAX_SECONDS (whole run, 3600)
#        RESULTS (file for the raw per-run CSV; default a temp file)  BENCH_TESTS (-t, set,get)
# example (quick): REQUESTS=100000 ROUNDS=1 bench/compare-redis.sh
# example (issue 3): bench/compare-redis.sh --targets hoard,redis,kestrel \
#                      --variant hoard-inline:DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
set -euo pipefail
source "$(dirname "$0")/servers.sh"

REQUESTS=${REQUESTS:-1000000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-"1 16"}
KEYSPACE=${KEYSPACE:-100000}
VALUE_SIZE=${VALUE_SIZE:-32}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
MAX_SECONDS=${MAX_SECONDS:-3600}
RESULTS=${RESULTS:-$BENCH_LOGS/results.csv}

parse_target_args 2 19 "$@"
[[ " ${wanted[*]} " == *" redis "* ]] || { echo "--targets must include redis (the reference)" >&2; exit 2; }

read -r -a targets <<<"$(prepare_targets "${wanted[@]}")"
for t in "${targets[@]}"; do
  start_server "$t"
done

deadline=$((SECONDS + MAX_SECONDS))
echo "target,test,pipeline,round,rps,p99_ms,server_us,client_cpu" >"$RESULTS"

echo "load average before: $(cat /proc/loadavg)" >&2
log "warm-up: $((REQUESTS / 10)) requests per target at -P 16 (JIT, pools), not counted"
for t in "${targets[@]}"; do
  run_redis_benchmark "$t" 16 0 $((REQUESTS / 10)) || break
done

stopped=0
for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  for pipeline in $PIPELINES; do
    for t in "${targets[@]}"; do
      run_redis_benchmark "$t" "$pipeline" "$round" "$REQUESTS" || { stopped=1; break 3; }
    done
  done
done
echo "load average after:  $(cat /proc/loadavg)" >&2

echo
echo "== redis-benchmark -t $BENCH_TESTS -c $CLIENTS -n $REQUESTS -r $KEYSPACE -d $VALUE_SIZE, median of $ROUNDS round(s)$( ((stopped)) && echo ' (stopped early)') =="
echo "   $(nproc) cores; $(redis-server --version | awk '{print $1, $3}'); dotnet $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
python3 - "$RESULTS" "${targets[@]}" <<'EOF'
import csv, statistics, sys
path, targets = sys.argv[1], sys.argv[2:]
runs, cpu, tests = {}, {}, []
for row in csv.DictReader(open(path)):
    key = (row["target"], row["test"], int(row["pipeline"]))
    runs.setdefault(key, []).append((float(row["rps"]), float(row["p99_ms"])))
    if row["test"] not in tests:
        tests.append(row["test"])
    if row["test"] == tests[0] and row["server_us"]:  # one figure per run, the same on each of its tests' rows
        cpu.setdefault((row["target"], int(row["pipeline"])), []).append((float(row["server_us"]), float(row["client_cpu"])))
def med(t, test, p, i):
    xs = [r[i] for r in runs.get((t, test, p), [])]
    return statistics.median(xs) if xs else None
others = [t for t in targets if t != "redis"]
head = ["test", "-P"] + [f"{t} rps" for t in targets] + [f"{t}/redis" for t in others] + [f"{t} p99 ms" for t in targets]
rows = []
for p in sorted({k[2] for k in runs}):
    for test in tests:
        rps = {t: med(t, test, p, 0) for t in targets}
        p99 = {t: med(t, test, p, 1) for t in targets}
        ratio = [f"{rps[t] / rps['redis']:.2f}" if rps[t] and rps["redis"] else "-" for t in others]
        rows.append([test, str(p)] + [f"{rps[t]:,.0f}" if rps[t] else "-" for t in targets] + ratio
                    + [f"{p99[t]:.3f}" if p99[t] is not None else "-" for t in targets])
print("| " + " | ".join(head) + " |")
print("|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")

def cpu_med(t, p, i):
    xs = [c[i] for c in cpu.get((t, p), [])]
    return statistics.median(xs) if xs else None
print()
print("CPU, medians over the rounds: the server's CPU time per request (all tests of a run together) and")
print("redis-benchmark's CPU time over the run (% of one core; near 100, the client sets the pace, not the server)")
print("| -P | " + " | ".join(f"{t} µs/req" for t in targets) + " | " + " | ".join(f"client % vs {t}" for t in targets) + " |")
print("|" + "|".join(["---"] + ["---:"] * (2 * len(targets))) + "|")
for p in sorted({k[1] for k in cpu}):
    us = [cpu_med(t, p, 0) for t in targets]
    cl = [cpu_med(t, p, 1) for t in targets]
    print(f"| {p} | " + " | ".join(f"{x:.2f}" if x is not None else "-" for x in us) + " | "
          + " | ".join(f"{x:.0f}" if x is not None else "-" for x in cl) + " |")

if "hoard" in targets and sorted(tests) == ["GET", "SET"]:
    print()
    print("Target (issue 3): hoard >= 1.1x redis rps for GET and SET at -P 1 and -P 16; hoard GET p99 at -P 1 <= redis's.")
    ok = True
    for p in sorted({k[2] for k in runs}):
        for test in ("SET", "GET"):
            h, r = med("hoard", test, p, 0), med("redis", test, p, 0)
            if h and r:
                met = h / r >= 1.1
                ok &= met
                print(f"  {test} -P {p}: {h / r:.2f}x  {'met' if met else 'NOT met'}")
    h, r = med("hoard", "GET", 1, 1), med("redis", "GET", 1, 1)
    if h is not None and r is not None:
        met = h <= r
        ok &= met
        print(f"  GET p99 -P 1: hoard {h:.3f} ms vs redis {r:.3f} ms  {'met' if met else 'NOT met'}")
    print("  overall: " + ("met" if ok else "NOT met"))
    bound = [p for p in sorted({k[1] for k in cpu}) if all((cpu_med(t, p, 1) or 0) >= 95 for t in ("hoard", "redis"))]
    for p in bound:
        h, r = cpu_med("hoard", p, 0), cpu_med("redis", p, 0)
        print(f"  note -P {p}: redis-benchmark used >= 95% of a core against both servers, so its rate, not theirs, was")
        print(f"    measured; the servers' own cost per request: hoard {h:.2f} us vs redis {r:.2f} us ({r / h:.2f}x redis's efficiency)")
EOF
echo
echo "raw runs: $RESULTS   server logs: $BENCH_LOGS"
