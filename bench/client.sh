#!/usr/bin/env bash
# Hoard.Client's figures (issue 7; see bench/ClientBench/Program.cs) against a `hoard serve` node started here on a
# free loopback port and stopped at the end.
#   bench/client.sh [--trials 5] [--writes 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Hoard.Cli -c Release -v quiet -nologo >&2
dotnet build bench/ClientBench -c Release -v quiet -nologo >&2
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
dotnet src/Hoard.Cli/bin/Release/net10.0/hoard.dll serve --port "$port" --bind 127.0.0.1 > "$dir/node.log" 2>&1 &
node=$!
trap 'kill "$node" 2>/dev/null; wait "$node" 2>/dev/null; rm -rf "$dir"' EXIT
dotnet bench/ClientBench/bin/Release/net10.0/ClientBench.dll "127.0.0.1:$port" "$@"
