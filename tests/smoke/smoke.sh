#!/usr/bin/env bash
# Smoke test of a running occi-agent over HTTP with curl (CI runs it against the native AOT
# binary, which `dotnet test` cannot exercise: trimming bugs only show there).
# Usage: tests/smoke/smoke.sh BASE_URL STATE_DIR
# Requests carry the admin token from STATE_DIR/admin.token; the auth checks at the end use
# tokens made with `BIN token create` (BIN: env OCCI_AGENT_BIN, default artifacts/aot/occi-agent).
set -euo pipefail
base=$1; state=$2
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
INFRA="http://schemas.ogf.org/occi/infrastructure#"

check() { # name, condition command...
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); echo "ok   $name"; else fail=$((fail+1)); echo "FAIL $name"; fi
}
req() { # method path [curl args...]: writes body to $tmp/body, headers to $tmp/hdr, prints status
  local m=$1 p=$2; shift 2
  curl -sS -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' -H "Authorization: Bearer $token" -X "$m" "$base$p" "$@"
}
anon() { # method path [curl args...]: like req, without the admin token
  local m=$1 p=$2; shift 2
  curl -sS -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' -X "$m" "$base$p" "$@"
}
token=$(cat "$state/admin.token")
bin=${OCCI_AGENT_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/artifacts/aot/occi-agent}
hdr() { grep -i "^$1:" "$tmp/hdr" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
has() { grep -q -- "$1" "$tmp/body"; }

# Query interface in every rendering.
check "GET /-/ text/plain"   test "$(req GET /-/ -H 'Accept: text/plain')" = 200
check "  has compute kind"   has "Category: compute; scheme=\"$INFRA\"; class=\"kind\""
check "  Server has OCCI/1.2" bash -c "grep -qi '^Server:.*OCCI/1.2' $tmp/hdr"
check "GET /-/ text/occi"    test "$(req GET /-/ -H 'Accept: text/occi')" = 200
check "  categories in headers" bash -c "grep -qi '^Category:.*storage' $tmp/hdr"
check "GET /-/ json"         test "$(req GET /-/ -H 'Accept: application/occi+json')" = 200
check "  json kinds"         bash -c "jq -e '.kinds | map(.term) | index(\"compute\")' $tmp/body >/dev/null"
check "  json attribute description" bash -c "jq -e '.kinds[] | select(.term==\"storage\") | .attributes[\"occi.storage.size\"].required == true' $tmp/body >/dev/null"

# Storage: create, read, grow, refuse shrink, delete.
check "POST storage"  test "$(req POST /storage/ -H 'Content-Type: text/plain' --data-binary $'Category: storage; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\nX-OCCI-Attribute: occi.core.title="smoke"\n')" = 201
storage=$(hdr Location); sid=${storage##*/}
check "  qcow2 of 1 GiB" bash -c "qemu-img info --output=json -U $state/volumes/$sid.qcow2 | jq -e '.\"virtual-size\" == 1073741824 and .format == \"qcow2\"' >/dev/null"
check "GET storage json" test "$(req GET "/storage/$sid" -H 'Accept: application/occi+json')" = 200
check "  size and state" bash -c "jq -e '.attributes[\"occi.storage.size\"] == 1 and .attributes[\"occi.storage.state\"] == \"online\"' $tmp/body >/dev/null"
check "POST storage grow" test "$(req POST "/storage/$sid" -H 'Content-Type: application/occi+json' -H 'Accept: application/occi+json' --data '{"kind":"http://schemas.ogf.org/occi/infrastructure#storage","attributes":{"occi.storage.size":2}}')" = 200
check "  qcow2 grown" bash -c "qemu-img info --output=json -U $state/volumes/$sid.qcow2 | jq -e '.\"virtual-size\" == 2147483648' >/dev/null"
check "POST storage shrink refused" test "$(req POST "/storage/$sid" -H 'Content-Type: text/plain' --data-binary $'X-OCCI-Attribute: occi.storage.size=1\n')" = 409
check "action offline" test "$(req POST "/storage/$sid?action=offline" -H 'Content-Type: text/plain' --data-binary $'Category: offline; scheme="http://schemas.ogf.org/occi/infrastructure/storage/action#"; class="action"\n')" = 200
check "  state offline" has 'occi.storage.state="offline"'

# Compute with templates, partial update, a refused action, delete (VMs: tests/smoke/vm-smoke.sh).
check "POST compute" test "$(req POST /compute/ -H 'Content-Type: text/plain,text/occi' -H 'User-Agent: rOCCI-core/4.3 OCCI/1.1' --data-binary $'Category: compute;scheme="http://schemas.ogf.org/occi/infrastructure#";class="kind"\nCategory: small; scheme="http://smoke.test/occi/infrastructure/resource_tpl#"; class="mixin"\nX-OCCI-Attribute: occi.core.title="vm, one"\n')" = 201
compute=$(hdr Location); cpath=/compute/${compute##*/}
check "GET compute text/occi" test "$(req GET "$cpath" -H 'Accept: text/occi')" = 200
check "  state inactive" bash -c "grep -qi 'occi.compute.state=\"inactive\"' $tmp/hdr"
check "POST compute update" test "$(req POST "$cpath" -H 'Content-Type: text/plain' --data-binary $'X-OCCI-Attribute: occi.compute.cores=2\n')" = 200
check "  cores 2" has 'occi.compute.cores=2'
check "action stop while inactive 409" test "$(req POST "$cpath?action=stop" -H 'Content-Type: text/plain' --data-binary '')" = 409

# A user mixin: define, associate, list, delete.
check "POST /-/ user mixin" test "$(req POST /-/ -H 'Content-Type: text/plain' --data-binary $'Category: smoke; scheme="http://smoke.test/tags#"; class="mixin"; location="/tags/smoke/"\n')" = 200
check "associate" test "$(req POST /tags/smoke/ -H 'Content-Type: text/uri-list' --data-binary "$base$cpath")" = 200
check "list tag (uri-list)" test "$(req GET /tags/smoke/ -H 'Accept: text/uri-list')" = 200
check "  member listed" has "$cpath"
check "DELETE /-/ user mixin" test "$(req DELETE /-/ -H 'Content-Type: text/plain' --data-binary $'Category: smoke; scheme="http://smoke.test/tags#"\n')" = 200

# Errors: 400 naming the attribute, 404, 406.
check "unknown attribute 400" test "$(req POST /compute/ -H 'Content-Type: text/plain' --data-binary $'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: com.example.x=1\n')" = 400
check "  names it" has "com.example.x"
check "unknown entity 404" test "$(req GET /compute/nope)" = 404
check "Accept image/png 406" test "$(req GET /-/ -H 'Accept: image/png')" = 406

# Deletes.
check "DELETE compute" test "$(req DELETE "$cpath")" = 200
check "DELETE storage" test "$(req DELETE "/storage/$sid")" = 200
check "  volume removed" test ! -e "$state/volumes/$sid.qcow2"

# Authentication, roles and the browser guards (README "Authentication").
port=$(sed -n 's#^http://[^:/]*:\([0-9]*\).*#\1#p' <<<"$base")
check "no credentials 401" test "$(anon GET /-/)" = 401
check "  both challenges" bash -c "grep -ci '^WWW-Authenticate: Bearer realm=\"occi-agent\"' $tmp/hdr | grep -qx 1 && grep -qi '^WWW-Authenticate: Basic realm=\"occi-agent\"' $tmp/hdr"
check "wrong token 401" test "$(anon GET /-/ -H 'Authorization: Bearer occi_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')" = 401
check "Basic with the token as password (1.1 client)" test "$(anon GET /-/ -u "occi:$token" -H 'User-Agent: rOCCI-core/4.3 OCCI/1.1' -H 'Accept: text/occi')" = 200
reader=$("$bin" token create "smoke-reader-$$" --role reader --state-dir "$state")
check "token create prints a token" bash -c "[[ '$reader' == occi_* ]]"
check "reader GET 200" test "$(anon GET /-/ -H "Authorization: Bearer $reader")" = 200
check "reader POST storage 403" test "$(anon POST /storage/ -H "Authorization: Bearer $reader" -H 'Content-Type: text/plain' --data-binary $'Category: storage; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n')" = 403
check "token list shows it" bash -c "'$bin' token list --state-dir '$state' | grep -q '^smoke-reader-$$ *reader'"
"$bin" token revoke "smoke-reader-$$" --state-dir "$state" >/dev/null
sleep 1
check "revoked token 401 after a second" test "$(anon GET /-/ -H "Authorization: Bearer $reader")" = 401
check "rebinding Host 421" test "$(req GET /-/ -H "Host: attacker.example:$port")" = 421
check "cross-site text/plain form POST 403 with valid Basic" test "$(anon POST /storage/ -u "x:$token" -H 'Origin: http://evil.example' -H 'Content-Type: text/plain' --data-binary $'Category: storage; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n')" = 403
check "  no CORS header" bash -c "! grep -qi '^Access-Control-' $tmp/hdr"
check "token files 0600" bash -c "[[ \"\$(stat -c %a '$state/tokens.json' '$state/admin.token')\" == \$'600\n600' ]]"

echo "smoke: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
