#!/bin/sh
# irc-bench.sh -- the IRC benchmark of issue 4 (run by "make bench").
#
# Starts hearthd with flood limits off and history stored (WAL,
# synchronous=NORMAL: a crash of hearthd loses nothing acknowledged),
# then runs clients/hearth-ircload for:
#   fan-out   1 and 10 senders -> 100 and 1000 members: deliveries per
#             second and per server CPU-second, latency p50/p99 at
#             saturation and at 100 messages/s;
#   storm     2000 registrations;
#   idle      server RSS growth per registered connection at 5000
#             connections, plain and TLS.
# Each scenario gets a fresh hearthd.  Results: key=value lines and a
# summary table on standard output.
#
# Environment: HEARTHD, IRCLOAD (paths), BENCH_SECONDS (default 5),
# BENCH_IDLE_CONNS (5000), BENCH_STORM_CONNS (2000).
set -eu

HEARTHD=${HEARTHD:-server/hearthd}
IRCLOAD=${IRCLOAD:-clients/hearth-ircload}
SRCDIR=${HEARTH_SRCDIR:-.}
SECS=${BENCH_SECONDS:-5}
IDLE=${BENCH_IDLE_CONNS:-5000}
STORM=${BENCH_STORM_CONNS:-2000}
OUT=$(mktemp -d /tmp/hearth-bench.XXXXXX)
PID=
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

stop() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
		PID=
	fi
}
trap 'stop' EXIT INT TERM

start() {
	dir=$(mktemp -d "$OUT/state.XXXXXX")
	cat > "$dir/hearthd.conf" <<CONF
state_dir = $dir
groups_file = $SRCDIR/etc/groups.conf
rooms_file = $SRCDIR/etc/rooms.conf
server_name = bench.test
listen = irc=127.0.0.1:0
listen = ircs=127.0.0.1:0
log_level = warn
database_sync_full = no
rate_per_second = 1000000
rate_burst = 1000000
max_connections = 100000
max_connections_per_ip = 100000
output_cap = 67108864
idle_timeout = 3600
password_scrypt_log2n = 10
CONF
	"$HEARTHD" -f "$dir/hearthd.conf" --foreground 2>"$dir/log" &
	PID=$!
	i=0
	while [ ! -s "$dir/ports" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "hearthd did not start"; cat "$dir/log"; exit 1; }
		sleep 0.05
	done
	IRC=$(awk '$1 == "irc" { print $3 }' "$dir/ports")
	IRCS=$(awk '$1 == "ircs" { print $3 }' "$dir/ports")
}

run() {
	label=$1
	shift
	start
	echo "# $label" >&2
	"$IRCLOAD" --server-pid "$PID" "$@" | sed "s/^/$label./" | tee -a "$OUT/results"
	stop
}

: > "$OUT/results"
for members in 100 1000; do
	for senders in 1 10; do
		start_label="fanout.s${senders}.m${members}"
		start
		echo "# $start_label" >&2
		"$IRCLOAD" --server-pid "$PID" --port "$IRC" --mode fanout \
		    --members "$members" --senders "$senders" --window 8 \
		    --seconds "$SECS" --rate 100 --parallel 100 |
		    sed "s/^/$start_label./" | tee -a "$OUT/results"
		stop
	done
done
start
echo "# storm" >&2
"$IRCLOAD" --server-pid "$PID" --port "$IRC" --mode storm --conns "$STORM" \
    --parallel 100 | tee -a "$OUT/results"
stop
start
echo "# idle plain" >&2
"$IRCLOAD" --server-pid "$PID" --port "$IRC" --mode idle --conns "$IDLE" \
    --parallel 200 | tee -a "$OUT/results"
stop
start
echo "# idle tls" >&2
"$IRCLOAD" --server-pid "$PID" --port "$IRCS" --tls --mode idle \
    --conns "$IDLE" --parallel 100 | tee -a "$OUT/results"
stop

echo
echo "Summary (hearthd, loopback, history stored, flood limits off):"
awk -F= '
/deliveries_per_second=/ || /deliveries_per_cpu_second=/ || /latency_p/ ||
/registrations_per/ || /bytes_per_connection/ { printf "  %-58s %s\n", $1, $2 }
' "$OUT/results"
echo "(raw results: $OUT/results)"
