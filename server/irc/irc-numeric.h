/*
 * irc-numeric.h -- IRC numeric replies in one place (RFC 2812 section 5,
 * the Modern IRC client documentation at modern.ircdocs.horse, and the
 * IRCv3 SASL and MONITOR specifications).
 *
 * Each name expands to two arguments: the three-digit code and a printf
 * format for what follows ":<server> <code> <nick> ", so a reply reads
 *	irc_numeric(cl, ERR_NOSUCHNICK, target);
 * and the compiler checks the arguments against the text.
 */
#ifndef HEARTH_IRC_NUMERIC_H
#define HEARTH_IRC_NUMERIC_H

#include "i18n.h"	/* N_(): the texts are translated (irc_numeric) */

/* Registration (Modern IRC "Connection Registration"). */
#define RPL_WELCOME		"001", N_(":Welcome to the %s IRC Network, %s")
#define RPL_YOURHOST		"002", N_(":Your host is %s, running version %s")
#define RPL_CREATED		"003", N_(":This server was created %s")
#define RPL_MYINFO		"004", "%s %s %s %s %s"
#define RPL_ISUPPORT		"005", N_("%s :are supported by this server")

/* User modes and queries. */
#define RPL_UMODEIS		"221", "%s"
#define RPL_LUSERCLIENT		"251", \
	N_(":There are %u users and %u invisible on 1 servers")
#define RPL_LUSEROP		"252", N_("%u :operator(s) online")
#define RPL_LUSERUNKNOWN	"253", N_("%u :unknown connection(s)")
#define RPL_LUSERCHANNELS	"254", N_("%zu :channels formed")
#define RPL_LUSERME		"255", N_(":I have %u clients and 0 servers")
#define RPL_ADMINME		"256", N_("%s :Administrative info")
#define RPL_ADMINLOC1		"257", ":%s"
#define RPL_ADMINLOC2		"258", ":%s"
#define RPL_ADMINEMAIL		"259", ":%s"
#define RPL_LOCALUSERS		"265", N_("%u %u :Current local users %u, max %u")
#define RPL_GLOBALUSERS		"266", N_("%u %u :Current global users %u, max %u")
#define RPL_AWAY		"301", "%s :%s"
#define RPL_USERHOST		"302", ":%s"
#define RPL_ISON		"303", ":%s"
#define RPL_UNAWAY		"305", N_(":You are no longer marked as being away")
#define RPL_NOWAWAY		"306", N_(":You have been marked as being away")
#define RPL_WHOISUSER		"311", "%s %s %s * :%s"
#define RPL_WHOISSERVER		"312", "%s %s :%s"
#define RPL_WHOISOPERATOR	"313", N_("%s :is an IRC operator")
#define RPL_WHOWASUSER		"314", "%s %s %s * :%s"
#define RPL_ENDOFWHO		"315", N_("%s :End of WHO list")
#define RPL_WHOISIDLE		"317", N_("%s %lld %lld :seconds idle, signon time")
#define RPL_ENDOFWHOIS		"318", N_("%s :End of /WHOIS list")
#define RPL_WHOISCHANNELS	"319", "%s :%s"
#define RPL_WHOISSPECIAL	"320", "%s :%s"
#define RPL_LISTSTART		"321", N_("Channel :Users  Name")
#define RPL_LIST		"322", "%s %zu :%s"
#define RPL_LISTEND		"323", N_(":End of /LIST")
#define RPL_CHANNELMODEIS	"324", "%s %s"
#define RPL_CREATIONTIME	"329", "%s %lld"
#define RPL_WHOISACCOUNT	"330", N_("%s %s :is logged in as")
#define RPL_WHOISBOT		"335", N_("%s :is a bot")
#define RPL_NOTOPIC		"331", N_("%s :No topic is set")
#define RPL_TOPIC		"332", "%s :%s"
#define RPL_TOPICWHOTIME	"333", "%s %s %lld"
#define RPL_INVITELIST		"336", "%s"
#define RPL_ENDOFINVITELIST	"337", N_(":End of /INVITE list")
#define RPL_INVITING		"341", "%s %s"
#define RPL_INVEXLIST		"346", "%s %s %s %lld"
#define RPL_ENDOFINVEXLIST	"347", N_("%s :End of channel invite list")
#define RPL_EXCEPTLIST		"348", "%s %s %s %lld"
#define RPL_ENDOFEXCEPTLIST	"349", N_("%s :End of channel exception list")
#define RPL_VERSION		"351", "%s %s :%s"
#define RPL_WHOREPLY		"352", "%s %s %s %s %s %s :0 %s"
#define RPL_WHOSPCRPL		"354", "%s"
#define RPL_NAMREPLY		"353", "%c %s :%s"
#define RPL_ENDOFNAMES		"366", N_("%s :End of /NAMES list")
#define RPL_BANLIST		"367", "%s %s %s %lld"
#define RPL_ENDOFBANLIST	"368", N_("%s :End of channel ban list")
#define RPL_ENDOFWHOWAS		"369", N_("%s :End of WHOWAS")
#define RPL_INFO		"371", ":%s"
#define RPL_MOTD		"372", ":- %s"
#define RPL_ENDOFINFO		"374", N_(":End of INFO list")
#define RPL_MOTDSTART		"375", N_(":- %s Message of the day - ")
#define RPL_ENDOFMOTD		"376", N_(":End of /MOTD command.")
#define RPL_ENDOFLINKS		"365", N_("%s :End of /LINKS list")
#define RPL_YOUREOPER		"381", N_(":You are now an IRC operator")
#define RPL_TIME		"391", "%s %lld :%s"
#define RPL_VISIBLEHOST		"396", N_("%s :is now your displayed host")

/* Errors. */
#define ERR_NOSUCHNICK		"401", N_("%s :No such nick/channel")
#define ERR_NOSUCHSERVER	"402", N_("%s :No such server")
#define ERR_NOSUCHCHANNEL	"403", N_("%s :No such channel")
#define ERR_CANNOTSENDTOCHAN	"404", N_("%s :Cannot send to channel (%s)")
#define ERR_TOOMANYCHANNELS	"405", N_("%s :You have joined too many channels")
#define ERR_WASNOSUCHNICK	"406", N_("%s :There was no such nickname")
#define ERR_TOOMANYTARGETS	"407", N_("%s :Too many targets")
#define ERR_NOORIGIN		"409", N_(":No origin specified")
#define ERR_INVALIDCAPCMD	"410", N_("%s :Invalid CAP command")
#define ERR_NORECIPIENT		"411", N_(":No recipient given (%s)")
#define ERR_NOTEXTTOSEND	"412", N_(":No text to send")
#define ERR_UNKNOWNERROR	"400", "%s :%s"
#define ERR_INPUTTOOLONG	"417", N_(":Input line was too long")
#define ERR_UNKNOWNCOMMAND	"421", N_("%s :Unknown command")
#define ERR_NOMOTD		"422", N_(":MOTD File is missing")
#define ERR_NONICKNAMEGIVEN	"431", N_(":No nickname given")
#define ERR_ERRONEUSNICKNAME	"432", N_("%s :Erroneous nickname")
/* 432 with the reason (names_why_text(), translated by irc_numeric). */
#define ERR_ERRONEUSNICKNAME_WHY "432", "%s :%s"
#define ERR_NICKNAMEINUSE	"433", N_("%s :Nickname is already in use")
#define ERR_NICKRESERVED	"433", N_("%s :Nickname is reserved by an account")
#define ERR_USERNOTINCHANNEL	"441", N_("%s %s :They aren't on that channel")
#define ERR_NOTONCHANNEL	"442", N_("%s :You're not on that channel")
#define ERR_USERONCHANNEL	"443", N_("%s %s :is already on channel")
#define ERR_NOTREGISTERED	"451", N_(":You have not registered")
#define ERR_NEEDMOREPARAMS	"461", N_("%s :Not enough parameters")
#define ERR_ALREADYREGISTERED	"462", N_(":You may not reregister")
#define ERR_PASSWDMISMATCH	"464", N_(":Password incorrect")
#define ERR_KEYSET		"467", N_("%s :Channel key already set")
#define ERR_CHANNELISFULL	"471", N_("%s :Cannot join channel (+l)")
#define ERR_UNKNOWNMODE		"472", N_("%c :is unknown mode char to me")
#define ERR_INVITEONLYCHAN	"473", N_("%s :Cannot join channel (+i)")
#define ERR_BANNEDFROMCHAN	"474", N_("%s :Cannot join channel (+b)")
#define ERR_BADCHANNELKEY	"475", N_("%s :Cannot join channel (+k)")
#define ERR_BADCHANMASK		"476", N_("%s :Bad Channel Mask")
#define ERR_NEEDREGGEDNICK	"477", N_("%s :You need to be logged in to an " \
	"account to join this channel (+R)")
#define ERR_BANLISTFULL		"478", N_("%s %c :Channel list is full")
#define ERR_NOPRIVILEGES	"481", N_(":Permission Denied- You're not an " \
	"IRC operator")
#define ERR_CHANOPRIVSNEEDED	"482", N_("%s :You're not channel operator")
#define ERR_CANTKILLSERVER	"483", N_(":You can't kill a server!")
#define ERR_NOOPERHOST		"491", N_(":No O-lines for your host")
#define ERR_UMODEUNKNOWNFLAG	"501", N_(":Unknown MODE flag")
#define ERR_USERSDONTMATCH	"502", N_(":Cant change mode for other users")
#define ERR_HELPNOTFOUND	"524", N_("%s :No help available on this topic")
#define ERR_INVALIDKEY		"525", N_("%s :Key is not well-formed")
#define ERR_INVALIDMODEPARAM	"696", "%s %c %s :%s"

/* HELP (Modern IRC, HELP message). */
#define RPL_HELPSTART		"704", "%s :%s"
#define RPL_HELPTXT		"705", "%s :%s"
#define RPL_ENDOFHELP		"706", "%s :%s"

/* WHOIS extras. */
/* IRCv3 language negotiation (draft/languages, as Ergo offers it). */
#define RPL_YOURLANGUAGESARE	"687", N_("%s :Language preferences have " \
	"been set.")
#define ERR_TOOMANYLANGUAGES	"981", N_("%d :You specified too many " \
	"languages.")
#define ERR_NOLANGUAGE		"982", N_("%s :Languages are not " \
	"supported by this server.")
#define RPL_WHOISSECURE		"671", N_("%s :is using a secure connection")

/* MONITOR (IRCv3 monitor). */
#define RPL_MONONLINE		"730", ":%s"
#define RPL_MONOFFLINE		"731", ":%s"
#define RPL_MONLIST		"732", ":%s"
#define RPL_ENDOFMONLIST	"733", N_(":End of MONITOR list")
#define ERR_MONLISTFULL		"734", N_("%d %s :Monitor list is full.")

/* METADATA (IRCv3 draft/metadata-2). */
#define RPL_KEYVALUE		"761", "%s %s * :%s"
#define RPL_KEYVALUE_NONE	"761", "%s %s *"
#define ERR_NOMATCHINGKEY	"766", N_("%s %s :No matching key")
#define ERR_KEYNOTSET		"768", N_("%s %s :Key not set")
#define RPL_METADATASUBOK	"770", "%s"
#define RPL_METADATAUNSUBOK	"771", "%s"
#define RPL_METADATASUBS	"772", "%s"

/* SASL (IRCv3 sasl-3.1). */
#define RPL_LOGGEDIN		"900", N_("%s %s :You are now logged in as %s")
#define RPL_LOGGEDOUT		"901", N_("%s :You are now logged out")
#define ERR_NICKLOCKED		"902", N_(":You must use a nick assigned to you")
#define RPL_SASLSUCCESS		"903", N_(":SASL authentication successful")
#define ERR_SASLFAIL		"904", N_(":SASL authentication failed")
#define ERR_SASLBUSY		"904", N_(":SASL authentication failed: too " \
				    "many sign-ins in progress, try again in a moment")
#define ERR_SASLTOOLONG		"905", N_(":SASL message too long")
#define ERR_SASLABORTED		"906", N_(":SASL authentication aborted")
#define ERR_SASLALREADY		"907", N_(":You have already authenticated " \
	"using SASL")
#define RPL_SASLMECHS		"908", N_("%s :are available SASL mechanisms")

#endif
