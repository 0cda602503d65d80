# SPDX-License-Identifier: MIT
# Shared by the tpsim CLI tests: bats-support and bats-assert from Debian,
# the binary under test and the fixtures.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
TPSIM=${TPSIM:-$ROOT/build/tpsim}
FIX=$ROOT/fixtures

tpsim() { "$TPSIM" "$@"; }

# tshark refuses to run as root without a word; it still works
tshark_q() { tshark "$@" 2>/dev/null; }

# The value of "key" in a one-line JSON object.
jget() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
