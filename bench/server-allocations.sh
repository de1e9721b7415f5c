#!/usr/bin/env bash
# Steady-state allocations and time of GET and SET through the whole command path of a node (RESP framing,
# dispatcher, handler, engine, reply), in process: BenchmarkDotNet with MemoryDiagnoser. Target: 0 B per command.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Hoard.Server.Benchmarks -- --filter '*' "$@"
