# Helpers for command-line tests: each test is a bash script run by CTest with
# $DECLOUDER (the built program), $SHARED (../shared), $SOURCE_DIR and $BUILD_DIR set.
set -euo pipefail
: "${DECLOUDER:?run through ctest, or set DECLOUDER=path/to/declouder}"
TEST_NAME=$(basename "$0" .sh)
WORKDIR=$(mktemp -d "/tmp/declouder-${TEST_NAME}.XXXXXX")
trap 'rm -rf "$WORKDIR"' EXIT

fail() { echo "FAIL [$TEST_NAME]: $*" >&2; exit 1; }
pass() { echo "PASS [$TEST_NAME]"; exit 0; }

# The real-device recordings live beside the repository in ../shared (other projects'
# data, never copied in). need_shared REL skips the whole test (exit 77, which CTest
# reports as skipped) when ../shared/REL is absent; have_shared REL only says so, for a
# test with a part that needs it.
shared_missing() { echo "SKIP [$TEST_NAME]: needs ../shared/$1 beside the checkout (real recordings are not in the repo)"; }
need_shared() { [ -e "$SHARED/$1" ] || { shared_missing "$1"; exit 77; }; }
have_shared() { [ -e "$SHARED/$1" ] || { shared_missing "$1" >&2; return 1; }; }

# expect_json JSON JQ_PATH EXPECTED  (python3 does the JSON parsing: no jq needed)
expect_json() {
  local got
  got=$(python3 -c '
import json,sys
doc=json.loads(sys.argv[1]); path=sys.argv[2]
cur=doc
for part in [p for p in path.split(".") if p]:
    cur=cur[int(part)] if isinstance(cur,list) else cur.get(part)
print(json.dumps(cur))' "$1" "$2") || fail "not JSON: $1"
  [ "$got" = "$3" ] || fail "$2 is $got, expected $3 (in $1)"
}

expect_status() {
  local want=$1; shift
  local rc=0
  "$@" >/dev/null 2>&1 || rc=$?
  [ "$rc" = "$want" ] || fail "exit status $rc, expected $want: $*"
}

expect_stderr_contains() {
  local needle=$1; shift
  local err
  err=$("$@" 2>&1 >/dev/null || true)
  [[ "$err" == *"$needle"* ]] || fail "stderr of '$*' does not mention '$needle': $err"
}

# grep_all PATTERN...: like `grep -q`, but reads its whole input. In a pipeline
# under pipefail, `grep -q` stops at the first match and the program still
# writing gets SIGPIPE, failing the pipeline at random.
grep_all() { grep "$@" >/dev/null; }
