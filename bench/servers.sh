# Shared by bench/compare-redis.sh and bench/memory-redis.sh (source it, don't run it): installs the reference
# servers when missing, builds hoard, starts servers on free 127.0.0.1 ports, waits for them (bounded), and kills
# every process it started when the calling script exits.
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

declare -A SERVER_PID=() SERVER_PORT=() VARIANT_ENV=()
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

# A port the kernel says is free on 127.0.0.1 (another process could take it before the server binds: rare).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
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
  # `env` execs the server, so $! is the server's own pid (its /proc/<pid>/status is the server's).
  env "${envs[@]}" "${cmd[@]}" >"$BENCH_LOGS/$target.log" 2>&1 &
  local pid=$!
  STARTED_PIDS+=("$pid")
  local i
  for i in $(seq 1 150); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      SERVER_PID[$target]=$pid
      SERVER_PORT[$target]=$port
      log "$target: pid $pid, 127.0.0.1:$port${envs:+ (${envs[*]})}"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "$target did not answer PING on 127.0.0.1:$port within 30 s; its log:" >&2
  tail -20 "$BENCH_LOGS/$target.log" >&2
  exit 1
}
