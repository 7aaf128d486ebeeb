#!/usr/bin/env bash
# Runs every Berth test on this machine and prints one final line: "N passed, N failed".
# Installs what the tests need first (idempotent), builds in Release, checks formatting, then runs the
# test suites in parallel (each suite is an xunit v3 executable writing a CTRF result file).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/artifacts/test-results"
rm -rf "$OUT"; mkdir -p "$OUT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0; failed=0
fail_step() { echo "FAILED: $1"; failed=$((failed+1)); }

"$ROOT/scripts/install-deps.sh" || fail_step "install-deps"

echo "== build (Release)"
if ! dotnet build Berth.slnx -c Release -nologo -clp:ErrorsOnly > "$OUT/build.log" 2>&1; then
  tail -50 "$OUT/build.log"
  fail_step "build"
  echo "$passed passed, $failed failed"
  exit 1
fi
passed=$((passed+1))

# Formatting is checked in the background while the suites run.
( dotnet format Berth.slnx --verify-no-changes --no-restore > "$OUT/format.log" 2>&1; echo $? > "$OUT/format.rc" ) &
format_pid=$!

suites=()
for proj in tests/*/; do
  name=$(basename "$proj")
  exe="$proj/bin/Release/net10.0/$name"
  [ -x "$exe" ] && suites+=("$name")
done

pids=()
for name in "${suites[@]}"; do
  (
    cd "tests/$name/bin/Release/net10.0" &&
    timeout 1200 "./$name" -noColor -noLogo -parallelAlgorithm aggressive -result-ctrf "$OUT/$name.ctrf.json" > "$OUT/$name.log" 2>&1
    echo $? > "$OUT/$name.rc"
  ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
wait "$format_pid"

for name in "${suites[@]}"; do
  f="$OUT/$name.ctrf.json"
  if [ -s "$f" ]; then
    read -r p fl < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["results"]["summary"]; print(s["passed"], s["failed"])' "$f")
    echo "== $name: $p passed, $fl failed"
    passed=$((passed+p)); failed=$((failed+fl))
    if [ "$fl" != "0" ]; then grep -E "\[FAIL\]" -A12 "$OUT/$name.log" | head -120; fi
  else
    echo "== $name: no results (exit $(cat "$OUT/$name.rc" 2>/dev/null))"; tail -40 "$OUT/$name.log"
    fail_step "$name"
  fi
done

if [ "$(cat "$OUT/format.rc")" = "0" ]; then
  echo "== format: ok"; passed=$((passed+1))
else
  echo "== format: dotnet format --verify-no-changes found changes"; head -20 "$OUT/format.log"; fail_step "format"
fi

echo "$passed passed, $failed failed"
[ "$failed" = "0" ]
