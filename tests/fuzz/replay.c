/*
 * replay.c -- run a fuzz target over its stored corpus without libFuzzer
 * (after SQLite's test/fuzzcheck.c).
 *
 * Linked with one fuzz_*.c and the normal compiler, so `make check`
 * replays every seed and every past crasher in the normal and in the
 * sanitizer build. With arguments, replays those files or folders;
 * without, the folder tests/fuzz/corpus/FUZZ_NAME under $HEARTH_SRCDIR
 * (set by `make check`), falling back to the source tree configure saw.
 * An empty or missing corpus is an error, so a typo cannot make the test
 * pass by replaying nothing.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the corpus folder"
#endif

/*
 * Read PATH and hand its bytes to the target in a buffer of exactly the
 * file's size, so that a sanitizer sees any read past the end. Returns
 * 0, or -1 if the file cannot be read.
 */
static int
replay_file(const char *path)
{
	FILE		*f;
	struct stat	 st;
	uint8_t		*buf;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	n = (size_t)st.st_size;
	/* malloc(0) still gives a unique pointer, as libFuzzer does. */
	if ((buf = malloc(n)) == NULL || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/*
 * Replay PATH, a file or a folder of files (in name order, so that runs
 * are repeatable). Adds the number of inputs replayed to *count.
 */
static int
replay_path(const char *path, size_t *count)
{
	struct dirent	**ents;
	struct stat	  st;
	char		 *p;
	int		  i, n, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) != 0)
			return -1;
		(*count)++;
		return 0;
	}
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			if (asprintf(&p, "%s/%s", path, ents[i]->d_name) < 0)
				abort();
			if (replay_file(p) != 0)
				rc = -1;
			else
				(*count)++;
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char **argv)
{
	const char	*top;
	char		*dir;
	size_t		 count = 0;
	int		 i, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if (replay_path(argv[i], &count) != 0)
				rc = 1;
		}
	} else {
		if ((top = getenv("HEARTH_SRCDIR")) == NULL)
			top = FUZZ_SRCDIR;
		if (asprintf(&dir, "%s/tests/fuzz/corpus/%s", top,
		    FUZZ_NAME) < 0)
			abort();
		if (replay_path(dir, &count) != 0)
			rc = 1;
		free(dir);
	}
	if (count == 0) {
		fprintf(stderr, "replay %s: no inputs found\n", FUZZ_NAME);
		rc = 1;
	}
	printf("replay %s: %zu inputs%s\n", FUZZ_NAME, count,
	    rc == 0 ? ", all invariants held" : ", errors");
	return rc;
}
