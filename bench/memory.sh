#!/usr/bin/env bash
# Memory per key: loads N keys (default 1,000,000) key:%08d → 32-byte values into an unlimited keyspace and prints
# RSS / RssAnon growth, UsedMemory growth and live entry bytes, each per key. Usage: bench/memory.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Memory/Memory.csproj -- "$@"
