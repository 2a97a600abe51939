#!/usr/bin/env bash
# Listeners and TLS of the native binary (trimming bugs only show there): https with the
# generated certificate (curl --cacert and --pinnedpubkey), plain http and a unix socket at the
# same time, configured PEM files made by openssl and their rotation (SIGHUP, then the file
# watcher), the exposure policy, a busy port, file modes; then the cost of TLS measured against
# plain http in the same run (handshake time, keep-alive requests per second).
# Usage: tests/smoke/tls-smoke.sh BINARY      Prints "tls-smoke: N passed, M failed" last.
set -uo pipefail
bin=$(realpath "${1:?usage: tls-smoke.sh BINARY}")
pass=0; fail=0
check() { # name command...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
tmp=$(mktemp -d /tmp/occi-tls.XXXXXX)
pid=""
stop() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; fi; }
trap 'stop; rm -rf "$tmp"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hp=$(free_port); tp=$(free_port)
H=http://127.0.0.1:$hp; S=https://127.0.0.1:$tp
state=$tmp/var; sock=$tmp/agent.sock
# Every request carries the admin token once the agent has one.
cu() { local a=(); [[ -f $state/admin.token ]] && a=(-H "Authorization: Bearer $(cat "$state/admin.token")"); curl -s --max-time 10 "${a[@]}" "$@"; }
code() { cu -o /dev/null -w '%{http_code}' "$@"; }
start() { # args...: starts the agent, waits until it logged [100]
  : > "$tmp/agent.log"
  "$bin" --state-dir "$state" "$@" > "$tmp/agent.log" 2>&1 &
  pid=$!
  local end=$((SECONDS + 30))
  until grep -q '\[100\]' "$tmp/agent.log" 2>/dev/null; do
    ((SECONDS < end)) && kill -0 "$pid" 2>/dev/null || { tail -20 "$tmp/agent.log"; return 1; }
    sleep 0.05
  done
}
served_fp() { cu --cacert "$1" "$S/host" | sed -n 's/^tls.fingerprint: //p'; }
file_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

echo "== generated certificate; https, http and a unix socket at once"
check "agent starts with three listeners" start --listen "$S" --listen "$H" --listen "http://unix:$sock"
crt=$state/tls/server.crt
check "certificate made: ECDSA P-256" bash -c 'openssl x509 -in "$1" -noout -text | grep -q "NIST CURVE: P-256"' _ "$crt"
check "key 0600, tls dir 0700" test "$(stat -c %a "$state/tls/server.key")/$(stat -c %a "$state/tls")" = 600/700
check "https GET /-/ trusted by --cacert: 200" test "$(code --cacert "$crt" "$S/-/")" = 200
json=$(cu --cacert "$crt" -H 'Accept: application/occi+json' "$S/-/")
check "https GET /-/ as JSON: kinds" jq -e '.kinds | length > 0' <<<"${json:-null}" >/dev/null
check "https without trust fails" bash -c '! curl -s --max-time 10 -o /dev/null "$1/-/"' _ "$S"
check "/host fingerprint = openssl's" test "$(served_fp "$crt")" = "$(file_fp "$crt")"
pin=$(cu --cacert "$crt" "$S/host" | sed -n 's/^tls.pin: //p')
check "pin of openssl's public key = /host's tls.pin" test "sha256//$(openssl x509 -in "$crt" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)" = "$pin"
check "curl -k --pinnedpubkey $pin: 200" test "$(code -k --pinnedpubkey "$pin" "$S/-/")" = 200
check "a wrong pin is refused" bash -c '! curl -sk --max-time 10 -o /dev/null --pinnedpubkey "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$1/-/"' _ "$S"
check "fingerprint logged at start ([160])" grep -q "\[160\].*$(file_fp "$crt")" "$tmp/agent.log"
check "plain http at the same time: 200" test "$(code "$H/-/")" = 200
check "unix socket at the same time: 200" test "$(code --unix-socket "$sock" http://localhost/-/)" = 200
loc=$(cu --cacert "$crt" -D - -o /dev/null "$S/storage/" -H 'Content-Type: text/plain' --data-binary $'Category: storage; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.storage.size=0.0625\n' | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
check "POST storage over https: Location $loc" test -n "$loc"
check "  Location is an https URL" bash -c '[[ $1 == https://127.0.0.1:* ]]' _ "$loc"
check "  GET it over http: 200" test "$(code "$H/storage/${loc##*/}")" = 200

echo "== measured: TLS against plain http (same agent, same run)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
hs_https=$(for _ in $(seq 1 31); do cu --cacert "$crt" -o /dev/null -w '%{time_appconnect}\n' "$S/-/"; done | median)
hs_http=$(for _ in $(seq 1 31); do cu -o /dev/null -w '%{time_connect}\n' "$H/-/"; done | median)
echo "     median connect: http $(awk -v t="$hs_http" 'BEGIN {printf "%.3f", t*1000}') ms (TCP), https $(awk -v t="$hs_https" 'BEGIN {printf "%.3f", t*1000}') ms (TCP + TLS handshake)"
if command -v wrk >/dev/null && [[ ! -f $state/admin.token ]]; then
  # wrk keeps its connections alive; it does not check certificates (the handshake is the same).
  rps() { wrk -t1 -c4 -d"$2" "$1" 2>/dev/null | awk '/Requests\/sec/ {print $2}'; }
  rps "$H/storage/${loc##*/}" 2s >/dev/null; rps "$S/storage/${loc##*/}" 2s >/dev/null # warm-up (JIT, pools)
  # Interleaved rounds, so a busy neighbour weighs on both alike; the mean of each.
  r_http=0; r_https=0
  for _ in 1 2 3; do
    r_http=$(awk -v s="$r_http" -v r="$(rps "$H/storage/${loc##*/}" 3s)" 'BEGIN {print s + r / 3}')
    r_https=$(awk -v s="$r_https" -v r="$(rps "$S/storage/${loc##*/}" 3s)" 'BEGIN {print s + r / 3}')
  done
  echo "     keep-alive GET one entity (wrk -t1 -c4, 3 x 3 s interleaved): http $(printf %.0f "$r_http") req/s, https $(printf %.0f "$r_https") req/s, ratio https/http $(awk -v a="$r_https" -v b="$r_http" 'BEGIN {printf "%.2f", a/b}')"
else
  # curl reuses one connection for every URL of one invocation.
  urls=(); for _ in $(seq 1 400); do urls+=("$H/storage/${loc##*/}"); done
  t0=$(date +%s%N); cu -o /dev/null "${urls[@]}"; t1=$(date +%s%N)
  surls=("${urls[@]/#$H/$S}")
  cu --cacert "$crt" -o /dev/null "${surls[@]}"; t2=$(date +%s%N)
  echo "     keep-alive GET one entity (curl, 400 on one connection): http $((400000000000 / (t1 - t0))) req/s, https $((400000000000 / (t2 - t1))) req/s"
fi
stop

echo "== configured PEM files (openssl) and rotation without restart"
mkpair() { # name: writes $tmp/NAME.crt and .key (P-256, IP 127.0.0.1)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$tmp/$1.key" -out "$tmp/$1.crt" 2>/dev/null
}
install_pair() { cp "$tmp/$1.key" "$tmp/tls.key.new"; mv "$tmp/tls.key.new" "$tmp/tls.key"; cp "$tmp/$1.crt" "$tmp/tls.crt.new"; mv "$tmp/tls.crt.new" "$tmp/tls.crt"; }
mkpair one; mkpair two; mkpair three
install_pair one
printf '{ "tls": { "certificate": "%s", "key": "%s" } }\n' "$tmp/tls.crt" "$tmp/tls.key" > "$tmp/agent.json"
check "agent starts with tls.certificate/tls.key" start --config "$tmp/agent.json" --listen "$S"
check "serves the configured certificate" test "$(served_fp "$tmp/one.crt")" = "$(file_fp "$tmp/one.crt")"
install_pair two; kill -HUP "$pid"
until_fp() { local end=$((SECONDS + $2)); until [[ "$(served_fp "$tmp/$1.crt")" == "$(file_fp "$tmp/$1.crt")" ]]; do ((SECONDS < end)) || return 1; sleep 0.1; done; }
check "SIGHUP: a new handshake sees the second certificate" until_fp two 3
check "  the agent still runs" kill -0 "$pid"
install_pair three
check "file watcher (no signal): the third certificate within 10 s" until_fp three 10
stop

echo "== refusals"
out=$("$bin" --state-dir "$tmp/refused" --listen "http://0.0.0.0:$hp" 2>&1); rc=$?
check "plain http on 0.0.0.0: exit 2, one line naming allowInsecureRemote" bash -c '[[ $1 == 2 && $(wc -l <<<"$2") == 1 && $2 == *allowInsecureRemote* ]]' _ "$rc" "$out"
bp=$(free_port); B=https://127.0.0.1:$bp
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(20)' "$bp" & holder=$!
sleep 0.3
out=$("$bin" --state-dir "$tmp/busy" --listen "$B" 2>&1 >/dev/null); rc=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
check "busy port: exit 1, one line naming $B, no stack trace" bash -c '[[ $1 == 1 && $(wc -l <<<"$2") == 1 && $2 == *"$3"*"already in use"* ]]' _ "$rc" "$out" "$B"

echo "== file modes"
open=$(find "$state" -path "$state/net/dhcp" -prune -o ! -path "$state" ! -path "$state/net" ! -type l -perm /077 -print)
check "nothing in the state dir is open to group or others: ${open:-none}" test -z "$open"
check "state dir and net/ 0711 (dnsmasq reaches net/dhcp)" test "$(stat -c %a "$state")/$(stat -c %a "$state/net")" = 711/711

echo "tls-smoke: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
