#!/usr/bin/env bash
# Cluster throughput and latency: a Hoard cluster against a Redis Cluster, with redis-benchmark's cluster mode:
#
#   redis-benchmark --cluster -h 127.0.0.1 -p FIRST_NODE -t set,get -c 50 -n 1000000 -r 100000 -d 32 -P 16 --csv
#
# Both clusters (NODES primaries each, all on free 127.0.0.1 ports, formed with `redis-cli --cluster create
# … --cluster-yes`) run at once; each round runs hoard, then redis, so drift on a shared machine hits both alike.
# Hoard's nodes: `hoard serve --cluster-enabled yes`, the first 3 the consensus voters, cluster-node-timeout 1000.
# Redis's: `redis-server --cluster-enabled yes --save "" --appendonly no`. Reported: the median over the rounds of
# rps and p99 (ms) per test, and hoard's rps over redis's (target: >= 1.1x). redis-benchmark --cluster runs
# threaded, and threaded runs stop only on the 250 ms throughput timer: a run's time is rounded up to a multiple of
# 0.25 s. At -n 1000000 a run lasts ~1.5 s here, so one rps figure is good to ~15 %; REQUESTS=10000000 gives ~2 %.
#
# usage: bench/compare-cluster.sh
#   env: REQUESTS (-n, default 1000000)  ROUNDS (3)  CLIENTS (-c, 50)  PIPELINE (-P, 16)  KEYSPACE (-r, 100000)
#        VALUE_SIZE (-d, 32)  NODES (3)  RUN_TIMEOUT (s per redis-benchmark run, 600)  MAX_SECONDS (whole run, 3600)
#        RESULTS (file for the raw per-run CSV; default a temp file)
# example (quick): REQUESTS=100000 ROUNDS=1 bench/compare-cluster.sh
set -euo pipefail
source "$(dirname "$0")/servers.sh"

REQUESTS=${REQUESTS:-1000000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
PIPELINE=${PIPELINE:-16}
KEYSPACE=${KEYSPACE:-100000}
VALUE_SIZE=${VALUE_SIZE:-32}
NODES=${NODES:-3}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
MAX_SECONDS=${MAX_SECONDS:-3600}
RESULTS=${RESULTS:-$BENCH_LOGS/results.csv}

case ${1:-} in
  -h | --help) sed -n 2,20p "$0"; exit 0 ;;
  "") ;;
  *) echo "no arguments; settings come from the environment (see --help)" >&2; exit 2 ;;
esac
((NODES >= 3)) || { echo "NODES must be at least 3 (redis-cli --cluster create needs 3 masters)" >&2; exit 2; }

ensure_redis
build_hoard
targets=(hoard redis)
for t in "${targets[@]}"; do
  start_cluster "$t" "$NODES"
done

deadline=$((SECONDS + MAX_SECONDS))
echo "target,test,pipeline,round,rps,p99_ms,server_us,client_cpu" >"$RESULTS"
echo "load average before: $(cat /proc/loadavg)" >&2
log "warm-up: $((REQUESTS / 10)) requests per cluster (JIT, pools, slot maps), not counted"
for t in "${targets[@]}"; do
  run_redis_benchmark "$t" "$PIPELINE" 0 $((REQUESTS / 10)) --cluster || break
done

stopped=0
for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  for t in "${targets[@]}"; do
    run_redis_benchmark "$t" "$PIPELINE" "$round" "$REQUESTS" --cluster || { stopped=1; break 2; }
  done
done
echo "load average after:  $(cat /proc/loadavg)" >&2

# Every node served its share: keys per node (of at most KEYSPACE).
for t in "${targets[@]}"; do
  sizes=()
  for port in ${CLUSTER_PORTS[$t]}; do
    sizes+=("$(timeout 5 redis-cli -h 127.0.0.1 -p "$port" dbsize)")
  done
  log "$t keys per node: ${sizes[*]}"
done

echo
echo "== redis-benchmark --cluster -t set,get -c $CLIENTS -n $REQUESTS -r $KEYSPACE -d $VALUE_SIZE -P $PIPELINE," \
  "$NODES-node clusters, median of $ROUNDS round(s)$( ((stopped)) && echo ' (stopped early)') =="
echo "   $(nproc) cores; $(redis-server --version | awk '{print $1, $3}'); dotnet $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
python3 - "$RESULTS" "$REQUESTS" <<'EOF'
import csv, statistics, sys
requests = int(sys.argv[2])
runs = {}
for row in csv.DictReader(open(sys.argv[1])):
    runs.setdefault((row["target"], row["test"]), []).append((float(row["rps"]), float(row["p99_ms"])))
def med(t, test, i):
    xs = [r[i] for r in runs.get((t, test), [])]
    return statistics.median(xs) if xs else None
print("| test | hoard rps | redis rps | hoard/redis | hoard p99 ms | redis p99 ms |")
print("|---|---:|---:|---:|---:|---:|")
verdicts = []
for test in ("SET", "GET"):
    h, r = med("hoard", test, 0), med("redis", test, 0)
    hp, rp = med("hoard", test, 1), med("redis", test, 1)
    ratio = h / r if h and r else None
    print(f"| {test} | {h or 0:,.0f} | {r or 0:,.0f} | {f'{ratio:.2f}' if ratio else '-'} | "
          f"{f'{hp:.3f}' if hp is not None else '-'} | {f'{rp:.3f}' if rp is not None else '-'} |")
    verdicts.append((test, ratio))
# Threaded runs (--cluster) end on redis-benchmark's 250 ms throughput timer: run times are multiples of 0.25 s.
shortest = min(requests / rps for xs in runs.values() for rps, _ in xs)
print()
print(f"Resolution: redis-benchmark --cluster rounds a run's time up to a multiple of 0.25 s; the shortest run took "
      f"{shortest:.2f} s, so one rps figure is good to about {25 / shortest:.0f} %"
      + (" (raise REQUESTS for a finer ratio)" if shortest < 10 else "") + ".")
print("Target: hoard >= 1.1x redis rps for SET and GET.")
for test, ratio in verdicts:
    print(f"  {test}: " + (f"{ratio:.2f}x  {'met' if ratio >= 1.1 else 'NOT met'}" if ratio else "no data"))
EOF
echo
echo "raw runs: $RESULTS   server logs: $BENCH_LOGS"
