#!/usr/bin/env bash
# The catalogue sample's page latency (issue 7): a private PostgreSQL (Debian's postgresql package) and one
# `hoard serve` node on free loopback ports, the sample twice (near cache on and off); then, one request at a time,
# the page uncached (PostgreSQL, its query slow on purpose: --query-ms), cached in Hoard (L2) and cached near (L1).
# Everything it starts is stopped at the end.
#   bench/sample.sh [--requests 2000] [--query-ms 50]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=2000
query_ms=50
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    --query-ms) query_ms=$2; shift 2 ;;
    *) echo "usage: bench/sample.sh [--requests 2000] [--query-ms 50]" >&2; exit 2 ;;
  esac
done

for project in src/Hoard.Cli samples/Hoard.Samples.Catalog bench/ClientBench; do
  dotnet build "$project" -c Release -v quiet -nologo >&2
done
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres=(); [ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)
dir=$(mktemp -d); chmod 777 "$dir"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

pg_port=$(free_port)
"${as_postgres[@]}" "$pg_bin/initdb" -D "$dir/pg" -A trust -U postgres --no-sync >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
hoard_port=$(free_port)
dotnet src/Hoard.Cli/bin/Release/net10.0/hoard.dll serve --port "$hoard_port" --bind 127.0.0.1 >"$dir/hoard.log" 2>&1 &
pids+=($!)
catalog="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
near_port=$(free_port)
far_port=$(free_port)
for spec in "$near_port true" "$far_port false"; do
  set -- $spec
  dotnet samples/Hoard.Samples.Catalog/bin/Release/net10.0/Hoard.Samples.Catalog.dll --urls "http://127.0.0.1:$1" \
    --ConnectionStrings:Catalog "$catalog" --Hoard:Configuration "127.0.0.1:$hoard_port" --Hoard:NearCache "$2" \
    --Catalog:QueryMs "$query_ms" --Catalog:PageSeconds 3600 --Logging:LogLevel:Default Warning >"$dir/sample-$1.log" 2>&1 &
  pids+=($!)
done
for port in "$near_port" "$far_port"; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/cart" >/dev/null && break; sleep 0.2; done
done

echo "catalogue page (PostgreSQL query of $query_ms ms on purpose), one request at a time; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/ClientBench/bin/Release/net10.0/ClientBench.dll pages --requests "$requests" \
  "uncached (PostgreSQL)=http://127.0.0.1:$far_port/products/7/uncached" \
  "cached in Hoard (L2)=http://127.0.0.1:$far_port/products/7" \
  "cached near (L1)=http://127.0.0.1:$near_port/products/7"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
