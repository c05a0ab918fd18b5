#!/usr/bin/env bash
# Fan-out side by side: finessed, ejabberd and Prosody on this machine, in
# one run, with the same shape: SESSIONS subscriber sessions on one node,
# RATE items (or state changes) a second for DURATION, over each TRANSPORT.
#
#   Prosody, ejabberd: `finesse load -publish-node`: one publisher session
#     publishes XEP-0060 items carrying a User Update's escaped text to
#     /finesse/api/Team/1/Users; users load0001..loadNNNN each subscribe
#     one session.
#   finessed: the team-watch shape: SESSIONS sessions of supervisor 2001
#     watch /finesse/api/Team/10/Users while its 5 agents change state
#     over REST (our clients cannot publish).
#
# Either way every item/change owes one notification to every session, so
# "offered" is RATE x SESSIONS a second, and the figure that matters is the
# delivered notifications/s where a server stops keeping up.
#
# For people, not CI: it installs Debian packages, runs as root (runuser to
# the prosody and ejabberd users), and takes minutes. Everything listens on
# 127.0.0.1 only, on ports away from finessed's defaults:
#   Prosody  c2s 25222, http 25280     ejabberd c2s 15222, http 15280
#   finessed xmpp 35222, http 37071, REST 38082
#
# Settings (environment):
#   SESSIONS=1000            subscriber sessions
#   TRANSPORTS="tcp bosh"    any of tcp bosh websocket
#   RATES="2 5 10 20 40"     items (changes) a second, each server climbs
#                            them in turn and stops after the first rate it
#                            does not sustain (delivered < 90% of offered)
#   FINESSED_RATES=...       extra rates for finessed only, tried after
#                            RATES while it keeps up (default "80 160")
#   DURATION=10s DRAIN=20s   publishing time; wait for the last notifications
#   SERVERS="finessed ejabberd prosody"
#   SCRATCH=/tmp/finesse-compare  configs, data, logs, results
#   BIN=<repo>/bin           where finesse and finessed are (built if absent)
#   PAUSE=5                  seconds between runs
#   BOSH_SETTLE=60           extra seconds after a Prosody BOSH run: a BOSH
#                            session can outlive its client there for
#                            bosh_max_inactivity and still take fan-out
#
# Results: every run's table goes to $SCRATCH/results/*.txt; a summary
# table (one row per run, then each server's ceiling and our ratio) is
# printed at the end and kept in $SCRATCH/results/summary.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SESSIONS=${SESSIONS:-1000}
TRANSPORTS=${TRANSPORTS:-tcp bosh}
RATES=${RATES:-2 5 10 20 40}
FINESSED_RATES=${FINESSED_RATES:-80 160}
DURATION=${DURATION:-10s}
DRAIN=${DRAIN:-20s}
SERVERS=${SERVERS:-finessed ejabberd prosody}
SCRATCH=${SCRATCH:-/tmp/finesse-compare}
BIN=${BIN:-$REPO/bin}
PAUSE=${PAUSE:-5}
BOSH_SETTLE=${BOSH_SETTLE:-60}
NODE=/finesse/api/Team/1/Users
PASSWORD=secret

say() { printf '== %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: run as root (it installs packages and runs the servers as their users)" >&2
	exit 1
fi

# --- install and build ----------------------------------------------------

if ! command -v prosody >/dev/null || ! command -v ejabberdctl >/dev/null; then
	say "installing prosody and ejabberd"
	apt-get update
	# no recommends: ejabberd's would pull a GUI stack
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prosody lua-event ejabberd
fi
if [ ! -x "$BIN/finesse" ] || [ ! -x "$BIN/finessed" ]; then
	say "building finesse and finessed into $BIN"
	(cd "$REPO" && go build -o "$BIN/" ./cmd/finesse ./cmd/finessed)
fi

mkdir -p "$SCRATCH/results"
RESULTS=$SCRATCH/results
: >"$RESULTS/rows.tsv"

# --- servers: start, stop -------------------------------------------------

PROSODY_PID="" EJABBERD_UP="" FINESSED_PID="" EPMD_WAS_UP=""
pgrep -x epmd >/dev/null && EPMD_WAS_UP=1
P_DIR=$SCRATCH/prosody
E_DIR=$SCRATCH/ejabberd
EC="ejabberdctl --config-dir $E_DIR/etc --spool $E_DIR/db --logs $E_DIR/logs"

wait_port() { # port: wait up to 30 s for a listener on 127.0.0.1:port
	for _ in $(seq 1 60); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.5
	done
	echo "run.sh: nothing listens on 127.0.0.1:$1" >&2
	return 1
}

start_prosody() {
	say "starting Prosody $(dpkg-query -W -f '${Version}' prosody)"
	rm -rf "$P_DIR"
	mkdir -p "$P_DIR/data" "$P_DIR/certs"
	sed "s|@DIR@|$SCRATCH|g" "$HERE/prosody.cfg.lua" >"$P_DIR/prosody.cfg.lua"
	chown -R prosody:prosody "$P_DIR"
	# 1024 open files is the default soft limit: too few for 1000+ clients
	(cd / && runuser -u prosody -- bash -c "ulimit -n 20000; exec prosody --config $P_DIR/prosody.cfg.lua -F" >"$P_DIR/stdout" 2>&1 &)
	wait_port 25222
	wait_port 25280
	PROSODY_PID=$(cat "$P_DIR/prosody.pid")
	# users in one shell session: a few seconds for thousands
	{
		printf 'user:create("publisher@localhost", "%s")\n' "$PASSWORD"
		for i in $(seq 1 "$SESSIONS"); do printf 'user:create("load%04d@localhost", "%s")\n' "$i" "$PASSWORD"; done
	} | (cd / && runuser -u prosody -- prosodyctl --config "$P_DIR/prosody.cfg.lua" shell) >"$P_DIR/users.log" 2>&1
	say "Prosody pid $PROSODY_PID, $(grep -c 'User created' "$P_DIR/users.log") users created"
}

stop_prosody() {
	[ -n "$PROSODY_PID" ] || return 0
	say "stopping Prosody"
	kill "$PROSODY_PID" 2>/dev/null || true
	for _ in $(seq 1 20); do kill -0 "$PROSODY_PID" 2>/dev/null || break; sleep 0.5; done
	PROSODY_PID=""
}

start_ejabberd() {
	say "starting ejabberd $(dpkg-query -W -f '${Version}' ejabberd)"
	rm -rf "$E_DIR"
	mkdir -p "$E_DIR/etc" "$E_DIR/db" "$E_DIR/logs"
	sed "s|@DIR@|$SCRATCH|g" "$HERE/ejabberd.yml" >"$E_DIR/etc/ejabberd.yml"
	sed "s|@DIR@|$SCRATCH|g" "$HERE/ejabberdctl.cfg" >"$E_DIR/etc/ejabberdctl.cfg"
	cp /etc/ejabberd/inetrc "$E_DIR/etc/"
	chown -R ejabberd:ejabberd "$E_DIR"
	# the ejabberd user's soft limit of 1024 files makes the listener fail
	# ("too many open files") at about 1000 clients
	(cd / && runuser -u ejabberd -- bash -c "ulimit -n 20000; exec $EC foreground" >"$E_DIR/stdout" 2>&1 &)
	EJABBERD_UP=1
	wait_port 15222
	wait_port 15280
	$EC status >&2
	# the users are registered in-band by the first finesse load (-register)
}

ejabberd_pid() { pgrep -u ejabberd -x beam.smp | head -1; }

stop_ejabberd() {
	[ -n "$EJABBERD_UP" ] || return 0
	say "stopping ejabberd"
	$EC stop >/dev/null 2>&1 || true
	for _ in $(seq 1 30); do pgrep -u ejabberd -x beam.smp >/dev/null || break; sleep 0.5; done
	# ejabberdctl started epmd; stop it unless it was there before (it
	# refuses while the node's name is still registered, so try a while)
	if [ -z "$EPMD_WAS_UP" ]; then
		for _ in $(seq 1 20); do
			pgrep -x epmd >/dev/null || break
			epmd -kill >/dev/null 2>&1 || true
			sleep 0.5
		done
	fi
	EJABBERD_UP=""
}

start_finessed() {
	"$BIN/finessed" -log-level warn -xmpp-addr 127.0.0.1:35222 -bosh-addr 127.0.0.1:37071 -bosh-tls-addr "" \
		-rest-addr 127.0.0.1:38082 -rest-tls-addr "" >"$SCRATCH/finessed.log" 2>&1 &
	FINESSED_PID=$!
	wait_port 35222
	wait_port 38082
}

stop_finessed() {
	[ -n "$FINESSED_PID" ] || return 0
	kill "$FINESSED_PID" 2>/dev/null || true
	wait "$FINESSED_PID" 2>/dev/null || true
	FINESSED_PID=""
}

trap 'stop_finessed; stop_prosody; stop_ejabberd' EXIT
trap 'exit 130' INT TERM

# --- one run --------------------------------------------------------------

# run server transport rate: one finesse load run, its table kept, one row
# appended to rows.tsv; returns 1 when the server did not keep up.
run() {
	local server=$1 transport=$2 rate=$3 out args pid
	out=$RESULTS/$server-$transport-$SESSIONS-$rate.txt
	case $server in
	finessed)
		start_finessed
		pid=$FINESSED_PID
		args=(-xmpp 127.0.0.1:35222 -bosh http://127.0.0.1:37071/http-bind -ws ws://127.0.0.1:37071/ws -rest http://127.0.0.1:38082)
		;;
	ejabberd)
		pid=$(ejabberd_pid)
		args=(-publish-node "$NODE" -password "$PASSWORD" -register -xmpp 127.0.0.1:15222
			-bosh http://127.0.0.1:15280/http-bind -ws ws://127.0.0.1:15280/xmpp-websocket)
		;;
	prosody)
		pid=$PROSODY_PID
		args=(-publish-node "$NODE" -password "$PASSWORD" -xmpp 127.0.0.1:25222
			-bosh http://127.0.0.1:25280/http-bind -ws ws://127.0.0.1:25280/xmpp-websocket)
		;;
	esac
	say "$server $transport: $SESSIONS sessions, $rate/s for $DURATION"
	# losses make finesse load fail; the table says how many
	timeout 900 "$BIN/finesse" load "${args[@]}" -transport "$transport" -sessions "$SESSIONS" \
		-rate "$rate" -d "$DURATION" -drain "$DRAIN" -server-pid "$pid" >"$out" 2>"$out.log" || true
	[ "$server" = finessed ] && stop_finessed
	cat "$out"
	# a BOSH session may outlive its client on the server; let it go
	sleep "$PAUSE"
	[ "$transport" = bosh ] && [ "$server" = prosody ] && sleep "$BOSH_SETTLE"
	awk -v server="$server" -v tr="$transport" -v rate="$rate" -v n="$SESSIONS" '
		/^notifications/ { got = $2; want = $4; lost = $6; for (i = 1; i <= NF; i++) if ($i ~ /\/s$/) per = $i }
		/-> notification/ { for (i = 1; i <= NF; i++) { if ($i == "p50") p50 = $(i+1); if ($i == "p99") p99 = $(i+1) } }
		/^server/ { for (i = 1; i <= NF; i++) if ($i == "CPU") cpu = $(i+1) }
		END {
			if (got == "") { printf "%s\t%s\t%s\t%d\tfailed\t-\t-\t-\t-\t-\n", server, tr, rate, rate * n; exit }
			sub(/\/s$/, "", per)
			printf "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s of %s\t%s\t%s\n", server, tr, rate, rate * n, per, p50, p99, lost, want, cpu, got
		}' "$out" >>"$RESULTS/rows.tsv"
	tail -1 "$RESULTS/rows.tsv" | awk -F'\t' '$5 == "failed" || $5 < 0.9 * $4 || $8 !~ /^0 of/ { exit 1 }'
}

# climb server transport rates...: runs each rate until one is not kept up
climb() {
	local server=$1 transport=$2 rate
	shift 2
	for rate in "$@"; do
		run "$server" "$transport" "$rate" || return 1
	done
}

# --- the comparison -------------------------------------------------------

for server in $SERVERS; do
	case $server in
	prosody) start_prosody ;;
	ejabberd) start_ejabberd ;;
	esac
	for transport in $TRANSPORTS; do
		if climb "$server" "$transport" $RATES && [ "$server" = finessed ]; then
			climb "$server" "$transport" $FINESSED_RATES || true
		fi
	done
	case $server in
	prosody) stop_prosody ;;
	ejabberd) stop_ejabberd ;;
	esac
done

# --- summary --------------------------------------------------------------

{
	echo "| server | transport | rate/s | offered/s | delivered/s | p50 | p99 | lost | server CPU |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$RESULTS/rows.tsv"
	echo
	echo "Ceiling (highest delivered/s of any run) and finessed's ratio to it;"
	echo "a ratio means something only where both servers ran out of rates they sustain:"
	echo
	echo "| transport | finessed | ejabberd | Prosody | ours/ejabberd | ours/Prosody |"
	echo "| --- | --- | --- | --- | --- | --- |"
	awk -F'\t' '$5 != "failed" && $5 + 0 > best[$2 "\t" $1] { best[$2 "\t" $1] = $5 + 0 }
		{ tr[$2] = 1 }
		END {
			for (t in tr) {
				f = best[t "\tfinessed"]; e = best[t "\tejabberd"]; p = best[t "\tprosody"]
				printf "| %s | %d | %d | %d | %s | %s |\n", t, f, e, p,
					(e > 0 ? sprintf("%.1fx", f / e) : "-"), (p > 0 ? sprintf("%.1fx", f / p) : "-")
			}
		}' "$RESULTS/rows.tsv"
} | tee "$RESULTS/summary.md"
