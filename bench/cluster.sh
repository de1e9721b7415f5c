#!/usr/bin/env bash
# bench/ClusterBench (topology change latency, leader failover, slot moves) on real hoard processes; see its Program.cs.
#   bench/cluster.sh changes [--changes 50] [--nodes 4] [--probe route|epoch] [--poll-pause-ms 0] [--csv FILE]
#   bench/cluster.sh failover [--trials 10]
#   bench/cluster.sh primary-failover [--trials 10] [--node-timeout 1500] [--kill-leader] [--writers 4] [--load-ms 1000] [--wait-ms 200]
#                                     [--client default|fail-fast]
#   bench/cluster.sh move [--gb 1] [--value-bytes 1000] [--hash-fields 0] [--slots N] [--rate 64mb|0] [--probes 4]
#                         [--load-clients 4] [--pipeline 16] [--before-ms 5000] [--cold]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/ClusterBench -c Release -v quiet -nologo >&2
# exec: Ctrl-C and SIGTERM reach the bench itself, which kills the nodes it started.
exec dotnet bench/ClusterBench/bin/Release/net10.0/ClusterBench.dll "$@"
