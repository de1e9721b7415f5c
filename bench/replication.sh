#!/usr/bin/env bash
# Issue 5's replication figures, on standalone `hoard serve` nodes (Release) on free 127.0.0.1 ports; the
# measuring is done by bench/ReplicationBench (see its Program.cs). Every process started here is killed on exit.
#
#   bench/replication.sh sync      full sync of 1 GiB to a new replica, and the primary's throughput meanwhile
#   bench/replication.sh lag       replication lag of single writes, idle and under redis-benchmark -t set -P 16
#   TARGETS="hoard redis redis-disk" bench/replication.sh sync    the same sync with redis-server as primary and
#                                  replica too, target after target within each run
#
# Targets (sync only; lag measures hoard): hoard; redis = redis-server 7 with its replication defaults (diskless sync:
#   a forked child streams the snapshot to the replica's socket; the replica stores it to disk, then loads it) except
#   repl-diskless-sync-delay 0 (default 5: the primary would wait 5 s for more replicas before starting);
#   redis-disk = the same with repl-diskless-sync no (the child writes an RDB file, the primary then sends the file);
#   redis-mem = redis with repl-diskless-load on-empty-db (the replica loads from the socket: no disk on either side,
#   as with hoard).
#   All redis targets: --save "" --appendonly no --maxmemory 0, repl-backlog-size BACKLOG, client-output-buffer-limit replica left
#   at its default (256mb hard, 64mb for 60 s soft), rdbcompression left on; a directory of their own (removed at the end).
#
# sync: a primary (maxmemory 0 = no limit, noeviction, repl-backlog-size BACKLOG) is loaded with KEYS keys
#   `data:%07d` of VALUE_BYTES-byte values (default 1,048,576 × 1024 = exactly 1 GiB of values) by redis-cli --pipe;
#   each value is a slice of a block of random bytes, so that redis-server's RDB compression (LZF, per value) cannot
#   shrink the transfer (hoard does not compress; a value of one repeated byte would let Redis send far fewer bytes).
#   Then, for SET and then GET: a new, idle replica node is started; redis-benchmark -t <test> -c 50 -P 16 -d 32
#   -r 100000 runs against the primary from start to end (its own keys `key:…`, beside the data set); after a 2 s
#   warm-up and a 6 s baseline, REPLICAOF is sent to the replica. The sync is done when the replica's INFO shows
#   master_link_status:up and its slave_repl_offset has reached the primary's master_repl_offset read when the link
#   came up (the writes made during the snapshot, waiting in the backlog, are applied). Reported: its duration,
#   MiB/s of values (and the bytes the replica's socket received until link up: records of keys and values), and the
#   load's throughput during the sync / the baseline, from redis-benchmark's 250 ms samples that lie wholly in each
#   window (with how much of the sync they cover), and the CPU each process used. Checks: the replica ends with the
#   primary's key count, and the primary served exactly one full sync (none started over).
#   Why -d 32: every write made during the sync must reach the replica too, and at -P 16 the load makes 500-800k
#   writes a second: ~60 bytes of stream each with -d 32, gigabytes per sync with 1 KiB values, more than the link
#   carries beside the snapshot (Redis holds them in the replica's output buffer and drops it at 256 MB; Hoard sends
#   them along the snapshot, but its backlog grows up to the same limit when the replica falls behind).
#   VALUE_SIZE=1024 tries it.
#
# lag: a primary (repl-backlog-size BACKLOG) and a replica, synced (empty).
#   Full resyncs during the run (the replica fell more than the output limit behind) are counted. A probe connection
#   sends, every 10 ms, `SET lagprobe:<i> <ts>` and `WAIT 1 1000` in one write and times it until WAIT's reply:
#   the primary applied the write and the replica applied its record and acknowledged it. A Hoard replica acknowledges (REPLCONF ACK) after every burst of the stream it
#   applied (and once a second only while idle), so the figure is the lag itself, not an ack period.
#   Also from SET's reply to WAIT's (the primary sends +OK before WAIT waits): without the write's own latency.
#   10 s with no other load, then 20 s under redis-benchmark -t set -P 16 -c 50 -r 100000 -d 32 (the load runs for
#   the 20 s; its rate is reported). p50 / p99 / max in ms over all probes; a WAIT that timed out is counted apart.
#
# Environment: TARGETS ("hoard"), RUNS (2), KEYS (1048576), VALUE_BYTES (1024), CLIENTS (50), PIPELINE (16), VALUE_SIZE (32),
# KEYSPACE (100000), TESTS ("set get"), BACKLOG (1mb, Hoard's default), SYNC_RATE (Hoard's repl-sync-max-rate; unset: its
# default, 64mb a second; 0: no limit), TIMEOUT_S (300, per sync), IDLE_S (10), LOAD_S (20), INTERVAL_MS (10),
# HOARD (another hoard executable to measure, e.g. an older commit's build in a scratch copy), PIN (1: the primary,
# the bench and redis-benchmark on CPU 0, the replica on CPU 1 — so the replica's work does not take the primary's
# or the client's CPU, as when it runs on a host of its own; the baseline then has one core for server and client).
set -euo pipefail
source "$(dirname "$0")/servers.sh"
cd "$BENCH_ROOT"

mode=${1:-}
[[ $mode == sync || $mode == lag ]] || { sed -n 2,6p "$0"; exit 2; }
RUNS=${RUNS:-2} KEYS=${KEYS:-1048576} VALUE_BYTES=${VALUE_BYTES:-1024} BACKLOG=${BACKLOG:-1mb}
LOAD=(--clients "${CLIENTS:-50}" --pipeline "${PIPELINE:-16}" --value-size "${VALUE_SIZE:-32}" --keyspace "${KEYSPACE:-100000}")
BENCH_DLL=$BENCH_ROOT/bench/ReplicationBench/bin/Release/net10.0/ReplicationBench.dll
HOARD_BIN=${HOARD:-$HOARD_BIN} # HOARD=/path/to/hoard: measure another build (e.g. a scratch copy of an older commit)
TARGETS=${TARGETS:-hoard}
for target in $TARGETS; do
  [[ $target == hoard || ($mode == sync && ($target == redis || $target == redis-disk || $target == redis-mem)) ]] ||
    { echo "unknown target '$target' (sync: hoard redis redis-disk redis-mem; lag: hoard)" >&2; exit 2; }
done
# redis-server's snapshot files (up to 1 GiB each) go away with the processes.
trap 'stop_all_servers; rm -rf "$BENCH_LOGS"/*.dir' EXIT

# PIN=1: the primary and the bench (so redis-benchmark) on CPU 0, replicas on CPU 1 (a replica on a host of its own).
pin() { if [[ ${PIN:-0} == 1 ]]; then echo taskset -c "$1"; fi; }

# start_node TARGET NAME CPU [OPTIONS…]: a node on a free port with room for the data set; sets NODE_PORT and NODE_PID.
start_node() {
  local target=$1 name=$2 cpu=$3 cmd
  shift 3
  NODE_PORT=$(free_port)
  if [[ $target == hoard ]]; then
    cmd=("$HOARD_BIN" serve --port "$NODE_PORT" --bind 127.0.0.1 --loglevel warning)
  else
    mkdir -p "$BENCH_LOGS/$name.dir"
    cmd=(redis-server --port "$NODE_PORT" --bind 127.0.0.1 --daemonize no --loglevel warning --save "" --appendonly no
      --dir "$BENCH_LOGS/$name.dir" --repl-diskless-sync "$([[ $target == redis-disk ]] && echo no || echo yes)"
      --repl-diskless-sync-delay 0 --repl-diskless-load "$([[ $target == redis-mem ]] && echo on-empty-db || echo disabled)")
  fi
  launch "$name" "$NODE_PORT" $(pin "$cpu") "${cmd[@]}" --maxmemory 0 --maxmemory-policy noeviction "$@"
  NODE_PID=$LAUNCHED_PID
  log "$name: pid $NODE_PID, 127.0.0.1:$NODE_PORT"
  if [[ $target != hoard ]]; then
    log "  $(redis-cli -p "$NODE_PORT" config get 'repl-*' | paste -sd' ' | grep -o 'repl-diskless[^ ]* [^ ]*\|repl-backlog-size [^ ]*' | paste -sd,)"
  fi
}

# sync_rate TARGET: hoard's --repl-sync-max-rate when SYNC_RATE is set (redis-server has no such limit).
sync_rate() { if [[ $1 == hoard && -n ${SYNC_RATE:-} ]]; then echo --repl-sync-max-rate "$SYNC_RATE"; fi; }

# forget PID: takes a process that has ended off the exit trap's list.
forget() {
  local pid kept=()
  for pid in "${STARTED_PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  STARTED_PIDS=("${kept[@]}")
}

# stop_node PID: stops one node this script started.
stop_node() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget "$1"
}

# bench ARGS…: runs ReplicationBench (15 min at most; on the exit trap's list meanwhile), its output kept for the summary.
bench() {
  local pid code=0
  timeout 900 $(pin 0) dotnet "$BENCH_DLL" "$@" > >(tee -a "$BENCH_LOGS/bench.out") &
  pid=$!
  STARTED_PIDS+=("$pid")
  wait "$pid" || code=$?
  forget "$pid"
  return "$code"
}

# load_data PORT: KEYS × VALUE_BYTES through redis-cli --pipe; checks the key count.
load_data() {
  local started=$SECONDS
  python3 -c '
import random, sys
keys, size = int(sys.argv[1]), int(sys.argv[2])
block, out, batch = random.Random(5).randbytes(size + 65536), sys.stdout.buffer, []
for i in range(keys):
    key, at = b"data:%07d" % i, i * 4099 % 65536
    batch.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, size, block[at:at + size]))
    if len(batch) == 4096:
        out.write(b"".join(batch))
        batch = []
out.write(b"".join(batch))' "$KEYS" "$VALUE_BYTES" |
    timeout 600 redis-cli -h 127.0.0.1 -p "$1" --pipe >"$BENCH_LOGS/load.log" 2>&1 ||
    { cat "$BENCH_LOGS/load.log" >&2; exit 1; }
  [[ $(redis-cli -h 127.0.0.1 -p "$1" dbsize) == "$KEYS" ]] || { echo "the primary does not hold $KEYS keys" >&2; exit 1; }
  log "loaded $KEYS keys × $VALUE_BYTES bytes in $((SECONDS - started)) s; $(redis-cli -h 127.0.0.1 -p "$1" info memory | grep -m1 used_memory_human | tr -d '\r')"
}

ensure_redis
[[ -n ${HOARD:-} ]] || build_hoard
log "building bench/ReplicationBench (Release)"
dotnet build bench/ReplicationBench -c Release -v quiet -nologo >"$BENCH_LOGS/build-bench.log" 2>&1 ||
  { cat "$BENCH_LOGS/build-bench.log" >&2; exit 1; }
log "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; logs in $BENCH_LOGS"

failed=0
for run in $(seq 1 "$RUNS"); do
  if [[ $mode == sync ]]; then
    for target in $TARGETS; do
      start_node "$target" primary-$run-$target 0 --repl-backlog-size "$BACKLOG" $(sync_rate "$target")
      primary_port=$NODE_PORT primary_pid=$NODE_PID
      load_data "$primary_port"
      for test in ${TESTS:-set get}; do
        start_node "$target" replica-$run-$target-$test 1
        echo "run $run, $target, $test:"
        # A void sync (the replica dropped, a timeout) is reported and the runs go on; the exit code says so.
        bench sync --primary "$primary_port" --primary-pid "$primary_pid" --replica "$NODE_PORT" --replica-pid "$NODE_PID" \
          --test "$test" --value-bytes $((KEYS * VALUE_BYTES)) --timeout-s "${TIMEOUT_S:-300}" --label "$target run $run" \
          "${LOAD[@]}" || { failed=1; echo "result sync $target run $run: $test FAILED (see above)" >>"$BENCH_LOGS/bench.out"; }
        stop_node "$NODE_PID"
      done
      stop_all_servers
      rm -rf "$BENCH_LOGS"/*.dir
    done
  else
    start_node hoard primary-$run 0 --repl-backlog-size "$BACKLOG"
    primary_port=$NODE_PORT primary_pid=$NODE_PID
    start_node hoard replica-$run 1
    echo "run $run:"
    bench lag --primary "$primary_port" --primary-pid "$primary_pid" --replica "$NODE_PORT" --replica-pid "$NODE_PID" --idle-s "${IDLE_S:-10}" --load-s "${LOAD_S:-20}" \
      --interval-ms "${INTERVAL_MS:-10}" "${LOAD[@]}"
  fi
  stop_all_servers
done

echo "summary ($(date '+%F %H:%M'), load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
grep '^result' "$BENCH_LOGS/bench.out" | sed 's/^result /  /'
exit "$failed"
