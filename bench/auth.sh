#!/usr/bin/env bash
# Cost of authentication: req/s of GET one storage entity (text/plain) over keep-alive with wrk,
# on an agent with "auth": "none" (the baseline) and on one with tokens (Bearer, and Basic with
# the token as password), the same binary in the same run, runs interleaved. Prints medians and
# the ratios against the baseline.
# Usage: bench/auth.sh BIN [seconds per run] [runs]   (needs wrk: apt-get install wrk)
set -euo pipefail
bin=$(realpath "$1"); secs=${2:-5}; runs=${3:-3}
tmp=$(mktemp -d /tmp/occi-bench-auth.XXXXXX)
# start() runs in a command substitution (a subshell): each agent's pid goes to a file.
cleanup() {
  local f p
  for f in "$tmp"/*/pid; do
    [[ -f "$f" ]] && p=$(cat "$f") || continue
    kill "$p" 2>/dev/null || true
    while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

start() { # name port auth -> starts an agent, prints the path of one storage entity
  local dir=$tmp/$1
  mkdir -p "$dir"
  printf '{ "auth": "%s", "schemeBase": "http://bench.test/occi/" }\n' "$3" >"$dir/agent.json"
  "$bin" --listen "http://127.0.0.1:$2" --state-dir "$dir/var" --config "$dir/agent.json" >"$dir/log" 2>&1 &
  echo $! >"$dir/pid"
  local h=() i
  for i in $(seq 1 300); do
    [[ -f "$dir/var/admin.token" ]] && h=(-H "Authorization: Bearer $(cat "$dir/var/admin.token")")
    curl -fs -o /dev/null "${h[@]}" "http://127.0.0.1:$2/-/" && break
    sleep 0.05
  done
  curl -fs -D - -o /dev/null "${h[@]}" -X POST -H 'Content-Type: text/plain' --data-binary $'Category: storage; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n' \
    "http://127.0.0.1:$2/storage/" | sed -n 's#^Location: *http://[^/]*\(/[^\r]*\)\r\{0,1\}$#\1#Ip'
}
rps() { wrk -t1 -c8 -d"${secs}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

p0=$((40000 + RANDOM % 10000))
none=$(start none "$p0" none)
tok=$(start tokens "$((p0 + 1))" tokens)
token=$(cat "$tmp/tokens/var/admin.token")
basic=$(printf 'bench:%s' "$token" | base64 -w0)
# One check each that the request really is served (200), not refused.
[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p0$none")" == 200 ]]
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$((p0 + 1))$tok")" == 200 ]]
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $basic" "http://127.0.0.1:$((p0 + 1))$tok")" == 200 ]]
: >"$tmp/r-none"; : >"$tmp/r-bearer"; : >"$tmp/r-basic"
for _ in $(seq 1 "$runs"); do
  rps "http://127.0.0.1:$p0$none" >>"$tmp/r-none"
  rps -H "Authorization: Bearer $token" "http://127.0.0.1:$((p0 + 1))$tok" >>"$tmp/r-bearer"
  rps -H "Authorization: Basic $basic" "http://127.0.0.1:$((p0 + 1))$tok" >>"$tmp/r-basic"
done
n=$(median <"$tmp/r-none"); b=$(median <"$tmp/r-bearer"); s=$(median <"$tmp/r-basic")
echo "GET one entity, wrk -t1 -c8, ${secs}s x $runs runs (medians):"
echo "  auth none (baseline): $n req/s   runs: $(tr '\n' ' ' <"$tmp/r-none")"
echo "  Bearer token:         $b req/s   runs: $(tr '\n' ' ' <"$tmp/r-bearer")  ratio $(awk -v a="$b" -v n="$n" 'BEGIN {printf "%.3f", a / n}')"
echo "  Basic (token):        $s req/s   runs: $(tr '\n' ' ' <"$tmp/r-basic")  ratio $(awk -v a="$s" -v n="$n" 'BEGIN {printf "%.3f", a / n}')"
