/*
 * modcmd.h -- the moderation commands: one table for every front end.
 *
 * Each row is one command of the moderators' vocabulary: its action,
 * its name, its positional arguments and options with their types, the
 * least role that may run it, a line of help and a documented example.
 * Four front ends speak it, each in its own wire syntax:
 *
 *	admin socket, hearthmod	"reject 12 reason=TEXT" (percent-encoded
 *				words, options as key=value); hearthmod
 *				writes the options as --reason TEXT
 *	Helper (IRC)		"REJECT 12 TEXT": options by position
 *				(#room, a duration, the rest is the reason)
 *	hearth.queue follow-ups	"reject TEXT" as the first line, the entry
 *				being the article followed up
 *
 * The parsers here turn any of them into one validated struct
 * modcmd_call (an action and typed fields, no strings to compare);
 * modq_exec() (modexec.h) performs it.  Pure: no server state, so
 * hearthmod links this file for its usage text and argument checks.
 */
#ifndef HEARTH_MODCMD_H
#define HEARTH_MODCMD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum modcmd_action {
	MODCMD_QUEUE,		/* the open queue, most urgent first */
	MODCMD_SHOW,		/* one entry with everything about it */
	MODCMD_APPROVE,		/* decide on an entry ... */
	MODCMD_REJECT,
	MODCMD_DISMISS,
	MODCMD_DECIDE_HIDE,	/* ... hiding its item */
	MODCMD_HIDE,		/* hide or show an item directly */
	MODCMD_UNHIDE,
	MODCMD_BAN,		/* sanctions and their lifting */
	MODCMD_UNBAN,
	MODCMD_MUTE,
	MODCMD_UNMUTE,
	MODCMD_SANCTIONS,	/* the active ones */
	MODCMD_WARN,		/* a private word to a member, logged */
	MODCMD_NOTE,		/* a note only moderators see */
	MODCMD_NOTES,
	MODCMD_LOG,		/* the audit log */
	MODCMD_NACTIONS
};

/* Types of positional arguments. */
enum modcmd_arg {
	MODCMD_A_ENTRY,		/* queue entry id, a positive number */
	MODCMD_A_ITEM_TYPE,	/* article or chat */
	MODCMD_A_ITEM_REF,	/* <message-id> or a chat msgid */
	MODCMD_A_TARGET,	/* account name or nick!user@host mask */
	MODCMD_A_ACCOUNT,	/* account name */
	MODCMD_A_TEXT		/* free text (the rest of a chat line) */
};

/* Options, each with one type (see modcmd.c). */
enum modcmd_opt {
	MODCMD_O_SCOPE,		/* "*" or a #room */
	MODCMD_O_DURATION,	/* 30m, 12h, 7d, 2w or seconds */
	MODCMD_O_REASON,	/* free text */
	MODCMD_O_ACTOR,		/* log filters ... */
	MODCMD_O_TARGET,
	MODCMD_O_ACTION,
	MODCMD_O_SINCE,		/* times like 2026-12-01T18:00Z */
	MODCMD_O_UNTIL,
	MODCMD_O_LIMIT,		/* 1 to 10000 */
	MODCMD_NOPTS
};

/* Front ends (bits of struct modcmd's fronts). */
#define MODCMD_F_ADMIN		0x1	/* admin socket and hearthmod */
#define MODCMD_F_CHAT		0x2	/* the Helper service */
#define MODCMD_F_FOLLOWUP	0x4	/* hearth.queue follow-ups */

enum modcmd_role {
	MODCMD_ROLE_MODERATOR = 1,	/* moderators and admins */
	MODCMD_ROLE_ADMIN
};

#define MODCMD_MAX_ARGS	2

struct modcmd {
	enum modcmd_action	 action;
	const char		*name;
	unsigned int		 fronts;	/* MODCMD_F_* */
	int			 nargs;		/* all required */
	enum modcmd_arg		 args[MODCMD_MAX_ARGS];
	unsigned int		 opts;		/* bit per MODCMD_O_* */
	unsigned int		 required;	/* of opts, the needed ones */
	enum modcmd_role	 role;
	const char		*help;
	/* Documented examples: admin words (after the name), chat text. */
	const char		*example_words;
	const char		*example_text;
};

/*
 * A validated command.  The strings point into the words or the line
 * that was parsed; they live as long as those.  Absent options are NULL
 * (an empty reason counts as absent), DURATION and LIMIT 0, SINCE and
 * UNTIL 0.
 */
struct modcmd_call {
	const struct modcmd	*cmd;
	enum modcmd_action	 action;
	int64_t			 id;
	const char		*item_type;
	const char		*item_ref;
	const char		*target;	/* TARGET or ACCOUNT */
	const char		*text;
	const char		*opt[MODCMD_NOPTS];
	int			 duration;	/* seconds */
	int			 limit;
	time_t			 since, until;
};

/* What went wrong (the message says it for people). */
enum modcmd_err {
	MODCMD_OK = 0,
	MODCMD_EUSAGE = -1,	/* wrong arity or stray words */
	MODCMD_EINVAL = -2	/* an unknown option or a bad value */
};

/* How a usage line is written. */
enum modcmd_style {
	MODCMD_S_WORDS,		/* approve ID [reason=TEXT] */
	MODCMD_S_CLI,		/* approve ID [--reason TEXT] */
	MODCMD_S_CHAT,		/* APPROVE <n> [reason] */
	MODCMD_S_FOLLOWUP	/* approve [reason] */
};

extern const struct modcmd	modcmd_table[];
extern const size_t		modcmd_count;

/* The row called NAME (any case) that FRONT speaks, or NULL. */
const struct modcmd *modcmd_find(const char *name, unsigned int front);
/* "reason", "scope", ...: the option's key (admin) or flag (hearthmod). */
const char *modcmd_opt_name(enum modcmd_opt);
/* The usage line of CMD in STYLE, e.g. "ban ACCOUNT|MASK [scope=#ROOM]". */
void	 modcmd_usage(const struct modcmd *, enum modcmd_style, char *,
	    size_t);
/* The FRONT rows as "approve, reject <reason>, dismiss or hide". */
void	 modcmd_list(unsigned int front, char *, size_t);

/*
 * Admin words: ARGV holds the ARGC words after the name (positional
 * arguments, then key=value options).  0, or MODCMD_EUSAGE/EINVAL with
 * ERR saying why; usage lines in ERR are written in STYLE (WORDS for
 * the admin socket, CLI for hearthmod).
 */
int	 modcmd_parse_words(const struct modcmd *, int argc, char **argv,
	    enum modcmd_style, struct modcmd_call *, char *err,
	    size_t errlen);
/*
 * Chat text: LINE is what follows the command name (changed in place).
 * Positional words first (an item type is known from the reference:
 * "<...>" is an article, else chat; free text takes the rest), then a
 * #room for the scope, a duration, a log target and the rest as the
 * reason, each where the row takes it.  ENTRY, when positive, is the
 * queue entry already known (a follow-up); STYLE is MODCMD_S_CHAT or
 * MODCMD_S_FOLLOWUP for the usage in ERR.
 */
int	 modcmd_parse_text(const struct modcmd *, char *line, int64_t entry,
	    enum modcmd_style, struct modcmd_call *, char *err,
	    size_t errlen);

/* "1d", "12h", "30m", "90s", "2w" or a number of seconds; -1 if bad. */
int	 modcmd_parse_duration(const char *);
/*
 * "2026-12-01T18:00Z", "2026-12-01T18:00:00+01:00", "2026-12-01 18:00"
 * (UTC when no zone is given).  (time_t)-1 when malformed.
 */
time_t	 modcmd_parse_time(const char *);

#endif
