#!/usr/bin/env bash
# Steady-state allocations and time of GET and SET, and of LPUSH/LPOP, SADD, ZADD and LRANGE 0 99 next to SET, through
# the whole command path of a node (RESP framing, dispatcher, handler, engine, reply), in process: BenchmarkDotNet with
# MemoryDiagnoser. Target: 0 B per command. The data type commands alone:
# dotnet run -c Release --project bench/Hoard.Server.Benchmarks -- --filter '*DataType*'
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Hoard.Server.Benchmarks -- --filter '*' "$@"
