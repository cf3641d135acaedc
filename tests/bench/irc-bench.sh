#!/bin/sh
# irc-bench.sh -- the IRC benchmark of issue 4 (run by "make bench").
#
# Three servers in the same run: hearthd (flood limits off, every
# channel message stored in history before anyone sees it, the shipped
# database_sync_full = yes: chat lines are committed to the WAL with
# synchronous=NORMAL, which loses nothing anyone saw when hearthd
# crashes, everything else is fsynced) and,
# when the Debian packages are installed, InspIRCd 3 and ngircd 26 with
# equivalent configurations: loopback, no DNS or ident lookups, flood
# limits off (InspIRCd: fakelag off, huge commandrate; ngircd:
# MaxPenaltyTime = 0, which ngircd.conf(5) documents as disabling
# penalties altogether -- ngircd still handles at most 3 commands of a
# client per pass of its loop, without delaying it), TLS through GnuTLS
# for both.  For each scenario every server is measured in turn, each
# time freshly started, so they see the same machine load.
# clients/hearth-ircload measures on loopback:
#   fan-out   1 and 10 senders -> 100 and 1000 members: deliveries per
#             second and per server CPU-second, latency p50/p99 at
#             saturation (each sender keeps 16 messages in flight) and
#             at 100 messages a second; for hearthd the same again with
#             every member on IRC over WebSocket (fanout.ws.*: its
#             websocket listener, text.ircv3.net), in the same run;
#   storm     2000 registrations, all connecting at once, and the
#             SYNs the kernel dropped meanwhile (nstat ListenDrops, the
#             whole machine's counter);
#   idle      server RSS growth per registered connection at 5000
#             connections, plain and TLS.
# Output: key=value lines, then a table with one column per server and
# the targets of issues 4 and 20 (hearthd against InspIRCd).
#
# Environment: HEARTHD, IRCLOAD, HEARTH_SRCDIR; BENCH_SECONDS (5),
# BENCH_IDLE_CONNS (5000), BENCH_STORM_CONNS (2000), BENCH_WINDOW (16),
# BENCH_SERVERS ("hearthd inspircd ngircd"), BENCH_SCENARIOS ("fanout
# storm idle.plain idle.tls"), BENCH_REPEAT (3: each fan-out room is
# measured that many times per server, taking turns, and the summary
# shows the median of each figure), BENCH_SUMMARY (a file the key=value
# lines are appended to, prefixed "irc.", for tests/bench/summary.py),
# BENCH_ROOMS (senders x members: "1x100
# 10x100 1x1000 10x1000") -- the last two to measure one thing again.
set -eu

HEARTHD=${HEARTHD:-server/hearthd}
IRCLOAD=${IRCLOAD:-clients/hearth-ircload}
SRCDIR=${HEARTH_SRCDIR:-.}
SECS=${BENCH_SECONDS:-5}
IDLE=${BENCH_IDLE_CONNS:-5000}
STORM=${BENCH_STORM_CONNS:-2000}
WINDOW=${BENCH_WINDOW:-16}
SERVERS=${BENCH_SERVERS:-hearthd inspircd ngircd}
SCENARIOS=${BENCH_SCENARIOS:-fanout storm idle.plain idle.tls}
ROOMS=${BENCH_ROOMS:-1x100 10x100 1x1000 10x1000}
REPEAT=${BENCH_REPEAT:-3}
NGIRCD=${NGIRCD:-/usr/sbin/ngircd}
# Each server on one CPU, hearth-ircload on another (tests/bench/pin.py;
# BENCH_PIN=0 turns it off): PIN_SERVER and PIN_CLIENT, command prefixes.
PIN_SERVER= PIN_CLIENT= PIN_DESC="pinning: off (no python3)"
eval "$(${PYTHON3:-python3} "$SRCDIR/tests/bench/pin.py" sh)" || true
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
listen = websocket=127.0.0.1:0
log_level = warn
database_sync_full = yes
rate_per_second = 1000000
rate_burst = 1000000
# Load, not people: the flood watch would mute the load clients.
flood_messages = 0
flood_repeats = 0
max_connections = $(( $(ulimit -n) - 200 ))
max_connections_per_ip = 100000
output_cap = 67108864
idle_timeout = 3600
CONF
	$PIN_SERVER "$HEARTHD" -f "$dir/hearthd.conf" --foreground \
	    2>"$dir/log" &
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
	WS=$(awk '$1 == "websocket" { print $3 }' "$dir/ports")
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
	$PIN_SERVER inspircd --nofork --runasroot --config="$dir/inspircd.conf" \
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

# ngircd 26 as Debian ships it, started as root: it drops to nobody.
start_ngircd() {
	dir=$(mktemp -d "$OUT/ngircd.XXXXXX")
	IRC=$(free_port)
	IRCS=$(free_port)
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -subj /CN=bench.ngircd -days 2 -keyout "$dir/key.pem" \
	    -out "$dir/cert.pem" 2>/dev/null
	cat > "$dir/ngircd.conf" <<CONF
[Global]
	Name = bench.ngircd
	Info = bench
	AdminInfo1 = Bench
	AdminInfo2 = loopback
	AdminEMail = bench@bench.test
	Listen = 127.0.0.1
	Ports = $IRC
	MotdPhrase = bench
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxPenaltyTime = 0
	PingTimeout = 3600
	PongTimeout = 3600
[Options]
	DNS = no
	Ident = no
	PAM = no
[SSL]
	CertFile = $dir/cert.pem
	KeyFile = $dir/key.pem
	Ports = $IRCS
CONF
	$PIN_SERVER "$NGIRCD" --nodaemon --config "$dir/ngircd.conf" >"$dir/out" 2>&1 &
	PID=$!
	i=0
	until grep -q "ready\.\$" "$dir/out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 400 ] || ! kill -0 "$PID" 2>/dev/null; then
			echo "ngircd did not start" >&2
			cat "$dir/out" >&2
			stop
			return 1
		fi
		sleep 0.05
	done
}

# How many connections SERVER may have connecting at once: ngircd
# listens with a backlog of 10 (fixed in its source); past it the
# kernel falls back to SYN cookies and some clients get reset, so its
# clients connect 10 at a time.  This only paces set-up, except in the
# storm, whose wall-clock rate it lowers (registrations per server
# CPU-second are comparable).
par() {
	if [ "$1" = ngircd ] && [ "$2" -gt 10 ]; then
		echo 10
	else
		echo "$2"
	fi
}

installed() {
	case $1 in
	inspircd) command -v inspircd >/dev/null ;;
	ngircd) [ -x "$NGIRCD" ] ;;
	*) true ;;
	esac
}

# load SERVER SCENARIO PREFIX ARGS: one scenario against the running
# server; its key=value lines get PREFIX.  A failed run is reported and
# recorded as SERVER.SCENARIO.failed, and the benchmark goes on.
load() {
	srvname=$1
	scenario=$2
	label=$3
	shift 3
	echo "# $srvname $scenario" >&2
	if $PIN_CLIENT "$IRCLOAD" --server-pid "$PID" "$@" >"$OUT/one" 2>"$OUT/one.err"
	then
		sed "s/^/$label./" "$OUT/one" | tee -a "$OUT/results"
	else
		sed "s/^/$label./" "$OUT/one" | tee -a "$OUT/results"
		echo "# $srvname $scenario FAILED: $(tail -1 "$OUT/one.err")" >&2
		echo "$srvname.$scenario.failed=1" >> "$OUT/results"
	fi
}

: > "$OUT/results"
RUN=
for srv in $SERVERS; do
	if installed "$srv"; then
		RUN="$RUN $srv"
	else
		echo "# $srv not installed: not measured" >&2
	fi
done
wanted() {
	case " $SCENARIOS " in
	*" $1 "*) true ;;
	*) false ;;
	esac
}

if wanted fanout; then
	for room in $ROOMS; do
		senders=${room%x*}
		members=${room#*x}
		r=0
		while [ $r -lt "$REPEAT" ]; do
			r=$((r + 1))
			for srv in $RUN; do
				start_$srv || continue
				load "$srv" "fanout.s$senders.m$members" \
				    "$srv.fanout.s$senders.m$members" \
				    --port "$IRC" --mode fanout \
				    --members "$members" --senders "$senders" \
				    --window "$WINDOW" --seconds "$SECS" \
				    --rate 100 --parallel "$(par "$srv" 100)"
				stop
				[ "$srv" = hearthd ] || continue
				# The same room over WebSocket, beside it.
				start_$srv || continue
				load "$srv" "fanout.ws.s$senders.m$members" \
				    "$srv.fanout.ws.s$senders.m$members" \
				    --port "$WS" --websocket / --mode fanout \
				    --members "$members" --senders "$senders" \
				    --window "$WINDOW" --seconds "$SECS" \
				    --rate 100 --parallel 100
				stop
			done
		done
	done
fi
if wanted storm; then
	export NSTAT_HISTORY="$OUT/nstat"
	for srv in $RUN; do
		start_$srv || continue
		nstat -n 2>/dev/null || true
		load "$srv" storm "$srv" --port "$IRC" --mode storm \
		    --conns "$STORM" --parallel "$(par "$srv" "$STORM")"
		drops=$(nstat -z TcpExtListenDrops 2>/dev/null |
		    awk '$1 == "TcpExtListenDrops" { print $2 }')
		echo "$srv.storm.listen_drops=${drops:-0}" |
		    tee -a "$OUT/results"
		stop
	done
fi
if wanted idle.plain; then
	for srv in $RUN; do
		start_$srv || continue
		load "$srv" idle.plain "$srv" --port "$IRC" --mode idle \
		    --conns "$IDLE" --parallel "$(par "$srv" 200)"
		stop
	done
fi
if wanted idle.tls; then
	for srv in $RUN; do
		start_$srv || continue
		load "$srv" idle.tls "$srv" --port "$IRCS" --tls --mode idle \
		    --conns "$IDLE" --parallel "$(par "$srv" 50)"
		stop
	done
fi

echo
echo "Summary (loopback, same run; hearthd stores every message; flood limits off):"
echo "$PIN_DESC"
# One row per figure, one column per server, then issue 4's target for
# hearthd (against InspIRCd; TLS memory against the best of the others).
awk -F= -v servers="$RUN" '
function num(v) { return v + 0 }
{
	dot = index($1, ".")
	srv = substr($1, 1, dot - 1)
	key = substr($1, dot + 1)
	if (key ~ /\.failed$/) {
		failed[srv, substr(key, 1, length(key) - 7)] = 1
		next
	}
	if (key !~ /(deliveries_per_second|deliveries_per_cpu_second|latency_p50_ms|latency_p99_ms|registrations_per_second|registrations_per_cpu_second|listen_drops|bytes_per_connection)$/)
		next
	if (!(key in seen)) {
		seen[key] = 1
		order[++n] = key
	}
	# Repeated runs: every value is kept; the summary shows the median.
	nv[srv, key]++
	vals[srv, key, nv[srv, key]] = $2 + 0
}
function median(srv, key,    n, i, j, t, a) {
	n = nv[srv, key]
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		a[i] = vals[srv, key, i]
	for (i = 2; i <= n; i++)	# insertion sort: n is small
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	ns = split(servers, col, " ")
	for (r = 1; r <= n; r++)
		for (c = 1; c <= ns; c++)
			val[col[c], order[r]] = median(col[c], order[r])
	printf "  %-50s", "figure"
	for (c = 1; c <= ns; c++)
		printf " %12s", col[c]
	printf "  %s\n", "target (issue 20)"
	for (r = 1; r <= n; r++) {
		key = order[r]
		printf "  %-50s", key
		for (c = 1; c <= ns; c++) {
			v = val[col[c], key]
			scen = key
			sub(/\.(saturation|rate)\..*$|\.[a-z_0-9]+$/, "", scen)
			if (v == "" && failed[col[c], scen])
				v = "failed"
			printf " %12s", v == "" ? "-" : v
		}
		h = val["hearthd", key]
		i = val["inspircd", key]
		goal = ""
		if (key ~ /saturation\.deliveries_per_cpu_second$/ && h != "" && i != "")
			goal = sprintf(">= 1.2x InspIRCd: %.2fx %s", num(h) / num(i),
			    num(h) >= 1.2 * num(i) ? "met" : "NOT met")
		else if (key ~ /rate\.latency_p99_ms$/ && h != "" && i != "")
			goal = sprintf("<= InspIRCd: %s", num(h) <= num(i) ? "met" : "NOT met")
		else if (key ~ /listen_drops$/ && h != "")
			goal = sprintf("0: %s", num(h) == 0 ? "met" : "NOT met")
		else if (key ~ /registrations_per_cpu_second$/ && h != "" && i != "")
			goal = sprintf(">= InspIRCd: %.2fx %s", num(h) / num(i),
			    num(h) >= num(i) ? "met" : "NOT met")
		else if (key ~ /idle\.plain\.bytes_per_connection$/ && h != "")
			goal = sprintf("<= 2 KB: %s", num(h) <= 2048 ? "met" : "NOT met")
		else if (key ~ /idle\.tls\.bytes_per_connection$/ && h != "" && i != "")
			goal = sprintf("<= InspIRCd: %s", num(h) <= num(i) ? "met" : "NOT met")
		else if (key ~ /idle\.tls\.bytes_per_connection$/ && h != "") {
			best = ""
			for (c = 1; c <= ns; c++)
				if (col[c] != "hearthd" && val[col[c], key] != "" &&
				    (best == "" || num(val[col[c], key]) < best))
					best = num(val[col[c], key])
			if (best != "")
				goal = sprintf("<= best other (%d): %s", best,
				    num(h) <= best ? "met" : "NOT met")
		}
		printf "  %s\n", goal
	}
}
' "$OUT/results"
echo "  (fanout.sS.mM: S senders, M members, the median of $REPEAT runs;"
echo "  fanout.ws.sS.mM: the same with every member on IRC over WebSocket;"
echo "  saturation: 16 messages in flight per sender; rate: 100 messages/s in"
echo "  all; storm: $STORM registrations; idle: RSS growth per connection at"
echo "  $IDLE.  ngircd: MaxPenaltyTime = 0, at most 3 commands per client per"
echo "  loop pass; its clients connect 10 at a time (listen backlog 10), so its"
echo "  storm registrations/s are not comparable.)"
echo "(raw results: $OUT/results)"
if [ -n "${BENCH_SUMMARY:-}" ]; then
	sed 's/^/irc./' "$OUT/results" >> "$BENCH_SUMMARY"
fi
