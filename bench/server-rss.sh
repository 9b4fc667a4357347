#!/usr/bin/env bash
# Klaxon's own RSS under load, as the Docker image runs it (compiled JS, request logging at info,
# job runner on), which the in-process bench cannot show (its process also holds the ceilings and tsx).
# Needs PostgreSQL at 127.0.0.1:5432 (trust auth). Usage: bash bench/server-rss.sh [tsx]
#   tsx: run src/server.ts through tsx, as `npm start` does, instead of the compiled dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
db=klaxon_rss_$$
psql -h 127.0.0.1 -U postgres -qc "create database $db"
trap 'kill -TERM -- -$pid 2>/dev/null || true; sleep 2; psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" || true' EXIT
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db PORT=39411 HOST=127.0.0.1 KLAXON_ADMIN_KEY=klx_admin_rss_check_key_0123456789abcdef
if [ "${1:-}" = tsx ]; then cmd=(node --import tsx src/server.ts); else npm run --silent build; cmd=(node dist/src/server.js); fi
setsid "${cmd[@]}" > /tmp/klaxon-rss-server.log 2>&1 &
pid=$!
base=http://127.0.0.1:39411
for _ in $(seq 1 60); do curl -fsS $base/health/ready >/dev/null 2>&1 && break; sleep 1; done
key=$(curl -fsS -X POST $base/v1/integrations -H "authorization: Bearer $KLAXON_ADMIN_KEY" -H 'content-type: application/json' \
  -d '{"name":"rss","kind":"alertmanager"}' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).key))')
node -e '
const al = (n, g) => ({ status: "firing", labels: { alertname: n, severity: "warning", instance: "db-1", group: g },
  annotations: { summary: n + " on db-1" }, startsAt: "2026-11-22T10:00:00Z", endsAt: "0001-01-01T00:00:00Z", generatorURL: "http://prometheus/graph" });
const body = (g, n) => JSON.stringify({ version: "4", receiver: "klaxon", status: "firing", groupKey: `{}:{group="${g}"}`, groupLabels: { group: g },
  commonLabels: {}, commonAnnotations: {}, externalURL: "http://am", truncatedAlerts: 0, alerts: Array.from({ length: n }, (_, i) => al("A" + i, g)) });
require("fs").writeFileSync("/tmp/klaxon-rss-2.json", body("two", 2)); require("fs").writeFileSync("/tmp/klaxon-rss-100.json", body("hundred", 100));
// autocannon -I replaces [<id>] with a new random id in every request: each one a new group, opening an incident.
require("fs").writeFileSync("/tmp/klaxon-rss-new.json", body("new-[<id>]", 2).replaceAll("\"A0\"", "\"A0-[<id>]\"").replaceAll("\"A1\"", "\"A1-[<id>]\""));'
rss() { awk '/VmRSS/{printf "%.0f MB", $2/1024}' /proc/$pid/status; }
echo "idle: $(rss)"
for n in 2 100; do
  curl -fsS -X POST $base/v1/webhooks/alertmanager -H "authorization: Bearer $key" -H 'content-type: application/json' --data-binary @/tmp/klaxon-rss-$n.json >/dev/null
  peak=0
  npx autocannon -c 64 -d 10 -m POST -H "authorization=Bearer $key" -H 'content-type=application/json' -i /tmp/klaxon-rss-$n.json \
    $base/v1/webhooks/alertmanager > /tmp/klaxon-rss-load.txt 2>&1 &
  load=$!
  while kill -0 $load 2>/dev/null; do r=$(awk '/VmRSS/{print $2}' /proc/$pid/status); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.2; done
  echo "repeats of one $n-alert group, 64 connections, 10 s: $(grep -o '[0-9.k]* requests in' /tmp/klaxon-rss-load.txt), peak RSS $((peak / 1024)) MB"
done
peak=0
npx autocannon -c 64 -d 10 -I -m POST -H "authorization=Bearer $key" -H 'content-type=application/json' -i /tmp/klaxon-rss-new.json \
  $base/v1/webhooks/alertmanager > /tmp/klaxon-rss-load.txt 2>&1 &
load=$!
while kill -0 $load 2>/dev/null; do r=$(awk '/VmRSS/{print $2}' /proc/$pid/status); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.2; done
echo "new incidents (a new 2-alert group per request), 64 connections, 10 s: $(grep -o '[0-9.k]* requests in' /tmp/klaxon-rss-load.txt), peak RSS $((peak / 1024)) MB"
