# Shared by bench/compare-redis.sh, bench/compare-cluster.sh and bench/memory-redis.sh (source it, don't run it):
# installs the reference servers when missing, builds hoard, starts servers or clusters on free 127.0.0.1 ports,
# waits for them (bounded), runs redis-benchmark, and kills every process it started when the calling script exits.
#
# Targets (names for --targets):
#   hoard           src/Hoard.Cli `hoard serve` (Release): Socket + System.IO.Pipelines
#   redis           redis-server, no persistence
#   garnet          Microsoft Garnet (dotnet tool garnet-server), skipped with a message when it cannot be installed
#   kestrel         bench/KestrelProbe: hoard's reader, dispatcher and engine behind Kestrel's ConnectionHandler
#   kestrel-direct  the same, GET/SET straight to the engine (no command table)
#   NAME            a hoard variant declared with --variant NAME:VAR=VALUE[,VAR=VALUE…] (hoard serve with extra env;
#                   HOARD_BIN=/path among them runs that hoard build instead, e.g. a scratch copy's)

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_CACHE=${HOARD_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hoard-bench}
BENCH_LOGS=$(mktemp -d "${TMPDIR:-/tmp}/hoard-bench.XXXXXX")
HOARD_BIN=$BENCH_ROOT/src/Hoard.Cli/bin/Release/net10.0/hoard
PROBE_DLL=$BENCH_ROOT/bench/KestrelProbe/bin/Release/net10.0/KestrelProbe.dll
GARNET_BIN=$BENCH_CACHE/garnet/garnet-server

declare -A SERVER_PID=() SERVER_PORT=() VARIANT_ENV=() CLUSTER_PORTS=()
STARTED_PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_all_servers() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    # Bounded: 5 s to exit cleanly, then SIGKILL.
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}
trap 'stop_all_servers' EXIT
trap 'exit 130' INT TERM

# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Runs a command (argv[2:]) and writes the CPU seconds it and its children used to the file argv[1].
CHILD_CPU='import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{u.ru_utime + u.ru_stime:.3f}")
sys.exit(code)'

# A port the kernel says is free on 127.0.0.1 (another process could take it before the server binds: rare).
free_port() {
  free_ports 1
}

# free_ports N: N distinct free ports, one a line (every socket is held until all are chosen).
free_ports() {
  python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in held))' "$1"
}

ensure_redis() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null; then
    return
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing redis-server and redis-tools"
    timeout 600 apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq redis-server redis-tools >&2
    # The package starts a system instance on 6379; we don't use it.
    (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
  else
    echo "redis-server, redis-cli and redis-benchmark are needed: apt-get install redis-server redis-tools" >&2
    exit 1
  fi
}

# Installs garnet-server into $BENCH_CACHE/garnet once; false (and a message) when it cannot be installed.
ensure_garnet() {
  if [[ -x $GARNET_BIN ]]; then
    return 0
  fi
  log "installing garnet-server${GARNET_VERSION:+ $GARNET_VERSION} into $BENCH_CACHE/garnet"
  mkdir -p "$BENCH_CACHE"
  if timeout 600 dotnet tool install garnet-server ${GARNET_VERSION:+--version "$GARNET_VERSION"} \
      --tool-path "$BENCH_CACHE/garnet" >"$BENCH_LOGS/garnet-install.log" 2>&1 && [[ -x $GARNET_BIN ]]; then
    return 0
  fi
  echo "garnet-server could not be installed (see $BENCH_LOGS/garnet-install.log): continuing without Garnet" >&2
  return 1
}

build_hoard() {
  log "building hoard (Release)"
  dotnet build "$BENCH_ROOT/src/Hoard.Cli" -c Release -v quiet -nologo >"$BENCH_LOGS/build-hoard.log" 2>&1 ||
    { cat "$BENCH_LOGS/build-hoard.log" >&2; exit 1; }
}

build_probe() {
  log "building bench/KestrelProbe (Release)"
  dotnet build "$BENCH_ROOT/bench/KestrelProbe" -c Release -v quiet -nologo >"$BENCH_LOGS/build-probe.log" 2>&1 ||
    { cat "$BENCH_LOGS/build-probe.log" >&2; exit 1; }
}

# --variant NAME:VAR=VALUE[,VAR=VALUE…]
declare_variant() {
  local spec=$1
  local name=${spec%%:*}
  [[ $spec == *:* && -n $name ]] || { echo "bad --variant '$spec' (NAME:VAR=VALUE[,VAR=VALUE…])" >&2; exit 2; }
  VARIANT_ENV[$name]=${spec#*:}
}

# Builds/installs what the targets need; prints the targets that are available (garnet may drop out).
# parse_target_args FIRST LAST ARGS…: --targets a,b and --variant NAME:VAR=V options into the array `wanted`
# (variants are added to the targets); -h/--help prints lines FIRST..LAST of the calling script.
parse_target_args() {
  local help_from=$1 help_to=$2 targets_arg=hoard,redis,garnet v
  shift 2
  while (($#)); do
    case $1 in
      --targets) targets_arg=$2; shift 2 ;;
      --variant) declare_variant "$2"; shift 2 ;;
      -h | --help) sed -n "${help_from},${help_to}p" "$0"; exit 0 ;;
      *) echo "unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
  done
  IFS=, read -r -a wanted <<<"$targets_arg"
  for v in "${!VARIANT_ENV[@]}"; do
    [[ " ${wanted[*]} " == *" $v "* ]] || wanted+=("$v")
  done
}

prepare_targets() {
  local t out=() need_hoard=0 need_probe=0
  ensure_redis
  for t in "$@"; do
    case $t in
      hoard) need_hoard=1 ;;
      kestrel | kestrel-direct) need_probe=1 ;;
      garnet) ensure_garnet || continue ;;
      redis) ;;
      *) [[ -n ${VARIANT_ENV[$t]+x} ]] || { echo "unknown target '$t'" >&2; exit 2; }; need_hoard=1 ;;
    esac
    out+=("$t")
  done
  ((need_hoard)) && build_hoard
  ((need_probe)) && build_probe
  echo "${out[@]}"
}

# start_server TARGET: starts it on a free port, waits until it answers PING (bounded), sets SERVER_PID/PORT.
start_server() {
  local target=$1 port envs=() cmd
  port=$(free_port)
  case $target in
    hoard) cmd=("$HOARD_BIN" serve --port "$port" --bind 127.0.0.1 --loglevel warning) ;;
    redis) cmd=(redis-server --save "" --appendonly no --port "$port" --bind 127.0.0.1 --daemonize no --loglevel warning) ;;
    garnet) cmd=("$GARNET_BIN" --port "$port" --bind 127.0.0.1 --logger-level Warning) ;;
    kestrel) cmd=(dotnet "$PROBE_DLL" --port "$port") ;;
    kestrel-direct) cmd=(dotnet "$PROBE_DLL" --port "$port" --direct) ;;
    *)
      IFS=, read -r -a envs <<<"${VARIANT_ENV[$target]}"
      local bin=$HOARD_BIN e rest=()
      for e in "${envs[@]}"; do
        if [[ $e == HOARD_BIN=* ]]; then bin=${e#HOARD_BIN=}; else rest+=("$e"); fi
      done
      envs=("${rest[@]}")
      cmd=("$bin" serve --port "$port" --bind 127.0.0.1 --loglevel warning)
      ;;
  esac
  # `env` execs the server, so the pid is the server's own (its /proc/<pid>/status is the server's).
  launch "$target" "$port" env "${envs[@]}" "${cmd[@]}"
  SERVER_PID[$target]=$LAUNCHED_PID
  SERVER_PORT[$target]=$port
  log "$target: pid $LAUNCHED_PID, 127.0.0.1:$port${envs:+ (${envs[*]})}"
}

# launch NAME PORT COMMAND…: runs COMMAND in the background (output in $BENCH_LOGS/NAME.log), registers it for
# stop_all_servers, and waits until PORT answers PING (30 s at most); sets LAUNCHED_PID.
launch() {
  local name=$1 port=$2 pid i
  shift 2
  "$@" >"$BENCH_LOGS/$name.log" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  for i in $(seq 1 150); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      LAUNCHED_PID=$pid
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "$name did not answer PING on 127.0.0.1:$port within 30 s; its log:" >&2
  tail -20 "$BENCH_LOGS/$name.log" >&2
  exit 1
}

# start_cluster TARGET NODES: NODES primaries of TARGET (hoard or redis) in cluster mode on free ports, formed with
# `redis-cli --cluster create … --cluster-yes` (all masters, even slot ranges); waits until every node reports
# cluster_state:ok. Sets SERVER_PORT[TARGET] to the first node (redis-benchmark --cluster's entry point) and
# CLUSTER_PORTS[TARGET] to all of them. Both get a free cluster (bus) port: Redis's default, port + 10000, may not
# exist. Hoard: the first 3 nodes are the consensus voters, any others follow.
start_cluster() {
  local target=$1 nodes=$2 ports bus voters=() endpoints=() i dir
  mapfile -t ports < <(free_ports $((2 * nodes)))
  bus=("${ports[@]:nodes}")
  ports=("${ports[@]:0:nodes}")
  for ((i = 0; i < nodes && i < 3; i++)); do
    voters+=("127.0.0.1:${ports[i]}@${bus[i]}")
  done
  for ((i = 0; i < nodes; i++)); do
    dir=$BENCH_LOGS/$target-node-$i
    mkdir -p "$dir"
    case $target in
      hoard)
        launch "$target-node-$i" "${ports[i]}" "$HOARD_BIN" serve --port "${ports[i]}" --bind 127.0.0.1 \
          --loglevel warning --cluster-enabled yes --cluster-port "${bus[i]}" \
          --cluster-voters "$(IFS=,; echo "${voters[*]}")" --cluster-node-timeout 1000 --dir "$dir" ;;
      redis)
        launch "$target-node-$i" "${ports[i]}" redis-server --port "${ports[i]}" --bind 127.0.0.1 --daemonize no \
          --loglevel warning --cluster-enabled yes --cluster-port "${bus[i]}" --save "" --appendonly no \
          --cluster-config-file "$dir/nodes-${ports[i]}.conf" --dir "$dir" ;;
      *) echo "start_cluster: unknown target '$target'" >&2; exit 2 ;;
    esac
    endpoints+=("127.0.0.1:${ports[i]}")
    log "$target node $i: pid $LAUNCHED_PID, 127.0.0.1:${ports[i]}"
  done
  # A hoard node answers PING a moment before its cluster mode is attached: wait for CLUSTER INFO as well.
  wait_for "every $target node answers CLUSTER INFO" all_cluster_info cluster_state "${ports[@]}"
  timeout 60 redis-cli --cluster create "${endpoints[@]}" --cluster-yes >"$BENCH_LOGS/$target-create.log" 2>&1 ||
    { echo "redis-cli --cluster create failed for $target:" >&2; tail -20 "$BENCH_LOGS/$target-create.log" >&2; exit 1; }
  wait_for "every $target node reports cluster_state:ok" all_cluster_info cluster_state:ok "${ports[@]}"
  SERVER_PORT[$target]=${ports[0]}
  CLUSTER_PORTS[$target]="${ports[*]}"
  log "$target cluster formed: ${endpoints[*]}"
}

# all_cluster_info TEXT PORT…: true when CLUSTER INFO of every port contains TEXT.
all_cluster_info() {
  local text=$1 port
  shift
  for port in "$@"; do
    timeout 5 redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q "$text" || return 1
  done
}

# wait_for WHAT COMMAND…: runs COMMAND every 0.2 s until it succeeds, for 30 s at most, else ends the script.
wait_for() {
  local what=$1 i
  shift
  for i in $(seq 1 150); do
    "$@" && return 0
    sleep 0.2
  done
  echo "timed out after 30 s waiting until $what (logs: $BENCH_LOGS)" >&2
  exit 1
}

# run_redis_benchmark TARGET PIPELINE ROUND N [ARGS…]: one `redis-benchmark -t $BENCH_TESTS` run (default set,get) of
# N requests per test against SERVER_PORT[TARGET] (ARGS: extra options, e.g. --cluster), one line per test appended to
# $RESULTS as target,test,pipeline,round,rps,p99_ms,server_us,client_cpu — server_us: the server process's CPU time
# per request over the run (all its tests together; empty when the target has no single SERVER_PID), client_cpu:
# redis-benchmark's CPU time over the run's wall time, in % of one core (near 100: the client sets the pace).
BENCH_TESTS=${BENCH_TESTS:-set,get}
run_redis_benchmark() {
  local target=$1 pipeline=$2 round=$3 n=$4 out pid before after started ended client server_us client_cpu
  shift 4
  if ((SECONDS > deadline)); then
    echo "MAX_SECONDS=$MAX_SECONDS reached: stopping early, the table uses the rounds that finished" >&2
    return 1
  fi
  pid=${SERVER_PID[$target]:-}
  before=$([[ -n $pid ]] && cpu_ticks "$pid" || echo 0)
  started=$(date +%s.%N)
  if ! out=$(timeout "$RUN_TIMEOUT" python3 -c "$CHILD_CPU" "$BENCH_LOGS/client-cpu" redis-benchmark -h 127.0.0.1 \
      -p "${SERVER_PORT[$target]}" "$@" -t "$BENCH_TESTS" \
      -c "$CLIENTS" -n "$n" -r "$KEYSPACE" -d "$VALUE_SIZE" -P "$pipeline" --csv 2>>"$BENCH_LOGS/redis-benchmark.err"); then
    echo "redis-benchmark against $target -P $pipeline failed or took over ${RUN_TIMEOUT}s" >&2
    return 0
  fi
  ended=$(date +%s.%N)
  after=$([[ -n $pid ]] && cpu_ticks "$pid" || echo 0)
  client=$(cat "$BENCH_LOGS/client-cpu")
  tests=$(awk -F, '{ gsub(/"/, "") } NR > 1 { n++ } END { print n + 0 }' <<<"$out")
  server_us=$([[ -n $pid && $tests -gt 0 ]] && awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$n" -v k="$tests" 'BEGIN { printf "%.2f", t / hz * 1e6 / (k * n) }')
  client_cpu=$(awk -v c="$client" -v s="$started" -v e="$ended" 'BEGIN { printf "%.0f", 100 * c / (e - s) }')
  # --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  if ((round > 0)); then
    awk -F, -v t="$target" -v p="$pipeline" -v r="$round" -v su="$server_us" -v cc="$client_cpu" '
      { gsub(/"/, "") }
      NR > 1 { print t "," $1 "," p "," r "," $2 "," $7 "," su "," cc }' <<<"$out" >>"$RESULTS"
  fi
  awk -F, -v t="$target" -v p="$pipeline" -v r="$round" '
    { gsub(/"/, "") }
    NR > 1 { printf "  %-16s -P %-3s %s %10.0f rps  p99 %6.3f ms%s\n", t, p, $1, $2, $7, (r == 0 ? "  (warm-up)" : "") }' <<<"$out" >&2
}
