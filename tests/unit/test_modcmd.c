/*
 * test_modcmd.c -- the moderation command table and its parsers: every
 * row parses its documented examples; wrong arity, unknown options and
 * bad values are refused with a clear message.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-protocol.h"
#include "modcmd.h"

/* Parse admin words LINE (name first) against FRONT's row. */
static int
words(const char *line, struct modcmd_call *mc, char *err, size_t errlen,
    char *buf, size_t buflen)
{
	const struct modcmd	*cmd;
	char			*w[ADMIN_MAX_WORDS];
	int			 n;

	snprintf(buf, buflen, "%s", line);
	n = admin_split(buf, w, ADMIN_MAX_WORDS);
	ck_assert_int_gt(n, 0);
	cmd = modcmd_find(w[0], MODCMD_F_ADMIN);
	ck_assert_msg(cmd != NULL, "no admin row %s", w[0]);
	return modcmd_parse_words(cmd, n - 1, w + 1, MODCMD_S_WORDS, mc, err,
	    errlen);
}

/* Parse chat text LINE (name first) as Helper does. */
static int
chat(const char *line, struct modcmd_call *mc, char *err, size_t errlen,
    char *buf, size_t buflen)
{
	const struct modcmd	*cmd;
	size_t			 n = strcspn(line, " ");
	char			 name[32];

	snprintf(name, sizeof name, "%.*s", (int)n, line);
	cmd = modcmd_find(name, MODCMD_F_CHAT);
	ck_assert_msg(cmd != NULL, "no chat row %s", name);
	snprintf(buf, buflen, "%s", line + n);
	return modcmd_parse_text(cmd, buf, 0, MODCMD_S_CHAT, mc, err, errlen);
}

START_TEST(every_row_parses_its_examples)
{
	struct modcmd_call	 mc;
	char			 buf[512], err[256], line[512], u[256];
	size_t			 i;
	int			 seen[MODCMD_NACTIONS] = { 0 };

	for (i = 0; i < modcmd_count; i++) {
		const struct modcmd	*cmd = &modcmd_table[i];

		seen[cmd->action] = 1;
		ck_assert_ptr_nonnull(cmd->help);
		ck_assert_int_ne(cmd->fronts, 0);
		modcmd_usage(cmd, MODCMD_S_WORDS, u, sizeof u);
		ck_assert_int_eq(strncmp(u, cmd->name, strlen(cmd->name)), 0);
		if (cmd->fronts & MODCMD_F_ADMIN) {
			ck_assert_msg(cmd->example_words != NULL, "%s",
			    cmd->name);
			snprintf(line, sizeof line, "%s%s%s", cmd->name,
			    *cmd->example_words ? " " : "",
			    cmd->example_words);
			ck_assert_msg(words(line, &mc, err, sizeof err, buf,
			    sizeof buf) == MODCMD_OK, "%s: %s", line, err);
			ck_assert_int_eq(mc.action, cmd->action);
			ck_assert_ptr_eq(mc.cmd, cmd);
		}
		if (cmd->fronts & (MODCMD_F_CHAT | MODCMD_F_FOLLOWUP)) {
			int	fu = !(cmd->fronts & MODCMD_F_CHAT);

			ck_assert_msg(cmd->example_text != NULL, "%s",
			    cmd->name);
			snprintf(buf, sizeof buf, "%s", cmd->example_text);
			ck_assert_msg(modcmd_parse_text(cmd, buf, fu ? 7 : 0,
			    fu ? MODCMD_S_FOLLOWUP : MODCMD_S_CHAT, &mc, err,
			    sizeof err) == MODCMD_OK, "%s %s: %s", cmd->name,
			    cmd->example_text, err);
			ck_assert_int_eq(mc.action, cmd->action);
		}
	}
	for (i = 0; i < MODCMD_NACTIONS; i++)
		ck_assert_msg(seen[i], "action %zu has no row", i);
}
END_TEST

START_TEST(one_row_per_name_and_front)
{
	size_t		i, j;
	unsigned int	f;

	for (i = 0; i < modcmd_count; i++)
		for (j = i + 1; j < modcmd_count; j++) {
			f = modcmd_table[i].fronts & modcmd_table[j].fronts;
			ck_assert_msg(f == 0 || strcmp(modcmd_table[i].name,
			    modcmd_table[j].name) != 0, "%s twice",
			    modcmd_table[i].name);
		}
	ck_assert_int_eq(modcmd_find("APPROVE", MODCMD_F_CHAT)->action,
	    MODCMD_APPROVE);
	ck_assert_int_eq(modcmd_find("hide", MODCMD_F_FOLLOWUP)->action,
	    MODCMD_DECIDE_HIDE);
	ck_assert_int_eq(modcmd_find("hide", MODCMD_F_ADMIN)->action,
	    MODCMD_HIDE);
	ck_assert_ptr_null(modcmd_find("sanctions", MODCMD_F_CHAT));
	ck_assert_ptr_null(modcmd_find("ban", MODCMD_F_FOLLOWUP));
	ck_assert_ptr_null(modcmd_find("maybe", MODCMD_F_ADMIN));
}
END_TEST

START_TEST(usage_in_every_style)
{
	char	u[256];

	modcmd_usage(modcmd_find("ban", MODCMD_F_ADMIN), MODCMD_S_WORDS, u,
	    sizeof u);
	ck_assert_str_eq(u, "ban ACCOUNT|MASK [scope=#ROOM|GROUP] "
	    "[duration=7d] [reason=TEXT]");
	modcmd_usage(modcmd_find("reject", MODCMD_F_ADMIN), MODCMD_S_CLI, u,
	    sizeof u);
	ck_assert_str_eq(u, "reject ID --reason TEXT");
	modcmd_usage(modcmd_find("ban", MODCMD_F_CHAT), MODCMD_S_CHAT, u,
	    sizeof u);
	ck_assert_str_eq(u, "BAN <account|mask> [#room|group] [duration] "
	    "[reason]");
	modcmd_usage(modcmd_find("hide", MODCMD_F_CHAT), MODCMD_S_CHAT, u,
	    sizeof u);
	ck_assert_str_eq(u, "HIDE <msgid|<article-id>> [reason]");
	modcmd_usage(modcmd_find("log", MODCMD_F_CHAT), MODCMD_S_CHAT, u,
	    sizeof u);
	ck_assert_str_eq(u, "LOG [target]");
	modcmd_usage(modcmd_find("reject", MODCMD_F_FOLLOWUP),
	    MODCMD_S_FOLLOWUP, u, sizeof u);
	ck_assert_str_eq(u, "reject <reason>");
	modcmd_list(MODCMD_F_FOLLOWUP, u, sizeof u);
	ck_assert_str_eq(u, "approve, reject <reason>, dismiss or hide");
}
END_TEST

START_TEST(typed_fields_the_same_from_every_front)
{
	struct modcmd_call	 a, b;
	char			 ba[256], bb[256], err[256];
	const struct modcmd	*fu;

	ck_assert_int_eq(words("ban troll scope=#school duration=7d "
	    "reason=spam%20links", &a, err, sizeof err, ba, sizeof ba), 0);
	ck_assert_int_eq(chat("BAN troll #school 7d spam links", &b, err,
	    sizeof err, bb, sizeof bb), 0);
	ck_assert_int_eq(a.action, MODCMD_BAN);
	ck_assert_int_eq(b.action, MODCMD_BAN);
	ck_assert_str_eq(a.target, "troll");
	ck_assert_str_eq(b.target, "troll");
	ck_assert_str_eq(a.opt[MODCMD_O_SCOPE], "#school");
	ck_assert_str_eq(b.opt[MODCMD_O_SCOPE], "#school");
	ck_assert_int_eq(a.duration, 7 * 86400);
	ck_assert_int_eq(b.duration, 7 * 86400);
	ck_assert_str_eq(a.opt[MODCMD_O_REASON], "spam links");
	ck_assert_str_eq(b.opt[MODCMD_O_REASON], "spam links");

	/* A reject: admin words, Helper text, a follow-up's first line. */
	ck_assert_int_eq(words("reject 12 reason=Ask%20your%20team", &a, err,
	    sizeof err, ba, sizeof ba), 0);
	ck_assert_int_eq(chat("REJECT 12 Ask your team", &b, err, sizeof err,
	    bb, sizeof bb), 0);
	ck_assert_int_eq(a.id, 12);
	ck_assert_int_eq(b.id, 12);
	ck_assert_str_eq(b.opt[MODCMD_O_REASON], a.opt[MODCMD_O_REASON]);
	fu = modcmd_find("reject", MODCMD_F_FOLLOWUP);
	snprintf(bb, sizeof bb, "  Ask your team  ");
	ck_assert_int_eq(modcmd_parse_text(fu, bb, 12, MODCMD_S_FOLLOWUP, &b,
	    err, sizeof err), 0);
	ck_assert_int_eq(b.id, 12);
	ck_assert_int_eq(b.action, MODCMD_REJECT);
	ck_assert_str_eq(b.opt[MODCMD_O_REASON], "Ask your team");

	/* Helper knows the item type from the reference. */
	ck_assert_int_eq(chat("HIDE <a1@hearth.test> spam", &b, err,
	    sizeof err, bb, sizeof bb), 0);
	ck_assert_str_eq(b.item_type, "article");
	ck_assert_str_eq(b.item_ref, "<a1@hearth.test>");
	ck_assert_int_eq(chat("hide 01HX4", &b, err, sizeof err, bb,
	    sizeof bb), 0);
	ck_assert_str_eq(b.item_type, "chat");
	ck_assert_ptr_null(b.opt[MODCMD_O_REASON]);

	/* A reason-looking word is not a duration; the rest is text. */
	ck_assert_int_eq(chat("MUTE kim cooling off", &b, err, sizeof err, bb,
	    sizeof bb), 0);
	ck_assert_ptr_null(b.opt[MODCMD_O_SCOPE]);
	ck_assert_int_eq(b.duration, 0);
	ck_assert_str_eq(b.opt[MODCMD_O_REASON], "cooling off");
	ck_assert_int_eq(chat("WARN kim Please keep advice general", &b, err,
	    sizeof err, bb, sizeof bb), 0);
	ck_assert_str_eq(b.target, "kim");
	ck_assert_str_eq(b.text, "Please keep advice general");

	ck_assert_int_eq(words("log actor=mia since=2026-12-01T18:00Z "
	    "limit=5", &a, err, sizeof err, ba, sizeof ba), 0);
	ck_assert_str_eq(a.opt[MODCMD_O_ACTOR], "mia");
	ck_assert_int_eq(a.since, 1796148000);
	ck_assert_int_eq(a.limit, 5);
	ck_assert_int_eq(chat("LOG kim", &b, err, sizeof err, bb, sizeof bb),
	    0);
	ck_assert_str_eq(b.opt[MODCMD_O_TARGET], "kim");
}
END_TEST

typedef int parse_fn(const char *, struct modcmd_call *, char *, size_t,
    char *, size_t);

/* LINE is refused by PARSE with RC and an error containing WANT. */
static void
refused(parse_fn *parse, const char *line, int rc, const char *want)
{
	struct modcmd_call	mc;
	char			buf[256], err[256];

	ck_assert_msg(parse(line, &mc, err, sizeof err, buf, sizeof buf) ==
	    rc, "%s: got \"%s\"", line, err);
	ck_assert_msg(strstr(err, want) != NULL, "%s: \"%s\" lacks \"%s\"",
	    line, err, want);
}

#define refused_words(l, rc, w)	refused(words, l, rc, w)
#define refused_chat(l, rc, w)	refused(chat, l, rc, w)

START_TEST(refused_with_a_clear_message)
{
	const struct modcmd	*fu = modcmd_find("reject", MODCMD_F_FOLLOWUP);
	struct modcmd_call	 mc;
	char			 buf[64], err[256];

	/* Wrong arity: the usage line. */
	refused_words("approve", MODCMD_EUSAGE,
	    "Usage: approve ID [reason=TEXT]");
	refused_words("hide article", MODCMD_EUSAGE, "Usage: hide");
	refused_words("warn alice a b", MODCMD_EUSAGE, "Usage: warn ACCOUNT "
	    "TEXT");
	refused_words("approve 1 reason=a reason=b x=y", MODCMD_EUSAGE,
	    "Usage:");
	refused_chat("APPROVE", MODCMD_EUSAGE, "Usage: APPROVE <n> [reason]");
	refused_chat("WARN kim", MODCMD_EUSAGE, "Usage: WARN <account> "
	    "<text>");
	refused_chat("UNMUTE kim #room extra words", MODCMD_EUSAGE,
	    "Usage: UNMUTE <account|mask> [#room|group]");
	refused_chat("SHOW 4 5", MODCMD_EUSAGE, "Usage: SHOW <n>");
	/* Unknown or repeated options. */
	refused_words("approve 1 colour=red", MODCMD_EINVAL,
	    "Unexpected argument \"colour=red\"");
	refused_words("unban troll duration=1h", MODCMD_EINVAL,
	    "Unexpected argument");
	refused_words("ban t reason=a reason=b", MODCMD_EINVAL,
	    "reason given twice");
	/* Bad values. */
	refused_words("ban troll duration=7y", MODCMD_EINVAL,
	    "duration must look like 30m, 12h, 7d or 2w");
	refused_words("mute troll duration=0", MODCMD_EINVAL, "duration");
	refused_words("show twelve", MODCMD_EINVAL,
	    "Queue entry id must be a number");
	refused_words("approve -3", MODCMD_EINVAL, "must be a number");
	refused_chat("SHOW x", MODCMD_EINVAL, "must be a number");
	refused_words("hide post <a@b>", MODCMD_EINVAL,
	    "Item type is article or chat");
	refused_words("ban troll scope=room", MODCMD_EINVAL,
	    "Scope is * (everywhere), a #room or a group");
	refused_words("queue limit=0", MODCMD_EINVAL, "limit must be");
	refused_words("log since=yesterday", MODCMD_EINVAL,
	    "since/until must look like");
	refused_words("ban a%20b", MODCMD_EINVAL, "nick!user@host mask");
	/* A rejection needs a reason, wherever it comes from. */
	refused_words("reject 12", MODCMD_EINVAL, "reject needs a reason");
	refused_words("reject 12 reason=", MODCMD_EINVAL, "needs a reason");
	refused_chat("REJECT 12", MODCMD_EINVAL, "needs a reason: REJECT <n> "
	    "<reason>");
	snprintf(buf, sizeof buf, "   ");
	ck_assert_int_eq(modcmd_parse_text(fu, buf, 12, MODCMD_S_FOLLOWUP,
	    &mc, err, sizeof err), MODCMD_EINVAL);
	ck_assert_str_eq(err, "reject needs a reason: reject <reason>");
}
END_TEST

START_TEST(durations_and_times)
{
	ck_assert_int_eq(modcmd_parse_duration("90"), 90);
	ck_assert_int_eq(modcmd_parse_duration("30m"), 1800);
	ck_assert_int_eq(modcmd_parse_duration("12h"), 43200);
	ck_assert_int_eq(modcmd_parse_duration("2w"), 14 * 86400);
	ck_assert_int_eq(modcmd_parse_duration("1hh"), -1);
	ck_assert_int_eq(modcmd_parse_duration("-1d"), -1);
	ck_assert_int_eq(modcmd_parse_duration("99999d"), -1);
	ck_assert_int_eq(modcmd_parse_duration(""), -1);
	ck_assert_int_eq(modcmd_parse_time("2026-12-01T18:00Z"), 1796148000);
	ck_assert_int_eq(modcmd_parse_time("2026-12-01T19:00+01:00"),
	    1796148000);
	ck_assert_int_eq(modcmd_parse_time("2026-12-01 18:00"), 1796148000);
	ck_assert_int_eq(modcmd_parse_time("2026-13-01T18:00Z"), -1);
	ck_assert_int_eq(modcmd_parse_time("tomorrow"), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("modcmd");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, every_row_parses_its_examples);
	tcase_add_test(tc, one_row_per_name_and_front);
	tcase_add_test(tc, usage_in_every_style);
	tcase_add_test(tc, typed_fields_the_same_from_every_front);
	tcase_add_test(tc, refused_with_a_clear_message);
	tcase_add_test(tc, durations_and_times);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
