#!/usr/bin/env bash
# The packaged unit under a real systemd (run by .ci/run inside a throw-away systemd container):
#   with-systemd -- tests/packaging/service-under-systemd.sh DEB
# The container's /usr is the host's (read-only), so the package is installed with dpkg --root
# into /opt/occi-root inside the container; the packaged unit is copied to /etc/systemd/system
# with a drop-in pointing ExecStart at that binary. Everything else is the packaged unit: its
# hardening, Type=notify, StateDirectory=/var/lib/occi-agent. It checks start -> READY=1 (timed
# from systemd's own timestamps), HTTP, watchdog, the journal, a VM (the test guest) started by
# the agent, a stop that leaves the VM running and a start that re-attaches it, and bridge + tap
# + dnsmasq + QEMU on a tap under the very same hardening (the container has its own netns).
# Prints "service: N passed, M failed" last.
set -uo pipefail
deb=$(realpath "${1:?usage: service-under-systemd.sh DEB}")
repo=$(cd "$(dirname "$0")/../.." && pwd)
: "${WITH_SYSTEMD_LEADER:?run me through with-systemd}"
L=$WITH_SYSTEMD_LEADER
croot=/proc/$L/root
pass=0; fail=0; ok=""
check() {
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); ok=1; echo "ok   $name"; else fail=$((fail + 1)); ok=""; echo "FAIL $name"; fi
}
# Inside the container, on its own system bus.
c() { env -u DBUS_SYSTEM_BUS_ADDRESS nsenter -t "$L" -a --wd=/ "$@"; }
prop() { c systemctl show -P "$2" "$1"; }
until_ok() { local end=$((SECONDS + $1)); shift; until "$@"; do ((SECONDS < end)) || return 1; sleep 0.2; done; }
A=http://127.0.0.1:8080
# The admin token the agent wrote into its state dir at first start (read from the host side).
http() { c curl -s --max-time 60 -H "Authorization: Bearer $(cat "$croot/var/lib/occi-agent/admin.token" 2>/dev/null)" "$@"; }

echo "== install into the container (/opt/occi-root) and the unit into /etc/systemd/system"
root=$croot/opt/occi-root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"; : > "$root/var/lib/dpkg/status"
dpkglog=$(mktemp)
check "dpkg --root install" dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >"$dpkglog" 2>&1
[[ -n $ok ]] || cat "$dpkglog"; rm -f "$dpkglog"
install -m 0644 "$root/lib/systemd/system/occi-agent.service" "$croot/etc/systemd/system/occi-agent.service"
mkdir -p "$croot/etc/systemd/system/occi-agent.service.d"
cat > "$croot/etc/systemd/system/occi-agent.service.d/test.conf" <<CONF
# Test only: the binary and config of the package in /opt/occi-root; a short watchdog to see pings.
[Service]
ExecStart=
ExecStart=/opt/occi-root/usr/bin/occi-agent --config /opt/occi-root/etc/occi-agent/config.json
WatchdogSec=3s
CONF
mkdir -p "$croot/var/lib/occi-agent/images"
"$repo/scripts/build-test-guest" "$croot/var/lib/occi-agent/images" >/dev/null 2>&1 || echo "(building the test guest failed)"
# A deliberately broken image: its sidecar is not JSON, so the agent logs a warning ([102]).
: > "$croot/var/lib/occi-agent/images/broken.qcow2"; echo '{' > "$croot/var/lib/occi-agent/images/broken.json"
# What postinst does on a live system (here the package went into /opt/occi-root, whose
# /etc/group is not the container's): the socket's group, and a member of it for the checks.
c groupadd --system occi-agent
c useradd --system --no-create-home --groups occi-agent occi-member
c systemctl daemon-reload
# The package's D-Bus policy on the container's system bus (its /usr is the host's, so the copy
# goes to /etc): with it, dhcpBus=auto takes the system bus for dnsmasq's lease signals.
install -m 0644 "$root/usr/share/dbus-1/system.d/occi-agent-dnsmasq.conf" "$croot/etc/dbus-1/system.d/occi-agent-dnsmasq.conf"
c busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig >/dev/null

echo "== start (Type=notify)"
check "systemctl start occi-agent" c systemctl start occi-agent
check "active (running)" test "$(prop occi-agent ActiveState)/$(prop occi-agent SubState)" = active/running
started=$(prop occi-agent ExecMainStartTimestampMonotonic); active=$(prop occi-agent ActiveEnterTimestampMonotonic)
ready_ms=$(awk -v a="$active" -v s="$started" 'BEGIN {printf "%.1f", (a - s) / 1000}')
echo "     start -> READY=1 (ExecMainStart -> ActiveEnter): $ready_ms ms"
check "READY=1 came after the exec (${ready_ms} ms)" awk -v a="$active" -v s="$started" 'BEGIN {exit !(s > 0 && a > s)}'
check "STATUS= from the agent: $(prop occi-agent StatusText)" bash -c '[[ "$1" == serving\ http://127.0.0.1:8080* ]]' _ "$(prop occi-agent StatusText)"
check "serves HTTP: GET /-/ is 200" test "$(http -o /dev/null -w '%{http_code}' $A/-/)" = 200
check "GET /host: accelerator and QEMU seen from inside the sandbox" bash -c 'grep -q "^vms.available: true" <<<"$1"' _ "$(http $A/host)"
check "state in the StateDirectory /var/lib/occi-agent" test -f "$croot/var/lib/occi-agent/occi.db"

echo "== the local socket and file modes"
sock=/run/occi-agent/occi.sock
# The admin token once authentication is on (root and group members need none on the socket).
tokfile=$croot/var/lib/occi-agent/admin.token
auth=(); [[ -f $tokfile ]] && auth=(-H "Authorization: Bearer $(cat "$tokfile")")
sock_get() { c setpriv "$@" curl -s --max-time 20 -o /dev/null -w '%{http_code}' "${auth[@]}" --unix-socket $sock http://localhost/-/; }
journal_has() { c journalctl -u occi-agent --no-pager -o cat | grep -q "$1"; }
check "root: curl --unix-socket $sock http://localhost/-/ is 200" test "$(sock_get --reuid=0)" = 200
check "socket is 0660 root:occi-agent" test "$(c stat -c '%a %U %G' $sock)" = "660 root occi-agent"
check "/run/occi-agent is 0711 (traversable, not listable)" test "$(c stat -c '%a' /run/occi-agent)" = 711
check "a member of occi-agent connects: 200" test "$(sock_get --reuid=occi-member --regid=occi-member --init-groups)" = 200
check "nobody (not in the group) cannot connect" test "$(sock_get --reuid=nobody --regid=nogroup --clear-groups)" = 000
check "state dir 0700, occi.db 0600" test "$(stat -c %a "$croot/var/lib/occi-agent")/$(stat -c %a "$croot/var/lib/occi-agent/occi.db")" = 700/600
check "journal: the socket was given to the group ([165])" journal_has '\[165\] unix socket /run/occi-agent/occi.sock: mode 0660, group occi-agent'
w1=$(prop occi-agent WatchdogTimestampMonotonic); sleep 4; w2=$(prop occi-agent WatchdogTimestampMonotonic)
check "watchdog pings arrive (WatchdogTimestamp $w1 -> $w2) and the unit stays up" \
  bash -c '(( $1 > 0 && $2 > $1 )) && [[ $(systemctl show -P ActiveState occi-agent 2>/dev/null || echo "$3") == active ]]' _ "$w1" "$w2" "$(prop occi-agent ActiveState)"
check "NRestarts=0 (never killed by the watchdog)" test "$(prop occi-agent NRestarts)" = 0

echo "== a VM started by the sandboxed agent"
post_ct() { http -D - -X POST "$A/compute/" -H 'Content-Type: text/plain' --data-binary "$1"; }
hdrs=$(post_ct $'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\r\nCategory: test-guest; scheme="http://'"$(c hostname | tr 'A-Z' 'a-z')"$'/occi/infrastructure/os_tpl#"; class="mixin"\r\nX-OCCI-Attribute: occi.compute.memory=0.125\r\n')
loc=$(tr -d '\r' <<<"$hdrs" | awk 'tolower($1) == "location:" {print $2}'); id=${loc##*/}
check "POST compute with os_tpl test-guest: 201" grep -q "^HTTP/1.1 201" <<<"$hdrs"
[[ -n $ok ]] || { echo "$hdrs"; c journalctl -u occi-agent --no-pager | grep -i image; id=""; }
act() { http -o /dev/null -w '%{http_code}' -X POST "$A/compute/$id?action=$1" -H 'Content-Type: text/plain' --data-binary "Category: $1; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\""; }
booted() { http "$A/compute/$id/console" | tr -d '\r' | grep -qx 'OCCI-TEST-GUEST: booted'; }
state() { http "$A/compute/$id" | sed -n 's/^X-OCCI-Attribute: occi\.compute\.state="\([a-z]*\)".*/\1/p'; }
# A dynamic network and a NIC: bridge, tap and dnsmasq made by the hardened agent, the lease
# learned over the system bus (allowed by the package's policy file, installed above).
netloc=$(http -D - -o /dev/null -X POST "$A/network/" -H 'Content-Type: text/plain' --data-binary $'Category: network; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\r\nCategory: ipnetwork; scheme="http://schemas.ogf.org/occi/infrastructure/network#"; class="mixin"\r\nX-OCCI-Attribute: occi.network.address="10.95.0.0/24"\r\nX-OCCI-Attribute: occi.network.gateway="10.95.0.1"\r\nX-OCCI-Attribute: occi.network.allocation="dynamic"\r\n' | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
netloc=/network/${netloc##*/}
check "POST a dynamic network: $netloc" test "$netloc" != /network/
nicloc=""
if [[ -n $id ]]; then
  nicloc=$(http -D - -o /dev/null -X POST "$A/networkinterface/" -H 'Content-Type: text/plain' --data-binary $'Category: networkinterface; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\r\nX-OCCI-Attribute: occi.core.source="/compute/'"$id"$'"\r\nX-OCCI-Attribute: occi.core.target="'"$netloc"$'"\r\n' | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
  nicloc=/networkinterface/${nicloc##*/}
fi
lease() { http "$A/compute/$id/console" | tr -d '\r' | sed -n 's/^OCCI-TEST-GUEST: lease eth0 //p' | tail -1; }
has_lease() { [[ -n "$(lease)" ]]; }
reports_lease() { http "$A$nicloc" | grep -q "occi.networkinterface.address=\"$addr\""; }
qpid=""
if [[ -n $id ]]; then
  check "start action: 200" test "$(act start)" = 200
  check "guest booted (serial console)" until_ok 120 booted
  check "GET /host: the VM launcher is systemd" bash -c 'grep -q "^launcher: systemd" <<<"$1"' _ "$(http $A/host)"
  qpid=$(cat "$croot/var/lib/occi-agent/vms/$id/qemu.pid" 2>/dev/null)
  cg=$(prop "occi-vm-$id" ControlGroup)
  procs=$(c cat "/sys/fs/cgroup/systemd$cg/cgroup.procs" 2>/dev/null || c cat "/sys/fs/cgroup/unified$cg/cgroup.procs" 2>/dev/null)
  check "QEMU (pid $qpid in the container) runs in its own unit's cgroup $cg" bash -c '[[ $1 == */occi-vms.slice/* ]] && grep -qx "$2" <<<"$3"' _ "$cg" "$qpid" "$procs"
  check "the guest leases an address from the agent's dnsmasq" until_ok 60 has_lease
  addr=$(lease)
  check "the agent reports the lease ($addr) on $nicloc" until_ok 30 reports_lease
  dhcpline=$(c journalctl -u occi-agent --no-pager -o cat | grep -m1 -E 'DHCP: |DHCP is unavailable')
  check "dnsmasq's lease signals came over the system bus: $dhcpline" grep -q 'DHCP: system bus' <<<"$dhcpline"
fi

echo "== stop: clean, VMs keep running; start re-attaches"
check "systemctl stop occi-agent" c systemctl stop occi-agent
check "inactive, Result=success, exit status 0" test "$(prop occi-agent ActiveState)/$(prop occi-agent Result)/$(prop occi-agent ExecMainStatus)" = inactive/success/0
if [[ -n $qpid ]]; then
  check "QEMU still running after the stop (its own unit)" c kill -0 "$qpid"
  check "systemctl start again" c systemctl start occi-agent
  check "the VM is re-attached: state active, same QEMU pid" \
    bash -c '[[ $1 == active && $(cat "$2") == "$3" ]]' _ "$(state)" "$croot/var/lib/occi-agent/vms/$id/qemu.pid" "$qpid"
  check "DELETE compute ends the VM" test "$(http -o /dev/null -w '%{http_code}' -X DELETE "$A/compute/$id")" = 200
  check "QEMU gone" until_ok 20 bash -c '! env -u DBUS_SYSTEM_BUS_ADDRESS nsenter -t "$1" -a --wd=/ kill -0 "$2" 2>/dev/null' _ "$L" "$qpid"
  check "DELETE network: bridge and dnsmasq gone" bash -c '[[ $1 == 200 && $2 != *occib* && $3 != *dnsmasq-* ]]' _ \
    "$(http -o /dev/null -w '%{http_code}' -X DELETE "$A$netloc")" "$(c ip -br link)" "$(c ps -eo args)"
  check "systemctl stop (second time)" c systemctl stop occi-agent
fi

echo "== journal"
journal=$(mktemp)
c journalctl -u occi-agent -o json --no-pager > "$journal"
check "journal has the agent's records ($(wc -l < "$journal") records)" grep -q '"MESSAGE":"OcciAgent' "$journal"
check "records carry PRIORITY 6 (info) from the <6> prefix" \
  test "$(jq -r 'select((.MESSAGE | tostring) | test("^Program\\[150\\] systemd notified: ready")) | .PRIORITY' "$journal" | head -1)" = 6
check "warnings carry PRIORITY 4 (<4>): the broken image's [102]" \
  test "$(jq -r 'select((.MESSAGE | tostring) | test("^OcciAgent.Storage.ImageLibrary\\[102\\] image .*broken.qcow2 skipped")) | .PRIORITY' "$journal" | head -1)" = 4
check "no ESC characters (no ANSI colours)" bash -c '! grep -q $'"'"'\x1b'"'"' "$1" && ! grep -qiF "\\u001b" "$1"' _ "$journal"
check "STOPPING=1 logged on stop ([153])" grep -q 'Program\[153\]' "$journal"
rm -f "$journal"

echo "== bridge, tap, dnsmasq and QEMU on a tap under the same hardening"
probe=$croot/etc/systemd/system/occi-probe.service
# The packaged unit with its [Service] hardening, as a oneshot running the probe commands.
awk '/^(Type|ExecStart|WatchdogSec|Restart|NotifyAccess|RestartSec)=/ {next} {print} /^\[Service\]/ {
  print "Type=oneshot"
  print "SuccessExitStatus=124"
  print "ExecStart=ip link add occibr0 type bridge"
  print "ExecStart=ip addr add 10.77.0.1/24 dev occibr0"
  print "ExecStart=ip link set occibr0 up"
  print "ExecStart=ip tuntap add occitap0 mode tap"
  print "ExecStart=ip link set occitap0 master occibr0"
  print "ExecStart=timeout 3 dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=occibr0 --bind-interfaces --dhcp-range=10.77.0.10,10.77.0.20 --leasefile-ro --pid-file"
  print "ExecStart=timeout 3 qemu-system-x86_64 -accel tcg -nodefaults -display none -S -netdev tap,id=n0,ifname=occitap0,script=no,downscript=no -device virtio-net-pci,netdev=n0"
  print "ExecStart=ip link del occitap0"
  print "ExecStart=ip link del occibr0"
}' "$root/lib/systemd/system/occi-agent.service" > "$probe"
c systemctl daemon-reload
check "bridge + tap + dnsmasq (:67) + QEMU on the tap, hardened like the agent" c systemctl start occi-probe
[[ -n $ok ]] || c journalctl -u occi-probe --no-pager | tail -15
check "dnsmasq ran until the timeout (bound :67)" grep -q 'DHCP, IP range 10.77.0.10' <(c journalctl -u occi-probe --no-pager)
c ip link del occitap0 2>/dev/null; c ip link del occibr0 2>/dev/null

exposure=$(systemd-analyze security --offline=true "$root/lib/systemd/system/occi-agent.service" 2>/dev/null | sed -n 's/.*Overall exposure level for occi-agent.service: //p')
echo "systemd-analyze security (offline, packaged unit): $exposure"
echo "start -> READY=1 under systemd: $ready_ms ms"
echo "service: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
