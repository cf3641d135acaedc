/*
 * test_config.c -- the configuration parser, and every sample in etc/.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "seed.h"
#include "store.h"
#include "xmalloc.h"

static char *
write_tmp(const char *text)
{
	char	*path = xstrdup("/tmp/hearth-cfg-XXXXXX");
	int	 fd = mkstemp(path);
	FILE	*f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int
load(const char *text, struct config **out, char *err, size_t errlen)
{
	char		*path = write_tmp(text);
	struct config	*cf = config_default();
	int		 rc;

	rc = config_load(cf, path, err, errlen);
	unlink(path);
	free(path);
	*out = cf;
	return rc;
}

START_TEST(defaults_are_loopback)
{
	struct config	*cf = config_default();
	size_t		 i;

	ck_assert_uint_eq(cf->nlistens, 14);
	for (i = 0; i < cf->nlistens; i++)
		ck_assert(strcmp(cf->listens[i].addr, "127.0.0.1") == 0 ||
		    strcmp(cf->listens[i].addr, "::1") == 0);
	ck_assert_str_eq(cf->listens[1].port, "1563");
	ck_assert_int_eq(cf->listens[1].proto, PROTO_NNTPS);
	config_free(cf);
}
END_TEST

/* The HTTP request deadline: default, range, errors. */
START_TEST(http_request_timeout_validated)
{
	struct config	*cf;
	char		 err[256];

	cf = config_default();
	ck_assert_int_eq(cf->http_request_timeout, 10);
	config_free(cf);
	ck_assert_int_eq(load("http_request_timeout = 3\n", &cf, err,
	    sizeof err), 0);
	ck_assert_int_eq(cf->http_request_timeout, 3);
	config_free(cf);
	ck_assert_int_eq(load("http_request_timeout = 0\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: http_request_timeout wants a "
	    "whole number from 1 to 300"));
	config_free(cf);
	ck_assert_int_eq(load("http_request_timeout = 301\n", &cf, err,
	    sizeof err), -1);
	config_free(cf);
	ck_assert_int_eq(load("http_request_timeout = 5s\n", &cf, err,
	    sizeof err), -1);
	config_free(cf);
}
END_TEST

START_TEST(parses_keys_and_comments)
{
	struct config	*cf;
	char		 err[256];

	ck_assert_int_eq(load("# comment\n\nserver_name = news.example.org\n"
	    "idle_timeout = 120\n  rate_burst=5\nlisten = nntps=[::1]:0\n"
	    "listen = irc 127.0.0.1:6667\nmotd = line one\nmotd = line two\n"
	    "allow_plaintext_auth_on_loopback = no\n", &cf, err,
	    sizeof err), 0);
	ck_assert_str_eq(cf->server_name, "news.example.org");
	ck_assert_int_eq(cf->idle_timeout, 120);
	ck_assert(cf->rate_burst == 5.0);
	ck_assert_uint_eq(cf->nlistens, 2);
	ck_assert_str_eq(cf->listens[0].addr, "::1");
	ck_assert_str_eq(cf->listens[0].port, "0");
	ck_assert_int_eq(cf->listens[1].proto, PROTO_IRC);
	ck_assert_str_eq(cf->motd, "line one\nline two");
	ck_assert_int_eq(cf->allow_plain_auth_loopback, 0);
	config_free(cf);
}
END_TEST

START_TEST(errors_carry_file_and_line)
{
	struct config	*cf;
	char		 err[256];

	ck_assert_int_eq(load("server_name = x\n\nbogus_key = 1\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":3: unknown key \"bogus_key\""));
	config_free(cf);

	ck_assert_int_eq(load("idle_timeout = soon\n", &cf, err, sizeof err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: idle_timeout wants a whole"));
	config_free(cf);

	ck_assert_int_eq(load("# a\nlisten = gopher=1.2.3.4:70\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: unknown protocol"));
	config_free(cf);

	ck_assert_int_eq(load("listen = nntp=127.0.0.1:99999\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: bad port"));
	config_free(cf);

	ck_assert_int_eq(load("just words\n", &cf, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: expected"));
	config_free(cf);

	ck_assert_int_eq(load("anonymous_read = maybe\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "yes or no"));
	config_free(cf);

	ck_assert_int_eq(load("registration = sometimes\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "registration must be open, "
	    "approval or closed"));
	config_free(cf);
	ck_assert_int_eq(load("registration = approval\n", &cf, err,
	    sizeof err), 0);
	ck_assert_str_eq(cf->registration, "approval");
	config_free(cf);

	/* Found by fuzz_config: NaN slipped past the range check. */
	ck_assert_int_eq(load("rate_per_second = nan\n", &cf, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: rate_per_second wants"));
	config_free(cf);
	ck_assert_int_eq(load("rate_burst = -NAN\n", &cf, err, sizeof err),
	    -1);
	config_free(cf);
}
END_TEST

START_TEST(relative_paths_follow_config_folder)
{
	struct config	*cf = config_default();
	char		 err[256];
	char		*path;

	ck_assert_int_eq(mkdir("/tmp/hearth-cfg-dir", 0700) == 0 ||
	    access("/tmp/hearth-cfg-dir", F_OK) == 0, 1);
	path = xstrdup("/tmp/hearth-cfg-dir/h.conf");
	{
		FILE *f = fopen(path, "w");

		fputs("state_dir = ../var\ngroups_file = groups.conf\n"
		    "tls_cert = /etc/ssl/x.pem\n", f);
		fclose(f);
	}
	ck_assert_int_eq(config_load(cf, path, err, sizeof err), 0);
	ck_assert_str_eq(cf->state_dir, "/tmp/hearth-cfg-dir/../var");
	ck_assert_str_eq(cf->groups_file, "/tmp/hearth-cfg-dir/groups.conf");
	ck_assert_str_eq(cf->tls_cert, "/etc/ssl/x.pem");
	unlink(path);
	rmdir("/tmp/hearth-cfg-dir");
	free(path);
	config_free(cf);
}
END_TEST

/* Every sample shipped in etc/ must parse and seed. */
START_TEST(etc_samples_parse)
{
	const char	*src = getenv("HEARTH_SRCDIR");
	struct config	*cf = config_default();
	struct store	*st;
	char		 err[512], *path;

	ck_assert_ptr_nonnull(src);
	xasprintf(&path, "%s/etc/hearthd.conf", src);
	ck_assert_msg(config_load(cf, path, err, sizeof err) == 0, "%s", err);
	ck_assert_ptr_nonnull(cf->groups_file);
	ck_assert_ptr_nonnull(cf->rooms_file);
	st = store_open(":memory:", 0, 0, err, sizeof err);
	ck_assert_ptr_nonnull(st);
	ck_assert_msg(seed_groups(st, cf->groups_file, err, sizeof err) > 5,
	    "%s", err);
	ck_assert_msg(seed_rooms(st, cf->rooms_file, err, sizeof err) > 0,
	    "%s", err);
	store_close(st);
	free(path);
	config_free(cf);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, defaults_are_loopback);
	tcase_add_test(tc, parses_keys_and_comments);
	tcase_add_test(tc, http_request_timeout_validated);
	tcase_add_test(tc, errors_carry_file_and_line);
	tcase_add_test(tc, relative_paths_follow_config_folder);
	tcase_add_test(tc, etc_samples_parse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(config_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
