/*
 * chat.js -- Hearth's web chat: IRC over the WebSocket at /irc, in plain
 * JavaScript, served by hearthd as written (no build step, nothing from
 * elsewhere).
 *
 * The page (http-chat.c) gives the room, the form token, the service
 * nick and every text in the member's language as data- attributes of
 * <section id="chat">.  The script asks /chat/token for a one-time chat
 * token (a same-origin POST with the form token: the session cookie
 * itself is HttpOnly and never seen here), connects with the IRCv3
 * subprotocol text.ircv3.net, signs in with SASL PLAIN (account, chat
 * token), joins the room, pages its history with draft/chathistory,
 * and sends and shows lines; Report sends the service nick
 * "REPORT <msgid> [reason]", as any IRC client can.
 */
(function () {
	"use strict";

	var root = document.getElementById("chat");
	if (!root)
		return;
	var room = root.getAttribute("data-room");
	var csrf = root.getAttribute("data-csrf");
	var service = root.getAttribute("data-service") || "Helper";
	var logEl = document.getElementById("chat-log");
	var statusEl = document.getElementById("chat-status");
	var form = document.getElementById("chat-form");
	var input = document.getElementById("chat-input");
	var sendBtn = document.getElementById("chat-send");
	var WANT = ["sasl", "message-tags", "server-time", "batch",
	    "draft/chathistory", "echo-message", "labeled-response"];
	var ws = null, nick = null, account = null, token = null;
	var offered = {}, acked = {}, batches = {}, seen = {};
	var joined = false, historyAsked = false, closedByUs = false;

	/* A text of the page, with %s replaced by ARG. */
	function T(key, arg) {
		var s = root.getAttribute("data-s-" + key) || key;
		return arg === undefined ? s : s.replace("%s", arg);
	}

	function status(text) {
		statusEl.textContent = text;
	}

	function setEnabled(on) {
		input.disabled = !on;
		sendBtn.disabled = !on;
	}

	/* IRCv3 tag values (message-tags: escaping). */
	function unescapeTag(v) {
		return v.replace(/\\(.)?/g, function (m, c) {
			switch (c) {
			case ":": return ";";
			case "s": return " ";
			case "r": return "\r";
			case "n": return "\n";
			case undefined: return "";
			default: return c;
			}
		});
	}

	/* One IRC line into {tags, prefix, nick, command, params}. */
	function parse(line) {
		var m = { tags: {}, prefix: "", nick: "", command: "",
		    params: [] };
		var i = 0, sp, t;

		if (line.charAt(0) === "@") {
			sp = line.indexOf(" ");
			if (sp < 0)
				return null;
			line.substring(1, sp).split(";").forEach(function (kv) {
				var eq = kv.indexOf("=");
				if (eq < 0)
					m.tags[kv] = "";
				else
					m.tags[kv.substring(0, eq)] =
					    unescapeTag(kv.substring(eq + 1));
			});
			i = sp + 1;
			while (line.charAt(i) === " ")
				i++;
		}
		if (line.charAt(i) === ":") {
			sp = line.indexOf(" ", i);
			if (sp < 0)
				return null;
			m.prefix = line.substring(i + 1, sp);
			m.nick = m.prefix.split("!")[0];
			i = sp + 1;
			while (line.charAt(i) === " ")
				i++;
		}
		while (i < line.length) {
			if (line.charAt(i) === ":") {
				m.params.push(line.substring(i + 1));
				break;
			}
			sp = line.indexOf(" ", i);
			t = sp < 0 ? line.substring(i) : line.substring(i, sp);
			if (m.command === "")
				m.command = t.toUpperCase();
			else
				m.params.push(t);
			if (sp < 0)
				break;
			i = sp + 1;
			while (line.charAt(i) === " ")
				i++;
		}
		return m;
	}

	function send(line) {
		if (ws && ws.readyState === 1)
			ws.send(line);
	}

	/* base64 of the UTF-8 bytes of S. */
	function b64(s) {
		var bytes = new TextEncoder().encode(s), bin = "", i;
		for (i = 0; i < bytes.length; i++)
			bin += String.fromCharCode(bytes[i]);
		return btoa(bin);
	}

	function timeOf(tags) {
		var d = tags.time ? new Date(tags.time) : new Date();
		if (isNaN(d.getTime()))
			d = new Date();
		return d;
	}

	function atBottom() {
		return logEl.scrollHeight - logEl.scrollTop -
		    logEl.clientHeight < 40;
	}

	function append(li, history) {
		var stick = atBottom();
		if (history) {
			/* A page of history goes above what is there. */
			if (!history.top)
				history.top = li;
			if (history.first)
				logEl.insertBefore(li, history.first);
			else
				logEl.appendChild(li);
		} else
			logEl.appendChild(li);
		if (stick || !history)
			logEl.scrollTop = logEl.scrollHeight;
	}

	function separator(text) {
		var li = document.createElement("li");
		li.className = "sep";
		li.textContent = text;
		return li;
	}

	/* The report form under a message: a reason, send or cancel. */
	function reportForm(li, msgid, who) {
		var f, label, inp, ok, no, id;

		if (li.querySelector("form"))
			return;
		id = "report-" + msgid.replace(/[^A-Za-z0-9_-]/g, "_");
		f = document.createElement("form");
		f.setAttribute("aria-label", T("report-of", who));
		label = document.createElement("label");
		label.setAttribute("for", id);
		label.textContent = T("report-label");
		inp = document.createElement("input");
		inp.type = "text";
		inp.id = id;
		inp.maxLength = 300;
		ok = document.createElement("button");
		ok.type = "submit";
		ok.textContent = T("report-send");
		no = document.createElement("button");
		no.type = "button";
		no.textContent = T("cancel");
		f.appendChild(label);
		f.appendChild(inp);
		f.appendChild(ok);
		f.appendChild(no);
		f.addEventListener("submit", function (ev) {
			var why = inp.value.replace(/[\r\n]+/g, " ").trim();
			ev.preventDefault();
			send("PRIVMSG " + service + " :REPORT " + msgid +
			    (why ? " " + why : ""));
			f.remove();
			li.querySelector("button.report").focus();
		});
		no.addEventListener("click", function () {
			f.remove();
			li.querySelector("button.report").focus();
		});
		f.addEventListener("keydown", function (ev) {
			if (ev.key === "Escape")
				no.click();
		});
		li.appendChild(f);
		inp.focus();
	}

	/* A message line: time, nick, text, and Report (not our own). */
	function message(m, history) {
		var li = document.createElement("li");
		var d = timeOf(m.tags), tm = document.createElement("time");
		var who = document.createElement("span");
		var text = document.createElement("span");
		var msgid = m.tags.msgid, body = m.params[1] || "", btn;
		var action = /^\u0001ACTION (.*)\u0001?$/.exec(body);

		if (msgid) {
			if (seen[msgid])
				return;
			seen[msgid] = true;
			li.setAttribute("data-msgid", msgid);
		}
		if (history)
			li.className = "history";
		tm.dateTime = d.toISOString();
		tm.textContent = d.toLocaleTimeString(
		    document.documentElement.lang || [],
		    { hour: "2-digit", minute: "2-digit" });
		who.className = "nick";
		who.textContent = action ? "* " + m.nick : m.nick;
		text.className = "text";
		text.textContent = action ? action[1].replace(/\u0001$/, "") :
		    body.replace(/\u0001/g, "");
		if (m.command === "NOTICE")
			li.classList.add("chat-notice");
		li.appendChild(tm);
		li.appendChild(who);
		li.appendChild(text);
		if (msgid && m.nick.toLowerCase() !== (nick || "").toLowerCase()) {
			btn = document.createElement("button");
			btn.type = "button";
			btn.className = "report";
			btn.textContent = T("report");
			btn.setAttribute("aria-label", T("report-of", m.nick));
			btn.addEventListener("click", function () {
				reportForm(li, msgid, m.nick);
			});
			li.appendChild(btn);
		}
		append(li, history);
	}

	/* A line from the server outside the room (Helper, errors). */
	function serverLine(text) {
		var li = document.createElement("li");
		li.className = "chat-notice";
		li.textContent = text;
		append(li, null);
	}

	function onLine(line) {
		var m = parse(line), b, hist, target, caps, i, list;

		if (!m || !m.command)
			return;
		b = m.tags.batch ? batches[m.tags.batch] : null;
		hist = b && b.type === "chathistory" ? b : null;
		switch (m.command) {
		case "PING":
			send("PONG :" + (m.params[0] || ""));
			return;
		case "CAP":
			caps = m.params[m.params.length - 1].split(" ");
			if (m.params[1] === "LS") {
				caps.forEach(function (c) {
					if (c)
						offered[c.split("=")[0]] = true;
				});
				if (m.params[2] === "*")
					return;
				list = WANT.filter(function (c) {
					return offered[c];
				});
				if (!offered.sasl) {
					status(T("failed"));
					send("QUIT");
					return;
				}
				send("CAP REQ :" + list.join(" "));
			} else if (m.params[1] === "ACK") {
				caps.forEach(function (c) {
					if (c)
						acked[c] = true;
				});
				if (acked.sasl) {
					status(T("signing-in"));
					send("AUTHENTICATE PLAIN");
				}
			} else if (m.params[1] === "NAK") {
				status(T("failed"));
				send("QUIT");
			}
			return;
		case "AUTHENTICATE":
			if (m.params[0] === "+") {
				send("AUTHENTICATE " + b64(account + "\u0000" +
				    account + "\u0000" + token));
				token = null;
			}
			return;
		case "903":
			send("CAP END");
			return;
		case "902":
		case "904":
		case "905":
		case "906":
			closedByUs = true;
			status(T("failed"));
			send("QUIT");
			return;
		case "001":
			nick = m.params[0];
			send("JOIN " + room);
			return;
		case "433":
			/* Our nick is taken (another window): add a mark. */
			send("NICK " + (m.params[1] || account) + "_");
			return;
		case "BATCH":
			if (m.params[0].charAt(0) === "+") {
				batches[m.params[0].substring(1)] = {
					type: m.params[1],
					first: logEl.firstChild,
					top: null
				};
			} else {
				b = batches[m.params[0].substring(1)];
				/* "Earlier messages" above a page of history. */
				if (b && b.type === "chathistory" && b.top)
					logEl.insertBefore(separator(T("history")),
					    b.top);
				delete batches[m.params[0].substring(1)];
			}
			return;
		case "JOIN":
			target = m.params[0];
			if (target.toLowerCase() !== room.toLowerCase())
				return;
			if (m.nick === nick && !joined) {
				joined = true;
				status(T("joined"));
				setEnabled(true);
				if (acked["draft/chathistory"] && !historyAsked) {
					historyAsked = true;
					send("CHATHISTORY LATEST " + room + " * 50");
				}
			} else if (m.nick !== nick && !hist) {
				serverLine(T("joins", m.nick));
			}
			return;
		case "PART":
		case "QUIT":
			if (!hist && m.nick !== nick && joined &&
			    (m.command === "QUIT" ||
			    m.params[0].toLowerCase() === room.toLowerCase()))
				serverLine(T("leaves", m.nick));
			return;
		case "PRIVMSG":
		case "NOTICE":
			target = m.params[0];
			if (target.toLowerCase() === room.toLowerCase()) {
				message(m, hist);
			} else if (m.nick && m.nick.indexOf(".") < 0 &&
			    m.nick.toLowerCase() !== (nick || "").toLowerCase()) {
				/* Helper and private lines: shown as such. */
				serverLine(m.nick + ": " + (m.params[1] || ""));
			}
			return;
		case "FAIL":
			serverLine(T("server", m.params.slice(2).join(" ")));
			return;
		case "ERROR":
			status(T("lost"));
			return;
		default:
			/* Numerics that refuse something: say so. */
			if (/^4\d\d$/.test(m.command) && m.command !== "421")
				serverLine(T("server",
				    m.params[m.params.length - 1]));
			return;
		}
	}

	function reconnectButton() {
		var btn = document.createElement("button");
		btn.type = "button";
		btn.textContent = T("reconnect");
		btn.addEventListener("click", function () {
			btn.remove();
			start();
		});
		statusEl.appendChild(document.createTextNode(" "));
		statusEl.appendChild(btn);
	}

	function connect() {
		var url = (location.protocol === "https:" ? "wss://" : "ws://") +
		    location.host + (root.getAttribute("data-ws") || "/irc");

		ws = new WebSocket(url, ["text.ircv3.net"]);
		ws.onopen = function () {
			offered = {};
			acked = {};
			batches = {};
			send("CAP LS 302");
			send("NICK " + account);
			send("USER " + "web 0 * :" + account);
		};
		ws.onmessage = function (ev) {
			var data = typeof ev.data === "string" ? ev.data : "";
			data.split(/\r?\n/).forEach(function (l) {
				if (l)
					onLine(l);
			});
		};
		ws.onclose = function () {
			setEnabled(false);
			ws = null;
			if (!closedByUs) {
				status(T("lost"));
				reconnectButton();
			}
		};
	}

	/* Get a chat token with the form token, then connect. */
	function start() {
		var req = new XMLHttpRequest();

		closedByUs = false;
		joined = false;
		historyAsked = false;
		status(T("connecting"));
		req.open("POST", "/chat/token");
		req.setRequestHeader("Content-Type",
		    "application/x-www-form-urlencoded");
		req.onload = function () {
			var r = null;
			try {
				r = req.status === 200 ?
				    JSON.parse(req.responseText) : null;
			} catch (e) {
				r = null;
			}
			if (!r || !r.token || !r.account) {
				status(T("no-token"));
				return;
			}
			account = r.account;
			token = r.token;
			connect();
		};
		req.onerror = function () {
			status(T("no-token"));
		};
		req.send("csrf=" + encodeURIComponent(csrf));
	}

	form.addEventListener("submit", function (ev) {
		var text = input.value.replace(/[\r\n]+/g, " ");
		ev.preventDefault();
		if (!text.trim() || !joined)
			return;
		send("PRIVMSG " + room + " :" + text);
		if (!acked["echo-message"])
			message({ tags: {}, nick: nick, command: "PRIVMSG",
			    params: [room, text] }, null);
		input.value = "";
		input.focus();
	});
	window.addEventListener("pagehide", function () {
		closedByUs = true;
		if (ws)
			ws.close();
	});
	start();
}());
