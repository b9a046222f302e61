#!/usr/bin/env bash
# A fresh build tree, configured as a user and as CI do it (issue 13, item 5):
#  1. the default generator (Unix Makefiles) generates the H.248 Annex A sources with asn1c: its
#     custom command once ran in a working directory that did not exist yet (`cd` failed);
#  2. a user's plain build does not turn warnings into errors; CI's (MGC_WERROR=ON) does;
#  3. a Release build (-O3) with warnings as errors compiles the MGCP layer: GCC 12 reported a
#     false -Wrestrict inside std::string there.
# Only the layers these need are configured (core, mgcp, h248), without tests or benchmarks.
set -u
SRC=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
unset CMAKE_GENERATOR CMAKE_BUILD_PARALLEL_LEVEL
B=$tmp/build
common=(-DCMAKE_BUILD_TYPE=Release "-DMGC_LAYERS=core;mgcp;h248" -DMGC_TESTS=OFF -DMGC_BENCH=OFF)

cmake -S "$SRC" -B "$B" "${common[@]}" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; echo "FAIL: configure"; exit 1; }
grep -q '^CMAKE_GENERATOR:INTERNAL=Unix Makefiles$' "$B/CMakeCache.txt" ||
  bad "the default generator is not Unix Makefiles: $(grep '^CMAKE_GENERATOR:' "$B/CMakeCache.txt")"
grep -q -- '-Werror' "$B/compile_commands.json" && bad "a user's plain build turns warnings into errors"

# 1. asn1c through the Makefiles generator (skipped where asn1c or the ASN.1 module is missing)
if [ -d "$B/h248/CMakeFiles/mgc_h248_asn1.dir" ]; then
  cmake --build "$B" --target mgc_h248_asn1_sources >"$tmp/asn1.log" 2>&1 ||
    bad "asn1c step with Unix Makefiles: $(tail -5 "$tmp/asn1.log")"
  ls "$B"/h248/asn1/MegacoMessage.c >/dev/null 2>&1 || bad "asn1c wrote no MegacoMessage.c"
else
  echo "note: no asn1c or ASN.1 module here: the asn1c step is not checked"
fi

# 2 and 3. CI's setting: warnings are errors, and the MGCP layer compiles at -O3
cmake -S "$SRC" -B "$B" "${common[@]}" -DMGC_WERROR=ON >"$tmp/configure2.log" 2>&1 ||
  { cat "$tmp/configure2.log"; echo "FAIL: configure with MGC_WERROR=ON"; exit 1; }
grep -q -- '-Werror' "$B/compile_commands.json" || bad "MGC_WERROR=ON does not turn warnings into errors"
cmake --build "$B" --target mgc_mgcp -j 2 >"$tmp/mgcp.log" 2>&1 ||
  bad "Release build of mgc_mgcp with warnings as errors: $(grep -m5 -E 'error|warning' "$tmp/mgcp.log")"

[ $fail -eq 0 ] && echo "build from a fresh tree: all checks passed"
exit $fail
