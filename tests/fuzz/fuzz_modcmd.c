/*
 * fuzz_modcmd.c -- server/parse/modcmd.c, the moderation command parsers.
 *
 * The first byte picks a row of the table, the second how the rest is
 * read: as admin words (admin_split, then modcmd_parse_words), as Helper
 * text or as a follow-up's first line (modcmd_parse_text).  Checked: the
 * result is OK, EUSAGE ("Usage: ..." in the error) or EINVAL with a
 * message; an accepted call has the row's action, every argument of its
 * type, only options the row takes, the needed ones present, values in
 * range; the call written back as admin words parses to the same call.
 * Usage lines cut to any buffer size are prefixes of the whole line.
 */
#include <string.h>

#include "admin-protocol.h"
#include "fuzz.h"
#include "modcmd.h"

/* The accepted call MC is well-formed for its row CMD. */
static void
check_call(const struct modcmd *cmd, const struct modcmd_call *mc)
{
	int	k, o;

	FUZZ_CHECK(mc->cmd == cmd && mc->action == cmd->action);
	for (k = 0; k < cmd->nargs; k++) {
		switch (cmd->args[k]) {
		case MODCMD_A_ENTRY:
			FUZZ_CHECK(mc->id > 0);
			break;
		case MODCMD_A_ITEM_TYPE:
		case MODCMD_A_ITEM_REF:
			FUZZ_CHECK(strcmp(mc->item_type, "article") == 0 ||
			    strcmp(mc->item_type, "chat") == 0);
			FUZZ_CHECK(mc->item_ref[0] != '\0');
			break;
		case MODCMD_A_TARGET:
		case MODCMD_A_ACCOUNT:
			FUZZ_CHECK(mc->target[0] != '\0' &&
			    strpbrk(mc->target, " \r\n") == NULL);
			break;
		case MODCMD_A_TEXT:
			FUZZ_CHECK(mc->text[0] != '\0');
			break;
		}
	}
	for (o = 0; o < MODCMD_NOPTS; o++) {
		if (cmd->required & (1u << o))
			FUZZ_CHECK(mc->opt[o] != NULL);
		if (mc->opt[o] == NULL)
			continue;
		FUZZ_CHECK(cmd->opts & (1u << o));
	}
	if (mc->opt[MODCMD_O_REASON] != NULL)
		FUZZ_CHECK(mc->opt[MODCMD_O_REASON][0] != '\0');
	if (mc->opt[MODCMD_O_DURATION] != NULL)
		FUZZ_CHECK(mc->duration > 0 && mc->duration ==
		    modcmd_parse_duration(mc->opt[MODCMD_O_DURATION]));
	else
		FUZZ_CHECK(mc->duration == 0);
	if (mc->opt[MODCMD_O_SCOPE] != NULL)
		FUZZ_CHECK(strcmp(mc->opt[MODCMD_O_SCOPE], "*") == 0 ||
		    mc->opt[MODCMD_O_SCOPE][0] == '#');
	FUZZ_CHECK(mc->limit >= 0 && mc->limit <= 10000);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

/* MC written back as admin words parses to the same call. */
static void
round_trip(const struct modcmd *cmd, const struct modcmd_call *mc)
{
	struct modcmd_call	 again;
	char			*w[MODCMD_MAX_ARGS + MODCMD_NOPTS];
	char			 err[300];
	int			 n = 0, k, o;

	for (k = 0; k < cmd->nargs; k++) {
		switch (cmd->args[k]) {
		case MODCMD_A_ENTRY:
			w[n] = malloc(24);
			snprintf(w[n], 24, "%lld", (long long)mc->id);
			break;
		case MODCMD_A_ITEM_TYPE:
			w[n] = strdup(mc->item_type);
			break;
		case MODCMD_A_ITEM_REF:
			w[n] = strdup(mc->item_ref);
			break;
		case MODCMD_A_TEXT:
			w[n] = strdup(mc->text);
			break;
		default:
			w[n] = strdup(mc->target);
			break;
		}
		n++;
	}
	for (o = 0; o < MODCMD_NOPTS; o++) {
		if (mc->opt[o] == NULL)
			continue;
		w[n] = malloc(strlen(modcmd_opt_name(o)) + strlen(mc->opt[o]) +
		    2);
		sprintf(w[n++], "%s=%s", modcmd_opt_name(o), mc->opt[o]);
	}
	FUZZ_CHECK(modcmd_parse_words(cmd, n, w, MODCMD_S_WORDS, &again, err,
	    sizeof err) == MODCMD_OK);
	FUZZ_CHECK(again.id == mc->id && again.duration == mc->duration &&
	    again.limit == mc->limit && again.since == mc->since &&
	    again.until == mc->until);
	FUZZ_CHECK(same_str(again.item_type, mc->item_type) &&
	    same_str(again.item_ref, mc->item_ref) &&
	    same_str(again.target, mc->target) &&
	    same_str(again.text, mc->text));
	for (o = 0; o < MODCMD_NOPTS; o++)
		FUZZ_CHECK(same_str(again.opt[o], mc->opt[o]));
	for (k = 0; k < n; k++)
		free(w[k]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct modcmd	*cmd;
	struct modcmd_call	 mc;
	char			*line, *w[ADMIN_MAX_WORDS], err[300];
	char			 full[300], cut[300];
	size_t			 i;
	int			 mode, n, rc;

	if (size < 2)
		return 0;
	cmd = &modcmd_table[data[0] % modcmd_count];
	mode = data[1] % 3;
	if ((line = malloc(size - 1)) == NULL)
		abort();
	memcpy(line, data + 2, size - 2);
	line[size - 2] = '\0';
	err[0] = '\0';
	if (mode == 0) {
		if ((n = admin_split(line, w, ADMIN_MAX_WORDS)) < 0) {
			free(line);
			return 0;
		}
		rc = modcmd_parse_words(cmd, n, w, MODCMD_S_WORDS, &mc, err,
		    sizeof err);
	} else
		rc = modcmd_parse_text(cmd, line, mode == 2 ? 7 : 0, mode ==
		    2 ? MODCMD_S_FOLLOWUP : MODCMD_S_CHAT, &mc, err,
		    sizeof err);
	FUZZ_CHECK(rc == MODCMD_OK || rc == MODCMD_EUSAGE ||
	    rc == MODCMD_EINVAL);
	if (rc == MODCMD_EUSAGE)
		FUZZ_CHECK(strncmp(err, "Usage: ", 7) == 0);
	else if (rc == MODCMD_EINVAL)
		FUZZ_CHECK(err[0] != '\0');
	else {
		check_call(cmd, &mc);
		if (mode != 0 && mc.item_ref != NULL)
			FUZZ_CHECK(strcmp(mc.item_type, mc.item_ref[0] ==
			    '<' ? "article" : "chat") == 0);
		if (mode == 2 && cmd->nargs > 0 &&
		    cmd->args[0] == MODCMD_A_ENTRY)
			FUZZ_CHECK(mc.id == 7);
		round_trip(cmd, &mc);
	}
	/* A usage line cut short is a prefix of the whole one. */
	modcmd_usage(cmd, (enum modcmd_style)(data[1] % 4), full,
	    sizeof full);
	i = (size_t)data[1] % (strlen(full) + 2);
	modcmd_usage(cmd, (enum modcmd_style)(data[1] % 4), cut, i);
	if (i > 0)
		FUZZ_CHECK(strlen(cut) < i && strncmp(cut, full,
		    strlen(cut)) == 0);
	free(line);
	return 0;
}
