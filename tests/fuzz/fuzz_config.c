/*
 * fuzz_config.c -- server/core/config.c: config_load on arbitrary files.
 *
 * config_load reads a path, so each input is written to one temporary
 * file (made once, removed at exit). On success every value must be in
 * the range etc/hearthd.conf documents (numbers finite and bounded, the
 * log level known, required strings present) and every listener a real
 * protocol with a canonical port; on failure err must name the file.
 * Each input is also fed, line by line, to config_parse_listen.
 */
#include <sys/types.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"

static char	 cfg_path[4096];
static int	 cfg_fd = -1;

static void
cfg_cleanup(void)
{
	if (cfg_fd != -1)
		unlink(cfg_path);
}

static void
cfg_open(void)
{
	const char	*tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(cfg_path, sizeof cfg_path, "%s/hearth-fuzz-cfg-XXXXXX", tmp);
	if ((cfg_fd = mkstemp(cfg_path)) == -1) {
		perror(cfg_path);
		abort();
	}
	atexit(cfg_cleanup);
}

static void
check_port(const struct listen_spec *ls)
{
	char	*end;
	long	 v;

	FUZZ_CHECK(ls->proto < PROTO_ADMIN);
	FUZZ_CHECK(ls->addr != NULL && ls->port != NULL);
	v = strtol(ls->port, &end, 10);
	FUZZ_CHECK(ls->port[0] != '\0' && *end == '\0');
	FUZZ_CHECK(v >= 0 && v <= 65535);
	FUZZ_CHECK(ls->port[0] != '0' || ls->port[1] == '\0');
}

static void
check_config(const struct config *cf)
{
	size_t	i;

	FUZZ_CHECK(cf->path != NULL && strcmp(cf->path, cfg_path) == 0);
	FUZZ_CHECK(cf->base_dir != NULL && cf->state_dir != NULL);
	FUZZ_CHECK(cf->database != NULL && cf->admin_socket != NULL);
	FUZZ_CHECK(cf->server_name != NULL && cf->network_name != NULL);
	FUZZ_CHECK(cf->motd != NULL && cf->hotline != NULL &&
	    cf->disclaimer != NULL);
	FUZZ_CHECK(cf->log_level >= LOG_LEVEL_ERROR &&
	    cf->log_level <= LOG_LEVEL_DEBUG);
	FUZZ_CHECK(cf->log_syslog == 0 || cf->log_syslog == 1);
	FUZZ_CHECK(cf->max_conns_per_ip >= 1 &&
	    cf->max_conns_per_ip <= 100000);
	/* 0: not set, decided by conn_fd_budget() at start-up. */
	FUZZ_CHECK(cf->max_conns >= 0 && cf->max_conns <= 1000000);
	FUZZ_CHECK(cf->idle_timeout >= 5 && cf->idle_timeout <= 86400);
	FUZZ_CHECK(cf->output_cap >= 4096 && cf->output_cap <= 1UL << 30);
	FUZZ_CHECK(cf->output_cap_total >= 65536 &&
	    cf->output_cap_total <= 1UL << 40);
	FUZZ_CHECK(isfinite(cf->rate_per_sec) && cf->rate_per_sec >= 1 &&
	    cf->rate_per_sec <= 1000000);
	FUZZ_CHECK(isfinite(cf->rate_burst) && cf->rate_burst >= 1 &&
	    cf->rate_burst <= 1000000);
	FUZZ_CHECK(cf->nntp_max_line >= 512 && cf->nntp_max_line <= 65536);
	FUZZ_CHECK(cf->irc_max_line >= 512 && cf->irc_max_line <= 65536);
	FUZZ_CHECK(cf->max_article_size >= 1024 &&
	    cf->max_article_size <= 64UL << 20);
	FUZZ_CHECK(cf->scrypt_log2n >= 10 && cf->scrypt_log2n <= 22);
	FUZZ_CHECK(cf->allow_plain_auth_loopback == 0 ||
	    cf->allow_plain_auth_loopback == 1);
	FUZZ_CHECK(cf->db_sync_full == 0 || cf->db_sync_full == 1);
	FUZZ_CHECK(cf->anonymous_read == 0 || cf->anonymous_read == 1);
	for (i = 0; i < cf->nlistens; i++)
		check_port(&cf->listens[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config		*cf;
	struct listen_spec	 ls;
	char			 err[512], *copy, *line, *save;
	int			 rc;

	if (cfg_fd == -1)
		cfg_open();
	if (ftruncate(cfg_fd, 0) != 0 ||
	    pwrite(cfg_fd, data, size, 0) != (ssize_t)size)
		abort();

	cf = config_default();
	err[0] = '\0';
	rc = config_load(cf, cfg_path, err, sizeof err);
	if (rc == 0)
		check_config(cf);
	else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(strncmp(err, cfg_path, strlen(cfg_path)) == 0);
	}
	config_free(cf);

	/* Each line alone as a --listen argument. */
	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		err[0] = '\0';
		if (config_parse_listen(line, &ls, err, sizeof err) == 0) {
			check_port(&ls);
			free(ls.addr);
			free(ls.port);
		} else
			FUZZ_CHECK(err[0] != '\0');
	}
	free(copy);
	return 0;
}
