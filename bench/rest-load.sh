#!/usr/bin/env bash
# REST load against a local finessed: 10 agents signed in, then READY /
# NOT_READY toggling (PUT) and authenticated GETs, with wrk on loopback.
# Usage: bench/rest-load.sh [seconds]   (needs wrk: apt-get install wrk)
# With REDIS=redis://host:port/db the server keeps its state in that Redis;
# ADDR=host:port moves the server off 127.0.0.1:18082.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
addr=${ADDR:-127.0.0.1:18082}
go build -o bin/finessed ./cmd/finessed
bin/finessed -rest-addr $addr -rest-tls-addr "" -xmpp-addr "" -bosh-addr "" -bosh-tls-addr "" -log-level warn ${REDIS:+-redis "$REDIS"} &
pid=$!
# Wait for the server to be gone, so that a run right after binds the port.
trap 'kill $pid; wait $pid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://$addr/healthz >/dev/null && break; sleep 0.1; done
kill -0 $pid # a server that could not start (its port taken) fails the run
for i in $(seq 1001 1010); do
  curl -sf -u "$i:finesse" -X PUT -H 'Content-Type: application/xml' \
    -d "<User><state>LOGIN</state><extension>$((i + 2000))</extension></User>" http://$addr/finesse/api/User/$i
done
echo "== PUT state changes, 10 agents, 20 connections, ${secs}s"
wrk -t2 -c20 -d"${secs}s" -s bench/put-state.lua --latency http://$addr
echo "== GET User with Basic auth, 20 connections, ${secs}s"
wrk -t2 -c20 -d"${secs}s" -H "Authorization: Basic $(printf 1001:finesse | base64)" --latency http://$addr/finesse/api/User/1001
curl -s http://$addr/metrics | grep -E '^finesse_http_requests_total|^process_resident_memory_bytes'
