#!/usr/bin/env bash
# A predictive campaign on a running finessed over REST: N agents of one
# queue signed in READY, then ROUNDS campaigns of LINES customers each
# (ratio 1.5; every number answers after the dial plan's default 2 s).
# For each round it prints how long the dialer took from the POST until
# no line was left out, how many customers were put through and
# abandoned, and how long hanging them all up took. Make the directory with
#   finesse gen-config -agents 2000 -supervisors 10 -teams 1 -o p2k.yaml
#   finessed -config p2k.yaml
# and run: bench/predictive.sh [N] [LINES] [ROUNDS]
set -euo pipefail
N=${1:-2000} LINES=${2:-3000} ROUNDS=${3:-3}
B=${REST:-http://127.0.0.1:8082} A=admin:finesse H='Content-Type: application/xml'
QUEUE=${QUEUE:-1001}

put() { curl -sf -o /dev/null -u "$1:finesse" -X PUT -H "$H" -d "$2" "$B/finesse/api/User/$1"; }
export -f put; export B H
seq 1 "$N" | xargs -P 16 -I{} bash -c 'i=$(({}+100000)); put $i "<User><state>LOGIN</state><extension>$((i+200000))</extension></User>" && put $i "<User><state>READY</state></User>"'

body() {
	printf '<Campaign><name>Load</name><mode>PREDICTIVE</mode><queue>%s</queue><ratio>1.5</ratio><maxAttempts>1</maxAttempts><contacts>' "$QUEUE"
	for i in $(seq 1 "$LINES"); do printf '<Contact><phoneNumber>555%07d</phoneNumber></Contact>' "$i"; done
	printf '</contacts></Campaign>'
}
body > /tmp/predictive-campaign.xml
for r in $(seq 1 "$ROUNDS"); do
	start=$(date +%s.%N)
	id=$(curl -sf -u $A -X POST -H "$H" --data-binary @/tmp/predictive-campaign.xml "$B/acd/Campaigns" | sed -n 's:.*<Campaign><id>\([0-9]*\)</id>.*:\1:p')
	posted=$(date +%s.%N)
	until ! curl -sf -u $A "$B/acd/Campaign/$id" | grep -q '<status>DIALED</status>'; do sleep 0.05; done
	settled=$(date +%s.%N)
	curl -sf -u $A "$B/acd/Campaign/$id" > /tmp/predictive-status.xml
	answered=$(grep -o '<status>ANSWERED</status>' /tmp/predictive-status.xml | wc -l)
	abandoned=$(grep -o '<status>ABANDONED</status>' /tmp/predictive-status.xml | wc -l)
	grep -o '<callId>[0-9]*</callId>' /tmp/predictive-status.xml | sed 's/[^0-9]//g' |
		xargs -P 16 -I{} curl -sf -o /dev/null -u $A -X DELETE "$B/acd/Call/{}"
	hung=$(date +%s.%N)
	curl -sf -o /dev/null -u $A -X DELETE "$B/acd/Campaign/$id"
	printf 'round %d: POST %.2fs, lines settled %.2fs after it (2 s of it the customers ringing), %d put through, %d abandoned, %d hung up in %.2fs\n' \
		"$r" "$(echo "$posted - $start" | bc)" "$(echo "$settled - $posted" | bc)" "$answered" "$abandoned" "$answered" "$(echo "$hung - $settled" | bc)"
done
