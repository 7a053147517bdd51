#!/usr/bin/env bash
# Issue 15's proof of the offline installation: build the bundle (`make bundle`), unpack it
# into a temporary folder, run `make run` there with pip pointed at nothing (no index, no
# extra index, no find-links, no pip configuration file), wait until the login page answers
# 200 and the demo account `office` can log in, then stop the server and remove the folder.
#
#   deploy/check-offline-install.sh                 # build a bundle of HEAD, then check it
#   BUNDLE=dist/xieshang-bundle-….tar.gz deploy/check-offline-install.sh   # check that one
#
# SQLite only (DATABASE_URL is ignored). Bounded: OFFLINE_CHECK_TIMEOUT seconds (600) for
# `make install`, and as much again for `make run` (migration, demo seed, start-up) to answer.
# Prints the time each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
TIMEOUT=${OFFLINE_CHECK_TIMEOUT:-600}
PYTHON=${PYTHON:-python3}

t0=$(date +%s)
elapsed() { echo $(($(date +%s) - t0)); }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/xieshang-offline.XXXXXX")
RUN_PID=""
cleanup() {
  status=$?
  if [ -n "$RUN_PID" ]; then
    # make and `manage.py serve` share the process group that setsid started; on SIGTERM
    # serve stops gunicorn, the worker and the scheduler (each in its own group) and waits
    # for them, so wait for the whole group to go before anything harsher.
    kill -TERM -- "-$RUN_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 -- "-$RUN_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$RUN_PID" 2>/dev/null || true
    # Anything still running from the unpacked folder (only if serve itself was killed).
    leftover=$(pgrep -f -- "$WORK/unpacked/" || true)
    if [ -n "$leftover" ]; then
      kill -TERM $leftover 2>/dev/null || true
      sleep 3
      kill -KILL $leftover 2>/dev/null || true
    fi
  fi
  rm -rf "$WORK" 2>/dev/null || { sleep 2; rm -rf "$WORK"; }
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${BUNDLE:-}" ]; then
  echo "== make bundle"
  make --no-print-directory bundle DIST="$WORK/dist"
  BUNDLE=$(ls "$WORK"/dist/xieshang-bundle-*.tar.gz)
fi
t_bundle=$(elapsed)
echo "   bundle: $BUNDLE ($(du -h "$BUNDLE" | cut -f1), ${t_bundle} s)"

mkdir "$WORK/unpacked"
tar -xzf "$BUNDLE" -C "$WORK/unpacked"
DIR=$(echo "$WORK"/unpacked/xieshang-bundle-*)
[ -d "$DIR/wheels" ] || { echo "FAIL: no wheels/ in $BUNDLE"; exit 1; }
[ -f "$DIR/INSTALL.txt" ] || { echo "FAIL: no INSTALL.txt in $BUNDLE"; exit 1; }

# From here on, every way pip could reach a package is shut: a dead index, no extra index,
# no find-links, no configuration file (this machine's pip.conf adds local indexes), and
# --no-index. SQLite under the unpacked folder's var/.
export PIP_INDEX_URL=http://127.0.0.1:9/ PIP_EXTRA_INDEX_URL= PIP_FIND_LINKS= \
  PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_RETRIES=0 PIP_DEFAULT_TIMEOUT=5
unset DATABASE_URL XIESHANG_VAR_DIR VIRTUAL_ENV PYTHONPATH

echo "== make install in the unpacked bundle, pip pointed at nothing"
t_install=$(date +%s)
if ! (cd "$DIR" && timeout "$TIMEOUT" make --no-print-directory install PYTHON="$PYTHON") \
  >"$WORK/install.log" 2>&1; then
  echo "FAIL: make install from the bundle; its output:"
  tail -n 40 "$WORK/install.log"
  exit 1
fi
t_install=$(($(date +%s) - t_install))
grep -q -- "--no-index --find-links wheels" "$WORK/install.log" ||
  { echo "FAIL: make install did not install from wheels/"; cat "$WORK/install.log"; exit 1; }
echo "   installed from wheels/ in ${t_install} s"

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== make run in the unpacked bundle (port $PORT)"
t_run=$(date +%s)
(cd "$DIR" && exec setsid make --no-print-directory run PORT="$PORT" PYTHON="$PYTHON" \
  >"$WORK/run.log" 2>&1) &
RUN_PID=$!

URL="http://127.0.0.1:$PORT/accounts/login/"
STATUS='
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print("none")
'
code=""
while [ $(($(date +%s) - t_run)) -lt "$TIMEOUT" ]; do
  if ! kill -0 "$RUN_PID" 2>/dev/null; then
    echo "FAIL: make run exited before the login page answered; its output:"
    tail -n 60 "$WORK/run.log"
    exit 1
  fi
  code=$("$PYTHON" -c "$STATUS" "$URL" 2>/dev/null || true)
  [ "$code" = 200 ] && break
  sleep 1
done
if [ "$code" != 200 ]; then
  echo "FAIL: no 200 from $URL within ${TIMEOUT} s (last: ${code:-none}); make run's output:"
  tail -n 60 "$WORK/run.log"
  exit 1
fi
t_up=$(($(date +%s) - t_run))
echo "   login page 200 after ${t_up} s (migrate, seed the district demo, start)"

# The demo is seeded: the office account logs in with the demo password.
DEMO_PASSWORD=${DEMO_PASSWORD:-Xieshang@2026} "$PYTHON" - "$URL" <<'EOF'
import http.cookiejar, os, re, sys, urllib.parse, urllib.request

url = sys.argv[1]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(url, timeout=30).read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode(
    {"csrfmiddlewaretoken": token, "username": "office", "password": os.environ["DEMO_PASSWORD"]}
).encode()
request = urllib.request.Request(url, data=data, headers={"Referer": url})
response = opener.open(request, timeout=60)
if "/accounts/login/" in response.geturl():
    sys.exit("FAIL: the demo account office could not log in (is the demo seeded?)")
print(f"   demo login as office: {response.status} {urllib.parse.urlsplit(response.geturl()).path}")
EOF

echo "OK: offline install from the bundle serves the demo (bundle ${t_bundle} s," \
  "make install ${t_install} s, make run to the login page ${t_up} s, total $(elapsed) s)"
