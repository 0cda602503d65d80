// SPDX-License-Identifier: MIT
/*
 * tpsim run [OPTIONS] -- PROGRAM [ARGS...]: PROGRAM with the interposer
 * preloaded (libtpsim-run.so), its packet sockets simulated on the
 * interface of the options (run/tpr.h parses them; they reach the
 * program in TPSIM_RUN_CONFIG). Waits for it (--timeout: "hung"), then
 * prints the report's summary on stderr. Refuses a program the
 * interposer cannot reach: a static binary or a Go program.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tpr.h"

#ifndef TPSIM_RUN_LIBDIR
#define TPSIM_RUN_LIBDIR "/usr/local/lib/tpsim"
#endif
#define RUN_LIB "libtpsim-run.so"

static const char run_usage[] =
"Usage: tpsim run [OPTION]... -- PROGRAM [ARG]...\n"
"Run PROGRAM unmodified with its AF_PACKET sockets on a simulated\n"
"interface (default tpsim0) fed from capture files; everything else\n"
"(other sockets, files, other interfaces) is the real system's.\n"
"Example: tpsim run --pcap in.pcap --pace lossless --expect-out exp.pcap\n"
"           -- tcpdump -i tpsim0 -w out.pcap\n"
"\n"
"  --timeout SECONDS  kill PROGRAM (\"hung\", exit 124) after this long\n"
"                     [300; 0: never]\n";

/* The path PROGRAM resolves to, as execvp would find it. */
static bool find_program(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(prog, '/')) {
		snprintf(out, len, "%s", prog);
		return access(out, X_OK) == 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(out, len, "%.*s/%s", (int)n, n ? path : ".", prog);
		if (access(out, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/*
 * What kind of program path is: 0 a dynamic ELF (or a script, whose
 * interpreter is), 's' static, 'g' Go (a .go.buildinfo or .gopclntab
 * section: gopacket and the Go runtime issue raw system calls that no
 * interposer sees, even when cgo links libc).
 */
static int program_kind(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Shdr sh, strsh;
	int fd = open(path, O_RDONLY | O_CLOEXEC), kind = 's';
	char name[16];

	if (fd < 0)
		return 0;	/* exec will say why */
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		close(fd);
		return 0;	/* a script, or not for this machine */
	}
	for (int i = 0; i < eh.e_phnum; i++)
		if (pread(fd, &ph, sizeof(ph),
			  (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) ==
		    sizeof(ph) && ph.p_type == PT_INTERP)
			kind = 0;
	if (eh.e_shstrndx && eh.e_shstrndx < eh.e_shnum &&
	    pread(fd, &strsh, sizeof(strsh),
		  (off_t)(eh.e_shoff + (uint64_t)eh.e_shstrndx *
				       eh.e_shentsize)) == sizeof(strsh)) {
		for (int i = 0; i < eh.e_shnum; i++) {
			if (pread(fd, &sh, sizeof(sh),
				  (off_t)(eh.e_shoff + (uint64_t)i *
						       eh.e_shentsize)) !=
			    sizeof(sh) ||
			    pread(fd, name, sizeof(name),
				  (off_t)(strsh.sh_offset + sh.sh_name)) <= 0)
				continue;
			name[sizeof(name) - 1] = '\0';
			if (!strcmp(name, ".go.buildinfo") ||
			    !strcmp(name, ".gopclntab"))
				kind = 'g';
		}
	}
	close(fd);
	return kind;
}

/* The interposer: $TPSIM_RUN_LIB, else beside this executable (the build
 * tree), else the installed one. */
static bool find_lib(char *out, size_t len)
{
	const char *env = getenv("TPSIM_RUN_LIB");
	char self[PATH_MAX - 32];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, R_OK) == 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(out, len, "%s/%s", self, RUN_LIB);
		if (access(out, R_OK) == 0)
			return true;
		/* build/dyn/tpsim: the library is one level up */
		snprintf(out, len, "%s/../%s", self, RUN_LIB);
		if (access(out, R_OK) == 0)
			return true;
	}
	snprintf(out, len, "%s/%s", TPSIM_RUN_LIBDIR, RUN_LIB);
	return access(out, R_OK) == 0;
}

/* A sanitizer build of tpsim (SAN=1) runs a sanitizer build of the
 * interposer, whose runtime must come first in LD_PRELOAD: the runtimes
 * this process loaded. (TSAN=1 builds a plain interposer: mk/run.mk.) */
static int add_runtime(struct dl_phdr_info *info, size_t size, void *arg)
{
	char *pre = arg;
	const char *base = strrchr(info->dlpi_name, '/');

	(void)size;
	base = base ? base + 1 : info->dlpi_name;
	if (!strncmp(base, "libasan.so", 10) ||
	    !strncmp(base, "libubsan.so", 11)) {
		size_t l = strlen(pre);

		snprintf(pre + l, PATH_MAX * 4 - l, "%s%s", l ? ":" : "",
			 info->dlpi_name);
	}
	return 0;
}

static volatile sig_atomic_t got_signal;
static void note_signal(int sig)
{
	got_signal = sig;
}

/* The child's status, or 124 after killing it at the timeout. */
static int wait_child(pid_t pid, unsigned int timeout, const char *prog)
{
	struct timespec t0, now, tick = { 0, 20 * 1000 * 1000 };
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return 1;
		if (got_signal) {	/* pass the user's ^C / kill on */
			kill(pid, got_signal);
			got_signal = 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout && now.tv_sec - t0.tv_sec >= (time_t)timeout) {
			fprintf(stderr, "tpsim run: %s hung: no exit within "
				"%u s, killed\n", prog, timeout);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return 124;
		}
		nanosleep(&tick, NULL);
	}
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "tpsim run: %s killed by signal %d (%s)\n",
			prog, WTERMSIG(st), strsignal(WTERMSIG(st)));
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

/* --timeout is ours; every other option before "--" is tpr_config's */
static int take_timeout(int *argc, char **argv, unsigned int *timeout)
{
	for (int i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		uint32_t v;

		if (strcmp(argv[i], "--timeout"))
			continue;
		if (i + 1 >= *argc)
			return cli_usage_error("run", "--timeout needs a "
					       "number of seconds");
		if (!cli_u32("run", "--timeout", argv[i + 1], &v))
			return EXIT_USAGE;
		*timeout = v;
		memmove(&argv[i], &argv[i + 2],
			(size_t)(*argc - i - 2 + 1) * sizeof(*argv));
		*argc -= 2;
		i--;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	char err[256], prog[PATH_MAX], lib[PATH_MAX], pre[PATH_MAX * 4] = "";
	char tmp_report[] = "/tmp/tpsim-run-XXXXXX.json";
	struct tpr_config *c = NULL;
	unsigned int timeout = 300;
	struct sigaction sa = { .sa_handler = note_signal };
	bool own_report = false;
	const char *old;
	int idx, kind, status;
	pid_t pid;

	if (argc >= 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		fputs(run_usage, stdout);
		fputs(tpr_config_usage, stdout);
		return 0;
	}
	if ((status = take_timeout(&argc, argv, &timeout)))
		return status;
	idx = tpr_config_parse_args(argc - 1, argv + 1, &c, err, sizeof(err));
	if (idx < 0)
		return cli_usage_error("run", "%s", err);
	idx += 1;
	if (c->help || c->list_scenarios) {
		if (c->help) {
			fputs(run_usage, stdout);
			fputs(tpr_config_usage, stdout);
		} else {
			tpr_scenario_list(stdout);
		}
		tpr_config_free(c);
		return 0;
	}
	if (idx >= argc || strcmp(argv[idx], "--") || idx + 1 >= argc) {
		tpr_config_free(c);
		return cli_usage_error("run", idx < argc &&
				       strcmp(argv[idx], "--") ?
				       "unknown option '%s' (the program goes "
				       "after --)" : "no program after --%s",
				       idx < argc ? argv[idx] : "");
	}
	argv += idx + 1;
	if (!find_program(argv[0], prog, sizeof(prog))) {
		fprintf(stderr, "tpsim run: %s: no such program\n", argv[0]);
		tpr_config_free(c);
		return 127;
	}
	kind = program_kind(prog);
	if (kind) {
		fprintf(stderr, "tpsim run: %s is %s: the interposer "
			"(LD_PRELOAD) cannot reach its system calls, so it "
			"would capture from the real system; not running it\n",
			prog, kind == 'g' ? "a Go program (the Go runtime "
			"and gopacket make raw system calls)"
					  : "statically linked");
		tpr_config_free(c);
		return 126;
	}
	if (!find_lib(lib, sizeof(lib))) {
		fprintf(stderr, "tpsim run: the interposer %s is not "
			"installed (looked beside tpsim and in %s; "
			"TPSIM_RUN_LIB names another)\n", RUN_LIB,
			TPSIM_RUN_LIBDIR);
		tpr_config_free(c);
		return 1;
	}
	if (!c->report) {	/* the summary is read from a report */
		int fd = mkstemps(tmp_report, 5);

		if (fd >= 0) {
			/* writable by the program after it drops privileges
			 * (tcpdump run as root becomes user tcpdump); removed
			 * when it exits */
			fchmod(fd, 0666);
			close(fd);
			c->report = strdup(tmp_report);
			own_report = c->report != NULL;
		}
	}
	if ((status = tpr_config_to_env(c)) < 0) {
		fprintf(stderr, "tpsim run: %s\n", strerror(-status));
		goto out;
	}
	dl_iterate_phdr(add_runtime, pre);
	snprintf(pre + strlen(pre), sizeof(pre) - strlen(pre), "%s%s",
		 *pre ? ":" : "", lib);
	old = getenv("LD_PRELOAD");
	if (old && *old)
		snprintf(pre + strlen(pre), sizeof(pre) - strlen(pre), ":%s",
			 old);
	setenv("LD_PRELOAD", pre, 1);
	fflush(NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pid = fork();
	if (pid < 0) {
		status = 1;
		perror("tpsim run: fork");
		goto out;
	}
	if (!pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(prog, argv);
		fprintf(stderr, "tpsim run: %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	status = wait_child(pid, timeout, argv[0]);
	if (tpr_report_print_summary(c->report, stderr) < 0 && status != 124)
		fprintf(stderr, "tpsim run: no report from %s (it opened no "
			"packet socket, or died before exit)\n", argv[0]);
out:
	if (own_report)
		unlink(c->report);
	tpr_config_free(c);
	return status;
}
