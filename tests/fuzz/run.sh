#!/bin/sh
# The long form of the fuzz tests: a million cases each for the format reader, the filter
# language, the BTF reader and the decoders, 200,000 damaged trace.dat files, and 10,000
# compilations of mutated snapshots through the generator (TPGEN_LONG=1; TPGEN_FUZZ_CASES=N sets
# another number for all of them). Every case is seeded from the fixtures and, where tracefs is
# readable, from every format of this kernel.
# A failure prints the CsCheck seed that replays it:
#   CsCheck_Seed=SEED TPGEN_FUZZ_CASES=1 tests/fuzz/run.sh -class TpGen.Tests.Robustness.FormatReaderFuzzTests
# Extra arguments go to the test runner (-class, -method, ...); without them, all of Robustness runs.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
configuration=${CONFIGURATION:-Release}
dotnet build "$root/tests/TpGen.Tests" -c "$configuration" -v:q -nologo
[ $# -gt 0 ] || set -- -namespace TpGen.Tests.Robustness
TPGEN_LONG=${TPGEN_LONG:-1} exec "$root/tests/TpGen.Tests/bin/$configuration/net10.0/TpGen.Tests" "$@" -showLiveOutput -noColor
