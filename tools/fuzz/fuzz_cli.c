// SPDX-License-Identifier: MIT
/*
 * libFuzzer targets for the tpsim command's parsers, built twice:
 * -DTARGET_PCAP feeds the input to `tpsim replay` as a capture file,
 * -DTARGET_BATCH to `tpsim check --batch --json` as its stdin.
 * Both must end with a status and never crash.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

static int quiet(void)
{
	static int done;

	if (!done) {
		/* the commands print results: not interesting (stderr stays:
		 * libFuzzer reports there) */
		if (!freopen("/dev/null", "w", stdout))
			abort();
		done = 1;
	}
	return 0;
}

/* Open descriptors plus memfd mappings of this process. A command must
 * give back both, or a long fuzz run dies of ENFILE/ENOMEM (the limit is
 * vm.max_map_count, ~65530 mappings) far from the input that leaked. */
static long held(void)
{
	char line[512];
	long n = 0;
	FILE *maps = fopen("/proc/self/maps", "r");
	DIR *d = opendir("/proc/self/fd");

	if (!maps || !d)
		abort();
	while (fgets(line, sizeof(line), maps))
		n += strstr(line, "/memfd:") != NULL;
	while (readdir(d))
		n++;
	fclose(maps);
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-input", 0);
	char path[64];
	long before;

	quiet();
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	before = held();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	optind = 1;	/* getopt starts over for each command */
#ifdef TARGET_PCAP
	{
		char *argv[] = { "replay", "--version", "2", "--block-size",
				 "4096", "--block-nr", "2", "--rate", "1000",
				 path, NULL };

		cmd_replay(10, argv);
	}
#else
	{
		FILE *in = fmemopen((void *)data, size, "r");

		if (in) {
			cli_check_batch(in, true, "linux");
			fclose(in);
		}
	}
#endif
	if (held() != before) {
		fprintf(stderr, "fuzz_cli: the command kept %ld descriptors or "
				"memfd mappings\n", held() - before);
		abort();
	}
	close(fd);
	return 0;
}
