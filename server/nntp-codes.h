/*
 * nntp-codes.h -- NNTP response texts in one place (RFC 3977 §3.2).
 */
#ifndef HEARTH_NNTP_CODES_H
#define HEARTH_NNTP_CODES_H

#define NNTP_200_READY		"200 %s Hearth NNTP service ready, posting allowed"
#define NNTP_205_BYE		"205 Bye, take care"
#define NNTP_400_SHUTDOWN	"400 Service shutting down, please reconnect later"
#define NNTP_400_IDLE		"400 Idle timeout, closing connection"
#define NNTP_400_REFUSED	"400 %s"
#define NNTP_500_UNKNOWN	"500 Unknown command"
#define NNTP_500_TOO_LONG	"500 Command line too long"
#define NNTP_501_SYNTAX		"501 Syntax error"
#define NNTP_502_RATE		"502 Slow down: too many commands"

#endif
