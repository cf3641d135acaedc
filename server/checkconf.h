/*
 * checkconf.h -- hearthd --check-config: what start-up needs, checked.
 */
#ifndef HEARTH_CHECKCONF_H
#define HEARTH_CHECKCONF_H

#include "config.h"

/*
 * Check CF as start-up would use it: files it reads, TLS material,
 * listeners, state directory, user, log target (LOG_TARGET as
 * config_log_target() gave it; syslog is only required to be
 * reachable when LOG_EXPLICIT, i.e. the config asked for it).  Each
 * problem goes to stderr as "hearthd: FILE:LINE: what"; returns how
 * many there were.
 */
int	server_check_config(const struct config *, const char *log_target,
	    int log_explicit);

#endif
