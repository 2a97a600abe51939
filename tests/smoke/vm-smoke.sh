#!/usr/bin/env bash
# VM smoke test of a running occi-agent (CI runs it against the native AOT binary): boots the
# busybox test guest (tests/guest/README.md) through the OCCI API and checks each compute action
# against the guest's serial markers, QEMU's own status (QMP on the operator socket monitor.sock)
# and the QEMU process. Prints the times it measured, then "vm-smoke: N passed, N failed".
# Usage: tests/smoke/vm-smoke.sh BASE_URL STATE_DIR SCHEME_BASE
#   STATE_DIR: the agent's state dir (the test guest is registered into STATE_DIR/images);
#   SCHEME_BASE: the agent's configured schemeBase, e.g. http://smoke.test/occi/
# Every wait has a timeout (boots 90 s); the console and the state are polled every 50 ms.
# The compute and storage it made are deleted on any exit, and its QEMU killed if still alive.
set -euo pipefail
base=$1; state=$2; schemebase=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
pass=0; fail=0; ok=""
INFRA='scheme="http://schemas.ogf.org/occi/infrastructure#"'
ACTION='scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"'
OSTPL="scheme=\"${schemebase}infrastructure/os_tpl#\""
BOOT_TIMEOUT=90 EVENT_TIMEOUT=15 EXIT_TIMEOUT=30
M='OCCI-TEST-GUEST: '
# Every request carries the admin token the agent wrote at its first start.
token=$(cat "$state/admin.token")
curl() { command curl -H "Authorization: Bearer $token" "$@"; }

tmp=$(mktemp -d)
cpath=""; vmdir=""; sid=""; waiter=""
cleanup() {
  local p=""
  if [[ -n "$waiter" ]]; then kill "$waiter" 2>/dev/null || true; wait "$waiter" 2>/dev/null || true; fi
  if [[ -n "$cpath" ]]; then
    p=$(cat "$vmdir/qemu.pid" 2>/dev/null || true)
    curl -s -o /dev/null --max-time 60 -X DELETE "$base$cpath" || true
    # The agent may be gone: never leave our QEMU behind (only if that pid is still our VM).
    if [[ -n "$p" ]] && alive "$p" && grep -qF "$vmdir/" "/proc/$p/cmdline" 2>/dev/null; then
      echo "vm-smoke: killing QEMU $p left behind" >&2; kill -9 "$p" 2>/dev/null || true
    fi
  fi
  if [[ -n "$sid" ]]; then curl -s -o /dev/null --max-time 30 -X DELETE "$base/storage/$sid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# QMP client for the operator socket: "status SOCK" prints QEMU's run state. "wait-running
# TIMEOUT_S" prints "ready", reads "T0_US SOCK" from stdin, waits until SOCK exists and QEMU says
# running, then prints the ms elapsed since T0_US (microseconds since the epoch); started before
# the VM is, so python's own start-up (over 100 ms here) is not in the figure.
cat >"$tmp/qmp.py" <<'PY'
import json, socket, sys, time

def session(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(max(0.2, deadline - time.time()))
            s.connect(path)
            f = s.makefile("rb")
            def cmd(name):
                s.sendall(json.dumps({"execute": name}).encode() + b"\n")
                while True:
                    line = f.readline()
                    if not line:
                        raise ConnectionError("QMP connection closed")
                    msg = json.loads(line)
                    if "return" in msg:
                        return msg["return"]
                    if "error" in msg:
                        raise RuntimeError(msg["error"].get("desc", "QMP error"))
            if "QMP" not in json.loads(f.readline() or b"{}"):
                raise ConnectionError("no QMP greeting")
            cmd("qmp_capabilities")
            return s, cmd
        except (OSError, ValueError):
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.002)

if sys.argv[1] == "status":
    s, cmd = session(sys.argv[2], time.time() + 5)
    print(cmd("query-status")["status"])
elif sys.argv[1] == "wait-running":
    print("ready", flush=True)
    t0, path = sys.stdin.readline().split(maxsplit=1)
    t0, path, deadline = int(t0), path.strip(), time.time() + float(sys.argv[2])
    s, cmd = session(path, deadline)
    while cmd("query-status")["status"] != "running":
        if time.time() > deadline:
            sys.exit("QEMU did not run in time")
        time.sleep(0.002)
    print(f"{(time.time() * 1e6 - t0) / 1000:.0f}")
PY

check() { # name, condition command...: counts and prints one line
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); ok=1; echo "ok   $name"; else fail=$((fail+1)); ok=""; echo "FAIL $name"; fi
}
abort() { # a check that everything after depends on failed (and was counted)
  echo "     $1 failed: skipping the remaining VM checks"; finish
}
finish() {
  echo "time POST compute + POST start -> QEMU running (QMP query-status on monitor.sock): ${t_running:-?} ms"
  echo "time POST start -> '${M}booted' on the console: ${t_booted:-?} ms"
  echo "time POST stop graceful -> QEMU process exit: ${t_stopped:-?} ms"
  echo "vm-smoke: $pass passed, $fail failed"
  [[ $fail -eq 0 ]] && exit 0 || exit 1
}
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
req() { # method path [curl args...]: body to $tmp/body, headers to $tmp/hdr, prints the status
  local m=$1 p=$2; shift 2
  curl -sS -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' --max-time 120 -X "$m" "$base$p" "$@" || true
}
hdr() { { grep -i "^$1:" "$tmp/hdr" | head -1 | cut -d' ' -f2- | tr -d '\r'; } || true; }
has() { grep -qF -- "$1" "$tmp/body"; }
post_text() { # path lines...: POST a text/plain rendering (CRLF lines), prints the status
  local p=$1 body=""; shift
  for l in "$@"; do body+="$l"$'\r\n'; done
  req POST "$p" -H 'Content-Type: text/plain' --data-binary "$body"
}
act() { # path action [method] [extra attribute line]: prints the status
  local lines=("Category: $2; $ACTION; class=\"action\"")
  [[ -n "${3:-}" ]] && lines+=("X-OCCI-Attribute: method=\"$3\"")
  [[ -n "${4:-}" ]] && lines+=("$4")
  post_text "$1?action=$2" "${lines[@]}"
}
state_of() { curl -s --max-time 10 "$base$1" | sed -n 's/^X-OCCI-Attribute: occi\.compute\.state="\([a-z]*\)".*/\1/p' | head -1; }
wait_state() { # path state timeout_s
  local deadline=$(( $(now_us) + $3 * 1000000 ))
  while [[ "$(state_of "$1")" != "$2" ]]; do
    (( $(now_us) < deadline )) || { echo "     $1 stayed '$(state_of "$1")', not '$2', for $3 s"; return 1; }
    sleep 0.05
  done
}
console_count() { # path line: how many whole console lines equal it
  curl -s --max-time 10 "$base$1/console" | tr -d '\r' | grep -cxF -- "$2" || true
}
wait_console() { # path line times timeout_s
  local deadline=$(( $(now_us) + $4 * 1000000 ))
  while (( $(console_count "$1" "$2") < $3 )); do
    (( $(now_us) < deadline )) || { echo "     console did not show '$2' $3 time(s) within $4 s; its tail:";
                                    curl -s --max-time 10 "$base$1/console" | tr -d '\r' | tail -5 | sed 's/^/     | /'; return 1; }
    sleep 0.05
  done
}
alive() { # pid: exists and is no zombie (a daemonised QEMU is reaped late by init)
  local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }; [[ ${s:0:1} != [ZXx] ]]
}
wait_gone() { # pid timeout_s
  local deadline=$(( $(now_us) + $2 * 1000000 ))
  while alive "$1"; do
    (( $(now_us) < deadline )) || { echo "     QEMU $1 still runs after $2 s"; return 1; }
    sleep 0.01
  done
}
qemu_status() { python3 "$tmp/qmp.py" status "$vmdir/monitor.sock" 2>/dev/null || echo "(no answer)"; }
is_qemu() { local s; s=$(qemu_status); [[ $s == "$1" ]] || { echo "     QEMU says '$s', not '$1'"; return 1; }; }
unlisted() { # text timeout_s: until /-/ no longer lists the text
  local deadline=$(( $(now_us) + $2 * 1000000 ))
  while curl -s --max-time 10 "$base/-/" | grep -F -- "$1" >/dev/null; do
    (( $(now_us) < deadline )) || return 1
    sleep 0.05
  done
}
listed() { # text timeout_s: until /-/ lists the text
  local deadline=$(( $(now_us) + $2 * 1000000 ))
  until curl -s --max-time 10 "$base/-/" | grep -F -- "$1" >/dev/null; do
    (( $(now_us) < deadline )) || return 1
    sleep 0.05
  done
}

echo "== host and test guest"
check "GET /host"            test "$(req GET /host)" = 200
accel=$(sed -n 's/^accelerator: //p' "$tmp/body"); reason=$(sed -n 's/^accelerator.reason: //p' "$tmp/body")
check "  accelerator ${accel:-?}: ${reason:-?}" test -n "$reason" -a \( "$accel" = kvm -o "$accel" = tcg \)
check "  VMs available"      has "vms.available: true"
check "register the test guest" bash -c '"$0" "$1" >/dev/null 2>"$2"' "$repo/scripts/build-test-guest" "$state/images" "$tmp/build.log"
[[ -n $ok ]] || { sed 's/^/     | /' "$tmp/build.log"; abort "test guest"; }
check "  published as os_tpl" listed "Category: test-guest; $OSTPL" 15
[[ -n $ok ]] || abort "test guest os_tpl"
if [[ -e "$state/images/smoke_saved.qcow2" ]]; then  # left by an earlier run on this state dir
  echo "     removing smoke_saved left in $state/images by an earlier run"
  rm -f "$state/images/smoke_saved.qcow2" "$state/images/smoke_saved.json"
  check "  smoke_saved unpublished" unlisted "Category: smoke_saved; $OSTPL" "$EVENT_TIMEOUT"
fi

echo "== create, start, boot"
# The QMP waiter starts first and is told the socket once the compute exists.
mkfifo "$tmp/go"
python3 "$tmp/qmp.py" wait-running 60 <"$tmp/go" >"$tmp/running" 2>"$tmp/running.err" &
waiter=$!
exec 3>"$tmp/go"
for _ in $(seq 1 200); do grep -q ready "$tmp/running" && break; sleep 0.01; done
t0=$(now_us)
check "POST compute (test-guest, 128 MiB)" test "$(post_text /compute/ "Category: compute; $INFRA; class=\"kind\"" \
  "Category: test-guest; $OSTPL; class=\"mixin\"" "X-OCCI-Attribute: occi.compute.memory=0.125" \
  "X-OCCI-Attribute: occi.core.title=\"vm-smoke\"")" = 201
[[ -n $ok ]] || { sed 's/^/     | /' "$tmp/body"; abort "POST compute"; }
loc=$(hdr Location); id=${loc##*/}; cpath=/compute/$id; vmdir=$state/vms/$id
(echo "$t0 $vmdir/monitor.sock" >&3) 2>/dev/null || true  # a subshell: a dead waiter's SIGPIPE ends only it
exec 3>&-
t_start=$(now_us)
check "start" test "$(act "$cpath" start)" = 200
[[ -n $ok ]] || { sed 's/^/     | /' "$tmp/body"; abort "start"; }
check "  state active"       wait_state "$cpath" active "$EVENT_TIMEOUT"
check "  QEMU running (QMP on monitor.sock)" wait "$waiter"
[[ -n $ok ]] || sed 's/^/     | /' "$tmp/running.err"
waiter=""; t_running=$(sed -n 2p "$tmp/running")
check "  console: booted"    wait_console "$cpath" "${M}booted" 1 "$BOOT_TIMEOUT"
[[ -n $ok ]] || abort "boot"
t_booted=$(( ($(now_us) - t_start) / 1000 ))
check "  console: boot-count 1" test "$(console_count "$cpath" "${M}boot-count 1")" = 1
pid=$(cat "$vmdir/qemu.pid")
check "  QEMU pid $pid alive" alive "$pid"

echo "== suspend (suspend), start"
check "suspend suspend"      test "$(act "$cpath" suspend suspend)" = 200
check "  state suspended"    wait_state "$cpath" suspended "$EVENT_TIMEOUT"
check "  QEMU paused"        is_qemu paused
check "start"                test "$(act "$cpath" start)" = 200
check "  state active"       wait_state "$cpath" active "$EVENT_TIMEOUT"
check "  QEMU running"       is_qemu running

echo "== storage hot-plug"
check "POST storage (64 MiB)" test "$(post_text /storage/ "Category: storage; $INFRA; class=\"kind\"" \
  "X-OCCI-Attribute: occi.storage.size=0.0625")" = 201
loc=$(hdr Location); sid=${loc##*/}
check "POST storagelink to the running compute" test "$(post_text /storagelink/ "Category: storagelink; $INFRA; class=\"kind\"" \
  "X-OCCI-Attribute: occi.core.source=\"$cpath\"" "X-OCCI-Attribute: occi.core.target=\"/storage/$sid\"")" = 201
loc=$(hdr Location); lpath=/storagelink/${loc##*/}
check "  console: disks vda vdb" wait_console "$cpath" "${M}disks vda vdb" 1 "$EVENT_TIMEOUT"
check "DELETE storagelink"   test "$(req DELETE "$lpath")" = 200
check "  console: disks vda (again)" wait_console "$cpath" "${M}disks vda" 2 "$EVENT_TIMEOUT"

echo "== suspend (hibernate), start"
check "suspend hibernate"    test "$(act "$cpath" suspend hibernate)" = 200
check "  state suspended"    wait_state "$cpath" suspended "$EVENT_TIMEOUT"
check "  QEMU $pid gone"     wait_gone "$pid" "$EXIT_TIMEOUT"
check "start (resume)"       test "$(act "$cpath" start)" = 200
check "  state active"       wait_state "$cpath" active "$EVENT_TIMEOUT"
check "  QEMU running"       is_qemu running
pid=$(cat "$vmdir/qemu.pid" 2>/dev/null || echo 0)
check "  serial shell answers" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$base$cpath/console" \
  -H 'Content-Type: text/plain' --data-binary $'echo resumed-$((6*7))\n')" = 204
check "  console: resumed-42" wait_console "$cpath" "resumed-42" 1 "$EVENT_TIMEOUT"
check "  still one booted line (resumed, not rebooted)" test "$(console_count "$cpath" "${M}booted")" = 1

echo "== save hot"
check "save hot name=smoke_saved" test "$(act "$cpath" save hot 'X-OCCI-Attribute: name="smoke_saved"')" = 200
check "  answer is the new os_tpl mixin" has "Category: smoke_saved; $OSTPL"
[[ -n $ok ]] || sed 's/^/     | /' "$tmp/body"
check "  GET /-/ lists smoke_saved" listed "Category: smoke_saved; $OSTPL" "$EVENT_TIMEOUT"
check "  state active"       wait_state "$cpath" active "$EVENT_TIMEOUT"

echo "== restart warm"
check "restart warm"         test "$(act "$cpath" restart warm)" = 200
check "  console: second booted" wait_console "$cpath" "${M}booted" 2 "$BOOT_TIMEOUT"
check "  console: boot-count 2" test "$(console_count "$cpath" "${M}boot-count 2")" = 1
check "  same QEMU process"  test "$(cat "$vmdir/qemu.pid" 2>/dev/null)" = "$pid"
check "  state active"       wait_state "$cpath" active "$EVENT_TIMEOUT"

echo "== stop graceful, delete"
t_stop=$(now_us)
check "stop graceful"        test "$(act "$cpath" stop graceful)" = 200
check "  QEMU $pid exited"   wait_gone "$pid" "$EXIT_TIMEOUT"
[[ -n $ok ]] && t_stopped=$(( ($(now_us) - t_stop) / 1000 ))
check "  state inactive"     wait_state "$cpath" inactive "$EVENT_TIMEOUT"
check "  console: power button" test "$(console_count "$cpath" "${M}power button")" -ge 1
check "DELETE compute"       test "$(req DELETE "$cpath")" = 200
check "  $vmdir gone"        test ! -e "$vmdir"
[[ -n $ok ]] && cpath=""
check "DELETE storage"       test "$(req DELETE "/storage/$sid")" = 200
[[ -n $ok ]] && sid=""

finish
