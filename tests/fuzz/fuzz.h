/*
 * fuzz.h -- shared by the fuzz targets in tests/fuzz/.
 *
 * Each fuzz_*.c defines LLVMFuzzerTestOneInput() and checks invariants
 * with FUZZ_CHECK, which stays active whatever NDEBUG says (assert()
 * would not) and aborts so that libFuzzer records a crasher. The same
 * object is linked either with libFuzzer (`make fuzz`, clang) or with
 * replay.c, which feeds it the stored corpus under `make check`.
 */
#ifndef HEARTH_FUZZ_H
#define HEARTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
