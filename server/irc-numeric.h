/*
 * irc-numeric.h -- IRC numeric replies in one place (RFC 2812 §5 and the
 * Modern IRC client documentation).  Each text is a printf format that
 * follows ":<server> <numeric> <nick> ".
 */
#ifndef HEARTH_IRC_NUMERIC_H
#define HEARTH_IRC_NUMERIC_H

#define RPL_WELCOME		"001"
#define RPL_YOURHOST		"002"
#define RPL_CREATED		"003"
#define RPL_MYINFO		"004"
#define RPL_ISUPPORT		"005"
#define ERR_UNKNOWNCOMMAND	"421"
#define ERR_NONICKNAMEGIVEN	"431"
#define ERR_ERRONEUSNICKNAME	"432"
#define ERR_NICKNAMEINUSE	"433"
#define ERR_NOTREGISTERED	"451"
#define ERR_NEEDMOREPARAMS	"461"
#define ERR_ALREADYREGISTERED	"462"
#define ERR_INPUTTOOLONG	"417"
#define ERR_NOORIGIN		"409"

#endif
