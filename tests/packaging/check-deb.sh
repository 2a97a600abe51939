#!/usr/bin/env bash
# Checks the .deb: its metadata and contents, then a real install into a throw-away root with
# dpkg --root (maintainer scripts run chrootless with DPKG_ROOT set, so they must honour it),
# the installed binary answering --version and check, and remove/purge. Nothing of the host's
# own dpkg database or /etc is touched (checked at the end).
# Usage: tests/packaging/check-deb.sh DEB     Prints "deb: N passed, M failed" last.
set -uo pipefail
deb=$(realpath "${1:?usage: check-deb.sh DEB}")
pass=0; fail=0
check() { # name command...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
root=$(mktemp -d /tmp/occi-deb-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
host_wants=/etc/systemd/system/multi-user.target.wants/occi-agent.service
host_had_link=$([[ -e $host_wants || -L $host_wants ]] && echo yes || echo no)
host_status=$(dpkg-query -W -f='${Status}' occi-agent 2>/dev/null || true)
host_group=$(getent group occi-agent || true)

info=$(dpkg-deb --info "$deb")
field() { dpkg-deb --field "$deb" "$1"; }
version=$(field Version)
contents=$(dpkg-deb --contents "$deb")
# "-rwxr-xr-x root/root 123 2024-01-01 00:00 ./usr/bin/occi-agent" -> "-rwxr-xr-x root/root"
mode_of() { awk -v p="./$1" '$6 == p {print $1, $2}' <<<"$contents"; }

echo "== dpkg-deb --info / --contents"
check "Package occi-agent, Architecture amd64" test "$(field Package) $(field Architecture)" = "occi-agent amd64"
check "file name carries the version $version" test "$(basename "$deb")" = "occi-agent_${version}_amd64.deb"
for dep in libc6 qemu-system-x86 qemu-utils iproute2 dnsmasq-base passwd; do
  check "Depends on $dep" grep -qE "(^|, )$dep( |,|$)" <<<"$(field Depends)"
done
check "conffiles lists /etc/occi-agent/config.json" grep -qx "/etc/occi-agent/config.json" <<<"$(dpkg-deb --info "$deb" conffiles)"
check "maintainer scripts postinst prerm postrm" bash -c 'for s in postinst prerm postrm; do grep -qE " [0-9]+ bytes, +[0-9]+ lines +\* +$s " <<<"$1" || exit 1; done' _ "$info"
check "binary /usr/bin/occi-agent 0755 root" test "$(mode_of usr/bin/occi-agent)" = "-rwxr-xr-x root/root"
check "unit /lib/systemd/system/occi-agent.service 0644" test "$(mode_of lib/systemd/system/occi-agent.service)" = "-rw-r--r-- root/root"
check "config /etc/occi-agent/config.json 0644" test "$(mode_of etc/occi-agent/config.json)" = "-rw-r--r-- root/root"
check "copyright and changelog.Debian.gz" bash -c '[[ -n $(awk "\$6 == \"./usr/share/doc/occi-agent/copyright\"" <<<"$1") && -n $(awk "\$6 == \"./usr/share/doc/occi-agent/changelog.Debian.gz\"" <<<"$1") ]]' _ "$contents"
check "bash completion /usr/share/bash-completion/completions/occi-agent 0644" \
  test "$(mode_of usr/share/bash-completion/completions/occi-agent)" = "-rw-r--r-- root/root"
check "no state shipped under /var" bash -c '! grep -q " \./var/" <<<"$1"' _ "$contents"

echo "== install into a throw-away root ($root)"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: > "$root/var/lib/dpkg/status"
# The root's own group database, where postinst adds the socket's group (groupadd --prefix).
mkdir -p "$root/etc"; echo "root:x:0:" > "$root/etc/group"
dpkg_r() { dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null "$@"; }
check "dpkg -i" dpkg_r -i "$deb"
check "status: install ok installed" test "$(dpkg-query --root="$root" -W -f='${Status}' occi-agent 2>/dev/null)" = "install ok installed"
check "conffile registered" grep -q "^ /etc/occi-agent/config.json [0-9a-f]\{32\}" <(dpkg-query --root="$root" -W -f='${Conffiles}\n' occi-agent)
check "installed binary 0755" test "$(stat -c %a "$root/usr/bin/occi-agent")" = 755
check "installed unit file" grep -qx "Type=notify" "$root/lib/systemd/system/occi-agent.service"
check "installed config" grep -q '"stateDir": "/var/lib/occi-agent"' "$root/etc/occi-agent/config.json"
check "postinst made /var/lib/occi-agent 0700" test "$(stat -c %a "$root/var/lib/occi-agent" 2>/dev/null)" = 700
check "postinst made the system group occi-agent (in the root's /etc/group)" \
  bash -c 'gid=$(awk -F: "\$1 == \"occi-agent\" {print \$3}" "$1/etc/group") && [[ -n $gid && $gid -lt 1000 ]]' _ "$root"
check "packaged config serves loopback and /run/occi-agent/occi.sock" \
  grep -q '"listen": \["http://127.0.0.1:8080", "http://unix:/run/occi-agent/occi.sock"\]' "$root/etc/occi-agent/config.json"
check "unit: StateDirectoryMode=0700, RuntimeDirectoryMode=0711, UMask=0077" \
  bash -c 'for l in StateDirectoryMode=0700 RuntimeDirectoryMode=0711 UMask=0077; do grep -qx "$l" "$1" || exit 1; done' _ "$root/lib/systemd/system/occi-agent.service"
check "unit enabled inside the root (multi-user.target.wants)" \
  test "$(readlink "$root/etc/systemd/system/multi-user.target.wants/occi-agent.service")" = /lib/systemd/system/occi-agent.service
completion="$root/usr/share/bash-completion/completions/occi-agent"
check "installed completion registers _occi_agent for occi-agent" grep -qx "complete -o default -F _occi_agent occi-agent" "$completion"
check "installed completion is the binary's own script" cmp -s "$completion" <("$root/usr/bin/occi-agent" completion bash)
# Completing "occi-agent tok" in a real bash, through the installed binary's [suggest] directive.
check "installed completion completes 'tok' to 'token'" test "$(bash --norc -c 'source "$1"; COMP_LINE="occi-agent tok"; COMP_POINT=14;
  COMP_WORDS=("$2" tok); COMP_CWORD=1; _occi_agent; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$root/usr/bin/occi-agent")" = token
ver_out=$("$root/usr/bin/occi-agent" --version 2>&1)
check "installed binary --version: $ver_out" test "$ver_out" = "occi-agent ${version%-*}"
check_out=$("$root/usr/bin/occi-agent" check --config "$root/etc/occi-agent/config.json" --state-dir "$root/var/lib/occi-agent" 2>&1); check_rc=$?
sed 's/^/     | /' <<<"$check_out"
check "installed binary check (packaged config) exits 0" test "$check_rc" = 0
check "check left the state dir empty" test -z "$(ls -A "$root/var/lib/occi-agent")"

echo "== remove keeps the state, purge removes it"
echo "entities" > "$root/var/lib/occi-agent/occi.db"
mkdir -p "$root/var/lib/occi-agent/images"
check "dpkg -r" dpkg_r -r occi-agent
check "binary and unit gone" test ! -e "$root/usr/bin/occi-agent" -a ! -e "$root/lib/systemd/system/occi-agent.service"
check "state kept after remove" test -f "$root/var/lib/occi-agent/occi.db"
check "conffile kept after remove" test -f "$root/etc/occi-agent/config.json"
check "status: deinstall ok config-files" test "$(dpkg-query --root="$root" -W -f='${Status}' occi-agent 2>/dev/null)" = "deinstall ok config-files"
check "dpkg -P" dpkg_r -P occi-agent
check "state removed by purge" test ! -e "$root/var/lib/occi-agent"
check "config dir removed by purge" test ! -e "$root/etc/occi-agent"
check "enablement link removed by purge" test ! -L "$root/etc/systemd/system/multi-user.target.wants/occi-agent.service"
check "package unknown after purge" bash -c '! dpkg-query --root="$1" -W occi-agent >/dev/null 2>&1' _ "$root"
check "group kept after purge" grep -q '^occi-agent:' "$root/etc/group"
check "reinstall after purge" dpkg_r -i "$deb"
check "reinstall keeps one occi-agent group" test "$(grep -c '^occi-agent:' "$root/etc/group")" = 1
check "the host's own systemd links untouched" test "$([[ -e $host_wants || -L $host_wants ]] && echo yes || echo no)" = "$host_had_link"
check "the host's group database untouched" test "$(getent group occi-agent || true)" = "$host_group"
check "the host's dpkg database untouched" test "$(dpkg-query -W -f='${Status}' occi-agent 2>/dev/null || true)" = "$host_status"

echo "deb size: $(stat -c %s "$deb") bytes; Installed-Size: $(field Installed-Size) KiB; installed files: $(du -sk --apparent-size "$root/usr" "$root/lib" "$root/etc" | awk '{k+=$1} END {print k}') KiB"
echo "deb: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
