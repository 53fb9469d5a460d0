#!/usr/bin/env bash
# The README's walk-through, run for real: every call a new user makes, from a new client to a
# linked device that sends and receives, against a node on the simulator engine. Each step prints
# the command as you would type it and the node's answer (long answers cut), and checks the status
# code and the fields that matter; the first mismatch stops the script with exit code 1.
#
#   ./switchboard --engine simulator --data-dir /tmp/walk   # a fresh node; note the master key it prints
#   MASTER=sbm_... bash docs/walkthrough.sh                  # in another terminal
#
# Environment: B (the node, http://localhost:8080), SIM (its simulator, http://localhost:7070),
# MASTER (the master key; SWITCHBOARD_MASTER_KEY if MASTER is unset), HOOK (the webhook URL to set,
# https://example.com/hooks/whatsapp), WIDTH (answers are cut to this many characters, 300).
# The node must not have a client named acme yet. Needs only bash, curl, grep and sed.
set -euo pipefail

B=${B:-http://localhost:8080}
SIM=${SIM:-http://localhost:7070}
MASTER=${MASTER:-${SWITCHBOARD_MASTER_KEY:-}}
HOOK=${HOOK:-https://example.com/hooks/whatsapp}
WIDTH=${WIDTH:-300}
C=$B/api/clients/acme
D=$C/devices/phone-1
J='content-type: application/json'

STEP=0 TITLE="" CMD="" CODE="" BODY=""

die() {
  printf '\nwalkthrough: FAILED at step %s (%s): %s\n  command: %s\n  answer:  %s\n' \
    "$STEP" "$TITLE" "$1" "$CMD" "${CODE:+$CODE }$BODY" >&2
  exit 1
}

step() {
  STEP=$((STEP + 1)) TITLE=$1
  printf '\n## %s. %s\n' "$STEP" "$1"
}

# An answer as shown: base64 images shortened, then cut to WIDTH characters.
trimmed() {
  local s
  s=$(printf '%s' "$1" | sed 's/base64,[A-Za-z0-9+\/=]\{16,\}/base64,.../g; s/"media":"[^"]\{16,\}"/"media":"..."/g')
  if [ "${#s}" -gt "$WIDTH" ]; then s="${s:0:$WIDTH}..."; fi
  printf '%s' "$s"
}

# Runs a curl command as typed (its variables expand as it runs), into CODE and BODY.
run_quietly() {
  CMD=$1
  local out
  out=$(eval "$CMD -S -w '\n%{http_code}'" 2>&1) || { CODE="" BODY=${out%$'\n'*}; die "curl failed (is the node running at $B, its simulator at $SIM?)"; }
  CODE=${out##*$'\n'}
  BODY=${out%$'\n'*}
}

# call STATUS [COMMAND]: prints the command (from stdin when not given), runs it, prints the
# answer and checks its status code.
call() {
  local want=$1 cmd=${2:-}
  [ -n "$cmd" ] || cmd=$(cat)
  printf '$ %s\n' "$cmd"
  run_quietly "$cmd"
  printf '# %s %s\n' "$CODE" "$(trimmed "$BODY")"
  [ "$CODE" = "$want" ] || die "expected HTTP $want"
}

# poll SECONDS TEXT < COMMAND: repeats the command until it answers 200 with TEXT in the body.
poll() {
  local seconds=$1 text=$2 cmd deadline=$((SECONDS + $1))
  cmd=$(cat)
  printf '$ %s\n' "$cmd"
  while :; do
    run_quietly "$cmd"
    if [ "$CODE" = 200 ] && has "$text"; then break; fi
    [ "$SECONDS" -lt "$deadline" ] || die "no $text within $seconds s"
    sleep 0.2
  done
  printf '# %s %s\n' "$CODE" "$(trimmed "$BODY")"
}

has() { case "$BODY" in *"$1"*) return 0 ;; *) return 1 ;; esac; }

# expect TEXT...: each TEXT must appear in the last answer.
expect() {
  local t
  for t in "$@"; do has "$t" || die "expected $t in the answer"; done
}

# The message ids in the last answer, in order.
ids() { printf '%s' "$BODY" | grep -o '"messageId":"[^"]*"' || true; }

# keep NAME FIELD: sets NAME to the first string value of "FIELD" in the last answer (never
# empty), and shows it as you would set it (a long value, a JWT, cut to its start).
keep() {
  local v
  v=$(printf '%s' "$BODY" | grep -o "\"$2\":\"[^\"]*\"" | sed -n '1s/^[^:]*:"//; 1s/"$//p') || true
  [ -n "$v" ] || die "no \"$2\" string in the answer"
  printf -v "$1" '%s' "$v"
  if [ "${#v}" -gt 120 ]; then printf '$ %s=%s...\n' "$1" "${v:0:40}"; else printf '$ %s=%s\n' "$1" "$v"; fi
}

say() { printf '# %s\n' "$*"; }

[ -n "$MASTER" ] || { echo "walkthrough: set MASTER to the node's master key (its first start printed it)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

printf '$ B=%s SIM=%s MASTER=sbm_...\n' "$B" "$SIM"
printf '$ %s\n' "C=\$B/api/clients/acme D=\$C/devices/phone-1 J='$J'"

step "Health (public, no key)"
call 200 <<'EOF'
curl -s $B/api/health
EOF
expect '"status":"ok"' '"db":"ok"'
run_quietly 'curl -s $C -H "x-api-key: $MASTER"'
case $CODE in
  404) ;;
  401) die "MASTER is not this node's master key" ;;
  200) die "client acme exists already: run the walk-through on a fresh node (e.g. --data-dir /tmp/walk)" ;;
  *) die "unexpected answer to GET \$C" ;;
esac

step "Create a client (master key)"
call 201 <<'EOF'
curl -s -X POST $B/api/clients -H "x-api-key: $MASTER" -H "$J" -d '{"clientId":"acme","name":"Acme Ltd"}'
EOF
expect '"clientId":"acme"' '"name":"Acme Ltd"' '"hasKey":false'

step "Issue the client's key (shown only once)"
call 201 <<'EOF'
curl -s -X POST $C/key -H "x-api-key: $MASTER" -H "$J" -d '{"ttlDays":90}'
EOF
expect '"key":"sb_' '"expiresAt":"'
keep KEY key

step "Read the config with the client's own key"
call 200 <<'EOF'
curl -s $C/config -H "x-api-key: $KEY"
EOF
expect '"clientId":"acme"' '"webhookUrl":null' '"webhookSecret":"whsec_' '"hasKey":true'

step "Change the config: PUT changes only the fields it names"
printf '$ HOOK=%s\n' "$HOOK"
call 200 <<'EOF'
curl -s -X PUT $C/config -H "x-api-key: $KEY" -H "$J" -d '{"webhookUrl":"'$HOOK'","events":{"presence_update":false}}'
EOF
expect "\"webhookUrl\":\"$HOOK\"" '"presence_update":false' '"message":true'

step "Rotate the key: the old one stops working at once"
OLD=$KEY
printf '$ %s\n' 'OLD=$KEY'
call 201 <<'EOF'
curl -s -X POST $C/key/rotate -H "x-api-key: $KEY"
EOF
expect '"key":"sb_'
keep KEY key
[ "$KEY" != "$OLD" ] || die "the rotated key is the old one"
call 401 <<'EOF'
curl -s $C/config -H "x-api-key: $OLD"
EOF
expect '"code":"UNAUTHORIZED"'

step "A short-lived JWT with the key's scope, for browsers and WebSocket clients"
call 201 <<'EOF'
curl -s -X POST $B/api/auth/token -H "x-api-key: $KEY" -H "$J" -d '{"ttlSeconds":900}'
EOF
expect '"token":"eyJ' '"scope":"client:acme"'
keep TOKEN token
call 200 <<'EOF'
curl -s $C -H "Authorization: Bearer $TOKEN"
EOF
expect '"clientId":"acme"' '"deviceCount":0'

step "The audit log, newest first, cursor-paginated"
call 200 <<'EOF'
curl -s "$C/audit?limit=3" -H "x-api-key: $KEY"
EOF
expect '"action":"key.rotated"' '"action":"config.changed"' '"action":"key.issued"' '"nextCursor":"'

step "Register a device: the answer carries its QR"
call 201 <<'EOF'
curl -s -X POST $C/devices -H "x-api-key: $KEY" -H "$J" -d '{"deviceId":"phone-1"}'
EOF
expect '"deviceId":"phone-1"' '"status":"QR_READY"' '"image":"data:image/png;base64,'
keep QR qr

step "A simulated phone scans the QR (the simulator's control API), and the device connects"
call 200 <<'EOF'
curl -s -X POST $SIM/sim/pair -d '{"qr":"'$QR'","phone":"15550001001"}'
EOF
expect '"phone":"15550001001"'
say "repeated until the device is CONNECTED:"
poll 10 '"status":"CONNECTED"' <<'EOF'
curl -s $D -H "x-api-key: $KEY"
EOF
expect '"phoneNumber":"15550001001"'

step "Send a text"
call 202 <<'EOF'
curl -s -X POST $D/messages/text -H "x-api-key: $KEY" -H "$J" -d '{"to":"+15550002002","text":"Hello from Switchboard"}'
EOF
expect '"status":"QUEUED"' '"to":"15550002002@s.whatsapp.net"'
keep MSG messageId

step "Schedule a text to two people an hour from now, with an idempotency key"
printf '$ %s\n' 'AT=$(date -u -d +1hour +%Y-%m-%dT%H:%M:%SZ)    # macOS: date -u -v+1H +%Y-%m-%dT%H:%M:%SZ'
AT=$(date -u -d +1hour +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+1H +%Y-%m-%dT%H:%M:%SZ)
read -r -d '' SCHEDULE <<'EOF' || true
curl -s -X POST $D/messages/text -H "x-api-key: $KEY" -H "$J" -H "Idempotency-Key: reminder-1" \
  -d '{"to":["15550002002","15550002003"],"text":"Meeting at 10","sendAt":"'$AT'"}'
EOF
call 202 "$SCHEDULE"
expect '"status":"SCHEDULED"' '"to":"15550002003@s.whatsapp.net"' "\"sendAt\":\"${AT%Z}"
keep LATER messageId
FIRST=$(ids)
say "the same request again answers the same messages and sends nothing new:"
call 202 "$SCHEDULE"
[ "$(ids)" = "$FIRST" ] || die "a retry with the same Idempotency-Key answered other messages"
call 200 <<'EOF'
curl -s $C/scheduled -H "x-api-key: $KEY"
EOF
expect "\"messageId\":\"$LATER\""
say "cancel one of them:"
call 200 <<'EOF'
curl -s -X DELETE $D/messages/$LATER -H "x-api-key: $KEY"
EOF
expect '"status":"CANCELLED"'

step "Upload media and send it as an image"
printf '\211PNG\015\012\032\012\000\000\000\015IHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211\000\000\000\013IDATx\332c\370\017\004\000\011\373\003\375h\372\034\314\000\000\000\000IEND\256B\140\202' >pixel.png
say "pixel.png is a 1x1 PNG of 68 bytes"
call 201 <<'EOF'
curl -s -F "file=@pixel.png;type=image/png" $D/media -H "x-api-key: $KEY"
EOF
expect '"mimeType":"image/png"' '"size":68' '"fileName":"pixel.png"'
keep MEDIA mediaId
call 202 <<'EOF'
curl -s -X POST $D/messages/image -H "x-api-key: $KEY" -H "$J" -d '{"to":"15550002002","mediaId":"'$MEDIA'","caption":"look"}'
EOF
expect '"status":"QUEUED"'
keep IMAGE messageId

step "A message's status: SENT, then READ once the person has read it"
say "repeated until it is SENT (the node paces each device, 1 message/s by default):"
poll 15 '"status":"SENT"' <<'EOF'
curl -s $D/messages/$MSG -H "x-api-key: $KEY"
EOF
expect '"direction":"outbound"' '"text":"Hello from Switchboard"' '"sentAt":"'
say "what the simulated person 15550002002 received, once the image is sent too:"
poll 15 '"type":"image"' <<'EOF'
curl -s $SIM/sim/phones/15550002002/messages
EOF
expect "\"messageId\":\"$MSG\"" '"text":"Hello from Switchboard"' "\"messageId\":\"$IMAGE\""
call 200 <<'EOF'
curl -s -X POST $SIM/sim/phones/15550002002/receipts -d '{"messageId":"'$MSG'","status":"READ"}'
EOF
poll 10 '"status":"READ"' <<'EOF'
curl -s $D/messages/$MSG -H "x-api-key: $KEY"
EOF
expect '"readAt":"'

step "The simulated person replies"
call 200 <<'EOF'
curl -s -X POST $SIM/sim/phones/15550002002/messages -d '{"to":"15550001001","text":"Hi, got it"}'
EOF
keep REPLY messageId
poll 10 '"status":"RECEIVED"' <<'EOF'
curl -s $D/messages/$REPLY -H "x-api-key: $KEY"
EOF
expect '"direction":"inbound"' '"text":"Hi, got it"'

step "Chats, most recent first, and a chat's history in both directions"
call 200 <<'EOF'
curl -s $D/chats -H "x-api-key: $KEY"
EOF
expect '"chatId":"15550002002@s.whatsapp.net"' '"unreadCount":1'
call 200 <<'EOF'
curl -s "$D/chats/15550002002/messages?limit=10" -H "x-api-key: $KEY"
EOF
expect "\"messageId\":\"$REPLY\"" "\"messageId\":\"$IMAGE\"" "\"messageId\":\"$MSG\"" '"nextCursor":'

step "Webhook deliveries: each event is stored with its delivery to the webhookUrl"
poll 10 '"event":"message"' <<'EOF'
curl -s "$C/webhook-deliveries?limit=20" -H "x-api-key: $KEY"
EOF
expect '"deviceId":"phone-1"' "\"url\":\"$HOOK\""

step "The cluster at a glance (master key)"
call 200 <<'EOF'
curl -s $B/api/admin/overview -H "x-api-key: $MASTER"
EOF
expect '"live":true' '"deviceId":"phone-1"' '"CONNECTED":1' '"clientId":"acme"' '"scheduledMessages":1'

step "Revoke the key (master key): the key and its tokens stop working at once"
call 200 <<'EOF'
curl -s -X DELETE $C/key -H "x-api-key: $MASTER"
EOF
expect '"revoked":true'
call 401 <<'EOF'
curl -s $C/config -H "x-api-key: $KEY"
EOF
expect '"code":"UNAUTHORIZED"'
call 401 <<'EOF'
curl -s $C -H "Authorization: Bearer $TOKEN"
EOF
expect '"code":"UNAUTHORIZED"'

printf '\nwalkthrough: all %s steps passed\n' "$STEP"
