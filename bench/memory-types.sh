#!/usr/bin/env bash
# Memory per element of one large collection against redis-server: a list of 1,000,000 elements (RPUSH) and a sorted
# set of 1,000,000 members (ZADD, score = the member's number), members `member:%08d` (15 bytes), loaded with
# `redis-cli --pipe` in commands of 1,000 elements. Reported: RSS growth (/proc/<pid>/status VmRSS) per element and
# the growth of INFO's used_memory per element, each server fresh for each type and warmed up first (a collection of
# WARMUP elements of the same type, then FLUSHALL) so that start-up, JIT tiering and buffers are not charged.
#
# usage: bench/memory-types.sh [--targets hoard,redis]
#   env: ELEMENTS (1000000)  WARMUP (200000)  TYPES ("list zset set")  SETTLE_SECONDS (2)
set -euo pipefail
source "$(dirname "$0")/servers.sh"

ELEMENTS=${ELEMENTS:-1000000}
WARMUP=${WARMUP:-200000}
TYPES=${TYPES:-"list zset set"}
SETTLE_SECONDS=${SETTLE_SECONDS:-2}

parse_target_args 2 7 "$@"
read -r -a targets <<<"$(prepare_targets "${wanted[@]}")"

resp() { # TYPE KEY COUNT FILE: the commands that build one collection
  python3 - "$1" "$2" "$3" >"$4" <<'PY'
import sys
kind, key, count = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
out = sys.stdout.buffer
def bulk(b): return b"$%d\r\n%s\r\n" % (len(b), b)
batch = 1000
for start in range(0, count, batch):
    items = range(start, min(count, start + batch))
    if kind == "list":
        args = [b"RPUSH", key] + [b"member:%08d" % i for i in items]
    elif kind == "set":
        args = [b"SADD", key] + [b"member:%08d" % i for i in items]
    else:
        args = [b"ZADD", key]
        for i in items:
            args += [b"%d" % i, b"member:%08d" % i]
    out.write(b"*%d\r\n" % len(args) + b"".join(bulk(a) for a in args))
PY
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
used_memory() { redis-cli -h 127.0.0.1 -p "$1" info memory | awk -F: '/^used_memory:/ { print $2 + 0 }'; }
size_of() { # PORT TYPE KEY
  case $2 in
    list) redis-cli -h 127.0.0.1 -p "$1" llen "$3" ;;
    set) redis-cli -h 127.0.0.1 -p "$1" scard "$3" ;;
    *) redis-cli -h 127.0.0.1 -p "$1" zcard "$3" ;;
  esac
}

load() { # TARGET FILE: bounded redis-cli --pipe; fails unless every reply came back without an error
  local out
  out=$(timeout 600 redis-cli -h 127.0.0.1 -p "${SERVER_PORT[$1]}" --pipe <"$2" 2>&1) || { echo "$out" >&2; return 1; }
  grep -q 'errors: 0,' <<<"$out" || { echo "$1: $out" >&2; return 1; }
}

results=()
for type in $TYPES; do
  log "generating RESP for a $type of $ELEMENTS elements and a warm-up of $WARMUP"
  resp "$type" "big" "$ELEMENTS" "$BENCH_LOGS/$type.resp"
  resp "$type" "warm" "$WARMUP" "$BENCH_LOGS/$type-warm.resp"
  for t in "${targets[@]}"; do
    start_server "$t"
    port=${SERVER_PORT[$t]}
    pid=${SERVER_PID[$t]}
    load "$t" "$BENCH_LOGS/$type-warm.resp"
    redis-cli -h 127.0.0.1 -p "$port" flushall >/dev/null
    sleep "$SETTLE_SECONDS"
    rss_before=$(rss_kb "$pid")
    used_before=$(used_memory "$port")
    started=$SECONDS
    load "$t" "$BENCH_LOGS/$type.resp"
    took=$((SECONDS - started))
    sleep "$SETTLE_SECONDS"
    rss_after=$(rss_kb "$pid")
    used_after=$(used_memory "$port")
    got=$(size_of "$port" "$type" big)
    [[ $got -eq $ELEMENTS ]] || { echo "$t: the $type holds $got elements, expected $ELEMENTS" >&2; exit 1; }
    encoding=$(redis-cli -h 127.0.0.1 -p "$port" object encoding big)
    rss=$(awk -v a="$rss_after" -v b="$rss_before" -v n="$ELEMENTS" 'BEGIN { printf "%.1f", (a - b) * 1024 / n }')
    used=$(awk -v a="$used_after" -v b="$used_before" -v n="$ELEMENTS" 'BEGIN { printf "%.1f", (a - b) / n }')
    log "$t $type ($encoding): VmRSS +$((rss_after - rss_before)) kB, used_memory +$((used_after - used_before)) B: $rss B/element (RSS), $used (used_memory)"
    results+=("| $type | $t | $encoding | $rss | $used | $took |")
    stop_all_servers
  done
done

echo
echo "== one collection of $ELEMENTS members 'member:%08d' (zset scores 0…n-1) via redis-cli --pipe, 1,000 per command =="
echo "   $(nproc) cores; $(redis-server --version | awk '{print $1, $3}'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| type | server | encoding | bytes per element (RSS growth) | bytes per element (used_memory growth) | load (s) |"
echo "|---|---|---|---:|---:|---:|"
printf '%s\n' "${results[@]}"
