// SPDX-License-Identifier: MIT
/*
 * Runs a fuzz target's corpus without libFuzzer, so that `make check`
 * (gcc, and ASan+UBSan under SAN=1) replays every seed and every crash
 * ever found as a regression test. Linked with one target's
 * LLVMFuzzerTestOneInput.
 *
 * Usage: replay DIR|FILE...   prints "replayed N inputs" on stderr
 * (the CLI targets send their stdout to /dev/null).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's own cap in `make fuzz` is 4096; a corpus file larger than
 * this is not one of ours */
#define REPLAY_MAX_INPUT (1u << 20)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	buf = malloc(REPLAY_MAX_INPUT + 1);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX_INPUT + 1, f);
	fclose(f);
	if (n > REPLAY_MAX_INPUT) {
		fprintf(stderr, "%s: larger than %u bytes\n", path,
			REPLAY_MAX_INPUT);
		free(buf);
		return -1;
	}
	/* the name first: if the input crashes, the log says which */
	fprintf(stderr, "input %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Returns the number of inputs run, or -1. */
static long replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	char sub[4096];
	long done = 0;
	int n;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) ? -1 : 1;
	n = scandir(path, &names, NULL, by_name);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && done >= 0) {
			snprintf(sub, sizeof(sub), "%s/%s", path,
				 names[i]->d_name);
			if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
				done = replay_file(sub) ? -1 : done + 1;
		}
		free(names[i]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		long n = replay_path(argv[i]);

		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "no inputs found\n");
		return 1;
	}
	fprintf(stderr, "replayed %ld inputs\n", total);
	return 0;
}
