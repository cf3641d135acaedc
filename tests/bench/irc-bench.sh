#!/bin/sh
# irc-bench.sh -- the IRC benchmark of issue 4 (run by "make bench").
#
# For hearthd (flood limits off, every channel message stored in
# history: SQLite WAL with synchronous=NORMAL, which loses nothing that
# was acknowledged when hearthd crashes) and, when it is installed, for
# InspIRCd 3 with an equivalent configuration, clients/hearth-ircload
# measures on loopback:
#   fan-out   1 and 10 senders -> 100 and 1000 members: deliveries per
#             second and per server CPU-second, latency p50/p99 at
#             saturation (each sender keeps 16 messages in flight) and
#             at 100 messages a second;
#   storm     2000 registrations (100 connecting at once);
#   idle      server RSS growth per registered connection at 5000
#             connections, plain and TLS.
# Every scenario starts a fresh server.  Output: key=value lines, then a
# summary table.  ngircd 26 cannot switch off its per-command penalty,
# so it is not measured.
#
# Environment: HEARTHD, IRCLOAD, HEARTH_SRCDIR; BENCH_SECONDS (5),
# BENCH_IDLE_CONNS (5000), BENCH_STORM_CONNS (2000), BENCH_WINDOW (16),
# BENCH_SERVERS ("hearthd inspircd").
set -eu

HEARTHD=${HEARTHD:-server/hearthd}
IRCLOAD=${IRCLOAD:-clients/hearth-ircload}
SRCDIR=${HEARTH_SRCDIR:-.}
SECS=${BENCH_SECONDS:-5}
IDLE=${BENCH_IDLE_CONNS:-5000}
STORM=${BENCH_STORM_CONNS:-2000}
WINDOW=${BENCH_WINDOW:-16}
SERVERS=${BENCH_SERVERS:-hearthd inspircd}
OUT=$(mktemp -d /tmp/hearth-bench.XXXXXX)
PID=
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

stop() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
		PID=
	fi
}
trap 'stop' EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_hearthd() {
	dir=$(mktemp -d "$OUT/hearthd.XXXXXX")
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
# Load, not people: the flood watch would mute the load clients.
flood_messages = 0
flood_repeats = 0
max_connections = 100000
max_connections_per_ip = 100000
output_cap = 67108864
idle_timeout = 3600
CONF
	"$HEARTHD" -f "$dir/hearthd.conf" --foreground 2>"$dir/log" &
	PID=$!
	i=0
	while [ ! -s "$dir/ports" ]; do
		i=$((i + 1))
		if [ $i -gt 400 ]; then
			echo "hearthd did not start" >&2
			cat "$dir/log" >&2
			exit 1
		fi
		sleep 0.05
	done
	IRC=$(awk '$1 == "irc" { print $3 }' "$dir/ports")
	IRCS=$(awk '$1 == "ircs" { print $3 }' "$dir/ports")
	CERTDIR=$dir/tls
}

start_inspircd() {
	dir=$(mktemp -d "$OUT/inspircd.XXXXXX")
	IRC=$(free_port)
	IRCS=$(free_port)
	# A certificate for its TLS port: openssl, like hearthd's own.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -subj /CN=bench.insp -days 2 -keyout "$dir/key.pem" \
	    -out "$dir/cert.pem" 2>/dev/null
	cat > "$dir/inspircd.conf" <<CONF
<server name="bench.insp" description="bench" network="Bench">
<admin name="Bench" nick="bench" email="bench@bench.test">
<module name="ssl_gnutls">
<sslprofile name="bench" provider="gnutls" certfile="$dir/cert.pem" keyfile="$dir/key.pem" hash="sha256" requestclientcert="no">
<bind address="127.0.0.1" port="$IRC" type="clients">
<bind address="127.0.0.1" port="$IRCS" type="clients" sslprofile="bench">
<connect name="main" allow="*" maxchans="100" timeout="3600" pingfreq="3600" hardsendq="1073741824" softsendq="67108864" recvq="65536" threshold="100000000" commandrate="100000000" fakelag="no" localmax="1000000" globalmax="1000000" maxconnwarn="no" limit="1000000" resolvehostnames="no" useident="no">
<performance softlimit="100000" clonesonconnect="no" quietbursts="yes">
<options defaultmodes="nt">
<security hidebans="no">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="11" maxhost="64" maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxgecos="128" maxaway="200">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="sparse" target="$dir/ircd.log">
<pid file="$dir/inspircd.pid">
<files motd="/etc/inspircd/inspircd.motd">
CONF
	inspircd --nofork --runasroot --config="$dir/inspircd.conf" \
	    >"$dir/out" 2>&1 &
	PID=$!
	i=0
	until grep -q "is now running" "$dir/out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 400 ] || ! kill -0 "$PID" 2>/dev/null; then
			echo "inspircd did not start" >&2
			cat "$dir/out" >&2
			PID=
			return 1
		fi
		sleep 0.05
	done
}

load() {
	label=$1
	shift
	echo "# $label" >&2
	"$IRCLOAD" --server-pid "$PID" "$@" | sed "s/^/$label./" |
	    tee -a "$OUT/results"
}

: > "$OUT/results"
for srv in $SERVERS; do
	if [ "$srv" = inspircd ] && ! command -v inspircd >/dev/null; then
		echo "# inspircd not installed: skipped" >&2
		continue
	fi
	for members in 100 1000; do
		for senders in 1 10; do
			start_$srv || continue
			load "$srv.fanout.s$senders.m$members" --port "$IRC" \
			    --mode fanout --members "$members" \
			    --senders "$senders" --window "$WINDOW" \
			    --seconds "$SECS" --rate 100 --parallel 100
			stop
		done
	done
	start_$srv || continue
	load "$srv" --port "$IRC" --mode storm --conns "$STORM" --parallel 100
	stop
	start_$srv || continue
	load "$srv" --port "$IRC" --mode idle --conns "$IDLE" --parallel 200
	stop
	start_$srv || continue
	load "$srv" --port "$IRCS" --tls --mode idle --conns "$IDLE" \
	    --parallel 50
	stop
done

echo
echo "Summary (loopback; hearthd stores every message; flood limits off):"
awk -F= '
/deliveries_per_second=/ || /deliveries_per_cpu_second=/ || /latency_p/ ||
/registrations_per/ || /bytes_per_connection/ { printf "  %-62s %s\n", $1, $2 }
' "$OUT/results"
echo "(raw results: $OUT/results)"
