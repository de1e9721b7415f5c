#!/usr/bin/env bash
# Storage-engine micro-benchmarks (BenchmarkDotNet, Release): GET hit/miss, SET overwrite, SET new key with eviction,
# Hoard vs a ConcurrentDictionary<byte[], byte[]> reference, per operation (ns, bytes allocated).
# Extra arguments go to BenchmarkDotNet, e.g. `bench/speed.sh --job short` or `bench/speed.sh --filter '*GetHit*'`
# (a --filter given here replaces the default '*').
set -euo pipefail
cd "$(dirname "$0")/.."

artifacts=bench/Hoard.Storage.Benchmarks/BenchmarkDotNet.Artifacts
rm -rf "$artifacts/results"
# Timings are only as good as the machine is quiet: show what else was running.
echo "load average before: $(cat /proc/loadavg 2>/dev/null || echo n/a)"
filter=(--filter '*')
for arg in "$@"; do
  if [[ $arg == --filter || $arg == -f ]]; then
    filter=()
  fi
done
dotnet run -c Release --project bench/Hoard.Storage.Benchmarks/Hoard.Storage.Benchmarks.csproj -- \
  "${filter[@]}" --artifacts "$artifacts" "$@"

echo
echo "load average after:  $(cat /proc/loadavg 2>/dev/null || echo n/a)"
echo "== Summary (Mean = ns/op, Allocated = bytes/op; Ratio = Hoard / ConcurrentDictionary) =="
cat "$artifacts"/results/*-report-github.md
