#!/bin/sh
# Soak: a continuous UDP flood to a closed port on ::1, traced through the zero-copy callback path for
# TPGEN_SOAK_SECONDS (default 600), printing RSS, GC heap, delivered and dropped every 10 s, then
# asserting that memory stayed flat after a minute's warm-up, nothing was dropped, and the count
# equals the kernel's Udp6NoPorts delta. Needs root (or CAP_BPF and CAP_PERFMON).
#   tests/soak/run.sh                          # 10 minutes, as fast as one socket sends
#   TPGEN_SOAK_SECONDS=120 TPGEN_SOAK_RATE=50000 tests/soak/run.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
configuration=${CONFIGURATION:-Release}
dotnet build "$root/tests/TpGen.Tests" -c "$configuration" -p:TpGenSoak=true -v:q -nologo
exec "$root/tests/TpGen.Tests/bin/$configuration/net10.0/TpGen.Tests" \
    -method 'TpGen.Tests.Soak.SoakTests.*' -showLiveOutput -noColor
