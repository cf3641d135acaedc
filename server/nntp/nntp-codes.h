/*
 * nntp-codes.h -- NNTP response texts in one place (RFC 3977 §3.2 and
 * the extensions: RFC 4642, 4643, 4644, 6048, 8054).
 *
 * Texts with a reason are written for people: newsreaders show the text
 * after the code to the user as it is.
 */
#ifndef HEARTH_NNTP_CODES_H
#define HEARTH_NNTP_CODES_H

#include "i18n.h"	/* N_(): texts said in the reader's language */

#define NNTP_100_HELP		"100 Help text follows"
#define NNTP_101_CAPS		"101 Capability list:"
#define NNTP_111_DATE		"111 %s"
#define NNTP_200_READY		N_("200 %s Hearth NNTP service ready, posting allowed")
#define NNTP_200_READER		N_("200 Reader mode, posting allowed")
#define NNTP_203_STREAM		"203 Streaming permitted"
#define NNTP_205_BYE		N_("205 Bye, take care")
#define NNTP_206_COMPRESS	"206 Compression active"
#define NNTP_211_GROUP		"211 %lld %lld %lld %s"
#define NNTP_211_LISTGROUP	"211 %lld %lld %lld %s list follows"
#define NNTP_215_LIST		"215 Information follows"
#define NNTP_215_OVERFMT	"215 Order of fields in overview database"
#define NNTP_215_HEADERS	"215 Headers and metadata items supported"
#define NNTP_215_ACTIVE		"215 List of newsgroups follows"
#define NNTP_215_DESCS		"215 Descriptions follow"
#define NNTP_215_MOTD		"215 Message of the day follows"
#define NNTP_220_ARTICLE	"220 %lld %s Article follows"
#define NNTP_221_HEAD		"221 %lld %s Headers follow"
#define NNTP_221_XHDR		"221 Header follows"
#define NNTP_222_BODY		"222 %lld %s Body follows"
#define NNTP_223_STAT		"223 %lld %s Article exists"
#define NNTP_224_OVER		"224 Overview information follows"
#define NNTP_225_HDR		"225 Headers follow"
#define NNTP_230_NEWNEWS	"230 List of new articles follows"
#define NNTP_231_NEWGROUPS	"231 List of new newsgroups follows"
#define NNTP_235_IHAVE_OK	"235 Article transferred OK"
#define NNTP_238_CHECK		"238 %s Send it"
#define NNTP_239_TAKETHIS	"239 %s Article transferred OK"
#define NNTP_240_POSTED		N_("240 Article received OK %s")
#define NNTP_281_AUTH_OK	N_("281 Authentication accepted, welcome %s")
#define NNTP_283_AUTH_OK	"283 %s"	/* with success data, base64 */
#define NNTP_335_IHAVE		"335 Send it; end with <CR-LF>.<CR-LF>"
#define NNTP_340_POST		"340 Send article, end with a dot line; suggested Message-ID %s"
#define NNTP_381_PASS		"381 Password required"
#define NNTP_382_TLS		"382 Continue with TLS negotiation"
#define NNTP_383_SASL		"383 ="
#define NNTP_400_SHUTDOWN	N_("400 Service shutting down, please reconnect later")
#define NNTP_400_IDLE		N_("400 Idle timeout, closing connection")
#define NNTP_400_REFUSED	"400 %s"
#define NNTP_400_STORAGE	N_("400 Storage failure, try again later; closing connection")
#define NNTP_400_AUTHFAIL	N_("400 Too many failed logins, closing connection")
#define NNTP_403_FAULT		N_("403 Internal fault, please try again later")
#define NNTP_403_BUSY		N_("403 Too many sign-ins in progress: try again in a moment")
#define NNTP_411_NOGROUP	N_("411 No such newsgroup")
#define NNTP_412_NOTINGROUP	N_("412 No newsgroup selected")
#define NNTP_420_NOCURRENT	N_("420 Current article number is invalid")
#define NNTP_421_NONEXT		N_("421 No next article in this group")
#define NNTP_422_NOPREV		N_("422 No previous article in this group")
#define NNTP_423_NONUM		N_("423 No article with that number")
#define NNTP_423_NORANGE	N_("423 No articles in that range")
#define NNTP_430_NOMSGID	N_("430 No article with that message-id")
#define NNTP_431_LATER		N_("431 %s Try again later")
#define NNTP_435_UNWANTED	N_("435 Article not wanted")
#define NNTP_436_LATER		N_("436 Transfer not possible, try again later")
#define NNTP_437_REJECTED	N_("437 Article rejected: %s")
#define NNTP_438_UNWANTED	N_("438 %s Article not wanted")
#define NNTP_439_REJECTED	N_("439 %s Article rejected")
#define NNTP_440_NOPOST		N_("440 Posting not permitted for this account")
#define NNTP_441_FAILED		N_("441 Posting failed: %s")
#define NNTP_480_AUTH		N_("480 Authentication required: log in with AUTHINFO")
#define NNTP_481_AUTHFAIL	N_("481 Authentication failed: wrong name or password")
#define NNTP_481_CANCELLED	N_("481 Authentication cancelled")
#define NNTP_481_THROTTLED	N_("481 Too many failed sign-ins: try again in a few minutes")
#define NNTP_481_OLDPASS	N_("481 That is not your current password")
/* A ban in words (sanction_describe): "banned until ...: reason". */
#define NNTP_481_BANNED		N_("481 Account %s")
#define NNTP_502_BANNED		N_("502 Account %s")
/* XPASSWD, a private extension (RFC 3977 §3.2: x9x codes are private). */
#define NNTP_290_PASSWD		N_("290 Password changed for %s")
#define NNTP_591_PASSWD		N_("591 Password refused: %s")
#define NNTP_482_SEQUENCE	N_("482 Authentication commands issued out of sequence")
#define NNTP_483_TLS		N_("483 Encryption required: use STARTTLS or the NNTPS port first")
#define NNTP_500_UNKNOWN	N_("500 Unknown command")
#define NNTP_501_SYNTAX		N_("501 Syntax error")
#define NNTP_501_TOO_LONG	N_("501 Command line too long")
#define NNTP_501_KEYWORD	N_("501 Unknown keyword")
#define NNTP_501_MSGID		N_("501 Invalid message-id")
#define NNTP_501_RANGE		N_("501 Invalid range")
#define NNTP_501_DATE		N_("501 Invalid date or time")
#define NNTP_501_WILDMAT	N_("501 Invalid wildmat")
#define NNTP_503_MECH		N_("503 Unknown SASL mechanism (PLAIN or SCRAM-SHA-256)")
#define NNTP_502_RATE		N_("502 Slow down: too many commands")
#define NNTP_502_DENIED		N_("502 Permission denied")
#define NNTP_502_AUTHED		N_("502 Already authenticated")
#define NNTP_502_TLS_ACTIVE	N_("502 TLS is already active")
#define NNTP_502_TLS_AUTHED	N_("502 STARTTLS is not allowed after authentication")
#define NNTP_502_PEERS		N_("502 Transit commands are for configured peers only")
#define NNTP_502_COMPRESSED	N_("502 Compression is already active")
#define NNTP_503_NOTSUPP	N_("503 Not supported")
#define NNTP_503_ALGORITHM	N_("503 Unknown compression algorithm (only DEFLATE)")
#define NNTP_502_USER_COMPRESSED N_("502 AUTHINFO USER is not allowed after COMPRESS")
#define NNTP_504_BASE64		N_("504 Invalid base64 data")

#endif
