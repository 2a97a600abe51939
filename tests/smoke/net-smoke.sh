#!/usr/bin/env bash
# Network smoke test of the native binary: runs BIN inside a network namespace made
# here (listening on a unix socket in a temporary state dir, so nothing reaches the host's
# namespace), then: a dynamic network, the busybox test guest with a NIC leasing an address,
# the agent reporting it, a ping to the gateway, a NIC hot-plugged into the running guest (the
# time from its POST to its address being reported is printed), and deletion leaving no bridge,
# tap, dnsmasq or DHCP file. Prints "net-smoke: N passed, N failed".
# Usage: tests/smoke/net-smoke.sh BIN
set -euo pipefail
bin=$(realpath "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
ns="occi-s$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
state=$(mktemp -d /tmp/occi-netsmoke.XXXXXX)
sock=$state/agent.sock
pass=0; fail=0; agent=""
M='OCCI-TEST-GUEST: '
INFRA='scheme="http://schemas.ogf.org/occi/infrastructure#"'

ours() { # pids whose command line names the state dir (QEMU, dnsmasq, dbus-daemon), not the agent
  local d p
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [[ "$p" == "$agent" ]] && continue
    tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "$state/" && echo "$p"
  done
  return 0
}
cleanup() {
  if [[ -n "$agent" ]]; then kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; fi
  local p
  for p in $(ours); do kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check() { # name condition...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
c() { curl -s --max-time 60 --unix-socket "$sock" "$@"; }
post() { # path body -> the new entity's path (from the Location header of the 201)
  c -o /dev/null -D - -X POST -H 'Content-Type: text/plain' --data-binary "$2" "http://agent$1" |
    sed -n 's#^Location: *\(http://[^/]*\)\{0,1\}\(/[^\r]*\)\r\{0,1\}$#\2#Ip'
}
attr() { c -H 'Accept: text/plain' "http://agent$1" | sed -n "s/^X-OCCI-Attribute: $2=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}\r\\{0,1\\}$/\\1/p"; }
links() { ip -n "$ns" -j link show | python3 -c 'import json,sys; print(" ".join(l["ifname"] for l in json.load(sys.stdin)))'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_for() { # seconds command... : polls every 50 ms
  local deadline=$(( $(now_ms) + $1 * 1000 )); shift
  until "$@"; do (( $(now_ms) < deadline )) || return 1; sleep 0.05; done
}
lease_of() { c "http://agent$1/console" | sed -n "s/^${M}lease $2 \\([0-9.]*\\)\r\\{0,1\\}$/\\1/p" | tail -1; }

# Root on the socket is admin by its kernel credentials (SO_PEERCRED, README "Authentication").
ip netns add "$ns"
ip -n "$ns" link set lo up
"$repo/scripts/build-test-guest" "$state/var/images" >/dev/null
cat >"$state/agent.json" <<JSON
{ "schemeBase": "http://smoke.test/occi/", "stopTimeoutSeconds": 20 }
JSON
ip netns exec "$ns" "$bin" --listen "http://unix:$sock" --state-dir "$state/var" --config "$state/agent.json" >"$state/agent.log" 2>&1 &
agent=$!
wait_for 30 test -S "$sock" && wait_for 30 c -f -o /dev/null http://agent/-/ || { cat "$state/agent.log"; exit 1; }

net=$(post /network/ "Category: network; $INFRA; class=\"kind\"
Category: ipnetwork; scheme=\"http://schemas.ogf.org/occi/infrastructure/network#\"; class=\"mixin\"
X-OCCI-Attribute: occi.network.address=\"10.90.0.0/24\"
X-OCCI-Attribute: occi.network.gateway=\"10.90.0.1\"
X-OCCI-Attribute: occi.network.allocation=\"dynamic\"")
check "network created: $net" test -n "$net"
check "its bridge is in the namespace and active" bash -c "[[ '$(links)' == *occib* && '$(attr "$net" occi.network.state)' == active ]]"
vm=$(post /compute/ "Category: compute; $INFRA; class=\"kind\"
Category: test-guest; scheme=\"http://smoke.test/occi/infrastructure/os_tpl#\"; class=\"mixin\"
X-OCCI-Attribute: occi.compute.memory=0.125")
nic=$(post /networkinterface/ "Category: networkinterface; $INFRA; class=\"kind\"
X-OCCI-Attribute: occi.core.source=\"$vm\"
X-OCCI-Attribute: occi.core.target=\"$net\"")
check "compute $vm and interface $nic created" test -n "$vm" -a -n "$nic"
c -o /dev/null -X POST -H 'Content-Type: text/plain' --data-binary "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"" "http://agent$vm?action=start"
t0=$(now_ms)
check "the guest leases an address on eth0" wait_for 90 bash -c "[[ -n \"\$(curl -s --unix-socket '$sock' http://agent$vm/console | grep -a '^${M}lease eth0 ')\" ]]"
lease=$(lease_of "$vm" eth0)
echo "start -> guest lease: $(( $(now_ms) - t0 )) ms ($lease)"
check "the agent reports the leased address $lease" wait_for 30 bash -c "[[ -n '$lease' && \"\$(curl -s --unix-socket '$sock' -H 'Accept: text/plain' http://agent$nic | grep -c 'occi.networkinterface.address=\"$lease\"')\" == 1 ]]"
c -o /dev/null -X POST --data-binary $'ping -c 1 -W 3 10.90.0.1 >/dev/null && echo "OCCI-TEST-GUEST: ping ok"\n' "http://agent$vm/console"
check "the guest pings its gateway" wait_for 30 bash -c "curl -s --unix-socket '$sock' http://agent$vm/console | grep -aq '^${M}ping ok'"

t0=$(now_ms)
nic2=$(post /networkinterface/ "Category: networkinterface; $INFRA; class=\"kind\"
X-OCCI-Attribute: occi.core.source=\"$vm\"
X-OCCI-Attribute: occi.core.target=\"$net\"")
check "a second NIC hot-plugged into the running guest reports an address" wait_for 60 bash -c "curl -s --unix-socket '$sock' -H 'Accept: text/plain' http://agent$nic2 | grep -q 'occi.networkinterface.address='"
echo "POST networkinterface on a running VM -> address reported: $(( $(now_ms) - t0 )) ms ($(attr "$nic2" occi.networkinterface.address))"

check "compute deleted" test "$(c -o /dev/null -w '%{http_code}' -X DELETE "http://agent$vm")" = 200
check "network deleted" test "$(c -o /dev/null -w '%{http_code}' -X DELETE "http://agent$net")" = 200
check "no bridge or tap remains" bash -c "[[ '$(links)' != *occi* ]]"
left_processes() { local p; for p in $(ours); do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null; echo; done | grep -E 'dnsmasq|qemu'; }
check "no dnsmasq or QEMU remains" bash -c "[[ -z \"$(left_processes)\" ]]"
check "no DHCP file remains" bash -c "[[ -z \"$(find "$state/var/net" -name 'dnsmasq-*' 2>/dev/null)\" ]]"
echo "net-smoke: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
