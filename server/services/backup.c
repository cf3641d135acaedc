/*
 * backup.c -- a consistent copy of a running server's state: the
 * database through SQLite's online backup API (store_backup), with the
 * files it is worthless without, and a manifest of checksums.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "backup.h"
#include "hearth.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* Copy SRC to the new file DST (mode 0600). */
static int
copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
	char	buf[65536];
	ssize_t	n;
	int	in, out, rc = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out == -1) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (n == 0 && fsync(out) == 0)
		rc = 0;
	else
		snprintf(err, errlen, "copying %s: %s", src, strerror(errno));
	if (close(out) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		rc = -1;
	}
	close(in);
	return rc;
}

/* The SHA-256 of PATH in hex, into HEX (65 bytes). */
static int
sha256_file(const char *path, char hex[65])
{
	unsigned char	 buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	EVP_MD_CTX	*ctx;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		while ((n = read(fd, buf, sizeof buf)) > 0)
			EVP_DigestUpdate(ctx, buf, (size_t)n);
		if (n == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1) {
			for (i = 0; i < mdlen; i++)
				snprintf(hex + 2 * i, 3, "%02x", md[i]);
			rc = 0;
		}
	}
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

int
backup_write(struct server *srv, const char *dir, char *err, size_t errlen)
{
	const char	*names[] = { "hearth.db", "secret.key", "tls/cert.pem",
	    "tls/key.pem", "INFO", "vapid.pem" };
	char		*src, *dst, *path, hex[65], when[32];
	const char	*cert, *key;
	FILE		*f;
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i;
	int		 n = 0, have_vapid = 0;

	if (dir[0] != '/') {
		snprintf(err, errlen, "the backup directory must be an "
		    "absolute path");
		return -1;
	}
	if (mkdir(dir, 0700) == -1) {
		snprintf(err, errlen, "%s: %s%s", dir, strerror(errno),
		    errno == EEXIST ? " (give a new directory)" : "");
		return -1;
	}
	xasprintf(&path, "%s/tls", dir);
	if (mkdir(path, 0700) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);

	xasprintf(&dst, "%s/hearth.db", dir);
	if (store_backup(srv->store, dst, err, errlen) != STORE_OK) {
		free(dst);
		return -1;
	}
	free(dst);
	n++;

	src = server_state_path(srv, "secret.key");
	xasprintf(&dst, "%s/secret.key", dir);
	if (copy_file(src, dst, err, errlen) != 0) {
		free(src);
		free(dst);
		return -1;
	}
	free(src);
	free(dst);
	n++;

	/* The VAPID key, once web push made one: subscriptions need it. */
	src = server_state_path(srv, "vapid.pem");
	if (access(src, F_OK) == 0) {
		xasprintf(&dst, "%s/vapid.pem", dir);
		if (copy_file(src, dst, err, errlen) != 0) {
			free(src);
			free(dst);
			return -1;
		}
		free(dst);
		have_vapid = 1;
		n++;
	}
	free(src);

	/* The certificate in use: configured, or the self-signed one. */
	if (srv->cf->tls_cert != NULL) {
		cert = srv->cf->tls_cert;
		key = srv->cf->tls_key != NULL ? srv->cf->tls_key : cert;
		src = xstrdup(cert);
	} else {
		src = server_state_path(srv, "tls/cert.pem");
		key = NULL;
	}
	xasprintf(&dst, "%s/tls/cert.pem", dir);
	if (copy_file(src, dst, err, errlen) != 0) {
		free(src);
		free(dst);
		return -1;
	}
	free(src);
	free(dst);
	src = key != NULL ? xstrdup(key) : server_state_path(srv,
	    "tls/key.pem");
	xasprintf(&dst, "%s/tls/key.pem", dir);
	if (copy_file(src, dst, err, errlen) != 0) {
		free(src);
		free(dst);
		return -1;
	}
	free(src);
	free(dst);
	n += 2;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	xasprintf(&path, "%s/INFO", dir);
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	fprintf(f, "hearth backup\nversion %s\ncreated %s\nstate_dir %s\n"
	    "tls %s\n", PACKAGE_VERSION, when, srv->state_dir,
	    srv->cf->tls_cert != NULL ? "configured (tls_cert, tls_key)" :
	    "self-signed (STATE_DIR/tls)");
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	n++;

	/* Last: a backup without its MANIFEST is an unfinished one. */
	xasprintf(&path, "%s/MANIFEST", dir);
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(names[i], "vapid.pem") == 0 && !have_vapid)
			continue;
		xasprintf(&src, "%s/%s", dir, names[i]);
		if (sha256_file(src, hex) != 0) {
			snprintf(err, errlen, "%s: cannot read back", src);
			free(src);
			fclose(f);
			free(path);
			return -1;
		}
		fprintf(f, "%s  %s\n", hex, names[i]);
		free(src);
	}
	i = fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0 || !i) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	log_info("backup written to %s", dir);
	return n + 1;
}
