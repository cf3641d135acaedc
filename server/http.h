/*
 * http.h -- the HTTP(S) service on evhttp.
 */
#ifndef HEARTH_HTTP_H
#define HEARTH_HTTP_H

#include "hearth.h"

/* Serve HTTP on the bound, listening socket FD (TLS when TLS is set). */
int	 http_listen(struct server *, int fd, int tls);
void	 http_free(struct server *);

#endif
