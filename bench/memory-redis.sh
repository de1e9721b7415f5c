#!/usr/bin/env bash
# Node memory per key against redis-server (and Garnet when it installs): 1,000,000 keys `key:%08d` with 32-byte
# values loaded with `redis-cli --pipe` (SETs, then the ECHO redis-cli adds), RSS growth from /proc/<pid>/status
# VmRSS, measured after a warm-up (200,000 other keys, then FLUSHALL) so that start-up, JIT tiering and the
# connection's buffers are not charged to the keys. Every server gets the same warm-up; an allocator that keeps
# freed memory (redis-server's jemalloc) can only look better for it.
#
# usage: bench/memory-redis.sh [--targets hoard,redis,garnet] [--variant NAME:VAR=VALUE[,VAR=VALUE…]]…
#   env: KEYS (1000000)  VALUE_SIZE (32)  WARMUP_KEYS (200000)  SETTLE_SECONDS (2)
set -euo pipefail
source "$(dirname "$0")/servers.sh"

KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-32}
WARMUP_KEYS=${WARMUP_KEYS:-200000}
SETTLE_SECONDS=${SETTLE_SECONDS:-2}

parse_target_args 2 7 "$@"
read -r -a targets <<<"$(prepare_targets "${wanted[@]}")"

# SET commands in RESP, one file per key set.
resp() { # PREFIX COUNT FILE
  python3 - "$1" "$2" "$VALUE_SIZE" >"$3" <<'EOF'
import sys
prefix, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
value = b"v" * size
out = sys.stdout.buffer
chunk = []
for i in range(count):
    key = b"%s%08d" % (prefix.encode(), i)
    chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk = []
out.write(b"".join(chunk))
EOF
}
log "generating RESP for $KEYS keys and $WARMUP_KEYS warm-up keys"
resp "key:" "$KEYS" "$BENCH_LOGS/keys.resp"
resp "warm:" "$WARMUP_KEYS" "$BENCH_LOGS/warm.resp"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

load() { # TARGET FILE: bounded redis-cli --pipe; fails unless every reply came back without an error
  local out
  out=$(timeout 600 redis-cli -h 127.0.0.1 -p "${SERVER_PORT[$1]}" --pipe <"$2" 2>&1) || { echo "$out" >&2; return 1; }
  grep -q 'errors: 0,' <<<"$out" || { echo "$1: $out" >&2; return 1; }
}

results=()
for t in "${targets[@]}"; do
  # One server at a time, fresh: nothing else is growing while it is measured.
  start_server "$t"
  pid=${SERVER_PID[$t]}
  load "$t" "$BENCH_LOGS/warm.resp"
  redis-cli -h 127.0.0.1 -p "${SERVER_PORT[$t]}" flushall >/dev/null
  sleep "$SETTLE_SECONDS"
  before=$(rss_kb "$pid")
  started=$SECONDS
  load "$t" "$BENCH_LOGS/keys.resp"
  took=$((SECONDS - started))
  sleep "$SETTLE_SECONDS"
  after=$(rss_kb "$pid")
  last=$(printf 'key:%08d' $((KEYS - 1)))
  got=$(redis-cli -h 127.0.0.1 -p "${SERVER_PORT[$t]}" get "$last" | wc -c)
  [[ $got -eq $((VALUE_SIZE + 1)) ]] || { echo "$t: GET $last returned $got bytes, expected $VALUE_SIZE" >&2; exit 1; }
  per_key=$(awk -v a="$after" -v b="$before" -v n="$KEYS" 'BEGIN { printf "%.1f", (a - b) * 1024 / n }')
  log "$t: VmRSS $before kB -> $after kB over $KEYS keys (${took}s to load): $per_key bytes/key"
  results+=("| $t | $before | $after | $per_key | ${took} |")
  stop_all_servers
done

echo
echo "== $KEYS keys 'key:%08d' with $VALUE_SIZE-byte values via redis-cli --pipe; RSS growth after $WARMUP_KEYS warm-up keys and FLUSHALL =="
echo "| server | VmRSS before (kB) | VmRSS after (kB) | bytes per key | load (s) |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}"
echo
echo "Target (issue 3): hoard <= 60 bytes per key."
