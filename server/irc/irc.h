/*
 * irc.h -- the IRC client service.
 */
#ifndef HEARTH_IRC_H
#define HEARTH_IRC_H

#include "conn.h"

extern const struct proto_ops irc_ops;

struct irc_server	*irc_server_create(struct server *);
void			 irc_server_free(struct irc_server *);
/*
 * The group commit ended: OK, or it failed and every sender of a message
 * in it hears FAIL (their echo and the deliveries were never sent).
 */
void			 irc_batch_done(struct server *, int ok);
struct config;
/* After a reload: CAP NEW/DEL to clients with cap-notify. */
void			 irc_config_changed(struct server *, struct config *old);

#endif
