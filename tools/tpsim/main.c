// SPDX-License-Identifier: MIT
/* The tpsim command: subcommands over libtpsim. */
#include <string.h>

#include "cli.h"

static const char usage[] =
"Usage: tpsim COMMAND [OPTION]...\n"
"Ask questions of a simulated Linux PACKET_MMAP ring (AF_PACKET,\n"
"PACKET_RX_RING / PACKET_TX_RING, TPACKET_V1/V2/V3) without root or a NIC.\n"
"\n"
"Commands:\n"
"  calc     how large a ring can be, and what a given ring looks like\n"
"  check    is a ring request valid; which rule it breaks; the nearest\n"
"           valid one; optionally, does the running kernel agree\n"
"  replay   push a pcap through the simulated producer into a ring drained\n"
"           by a consumer of a chosen speed; see drops, LOSING, truncation\n"
"  run      run an unmodified capture program (tcpdump, dumpcap, ...) on a\n"
"           simulated interface fed from capture files\n"
"\n"
"'tpsim COMMAND --help' describes each. Exit status 2 means bad input.\n";

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(NULL, "no command given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tpsim %d.%d\n", TPSIM_VERSION_MAJOR,
		       TPSIM_VERSION_MINOR);
		return 0;
	}
	if (!strcmp(argv[1], "calc"))
		return cmd_calc(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "replay"))
		return cmd_replay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
}
