/* One handler for the process: a flag per signal and a self-pipe. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/signals.h"

static const int caught[] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };
#define NCAUGHT (sizeof caught / sizeof caught[0])

static volatile sig_atomic_t arrived[NCAUGHT];
static volatile sig_atomic_t stop;
volatile sig_atomic_t signals_arrived;
static int pipefd[2] = { -1, -1 };
static void (*wake_fn)(void *);		/* signals_on_wake() */
static void *wake_ctx;
/* signals_guard()'s mapping, and whether a page of it went away. */
static const char *volatile guard_p;
static volatile size_t guard_len;
static volatile sig_atomic_t cut;
static uintptr_t page_size;

static void
on_signal(int sig)
{
	int saved = errno;
	size_t i;
	char c = 0;

	for (i = 0; i < NCAUGHT; i++)
		if (caught[i] == sig)
			arrived[i] = 1;
	if (sig == SIGINT || sig == SIGTERM)
		stop = 1;
	signals_arrived = 1;	/* after the flags it announces */
	if (pipefd[1] >= 0 && write(pipefd[1], &c, 1) < 0) {
		/* full pipe: the loop is already due to wake */
	}
	errno = saved;
}

/* SIGBUS: a page of the guarded mapping whose file was cut shorter is
 * mapped again as zeros.  A SIGBUS anywhere else still ends the process:
 * with the default action back, the access faults again; where the
 * sandbox refuses that (it kills, or fails the call), by _exit(). */
static void
on_bus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, pg = a & ~(page_size - 1);
	struct sigaction sa;

	(void)uc;
	if (guard_p != NULL && a - (uintptr_t)guard_p < guard_len &&
	    mmap((void *)pg, page_size, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
		cut = 1;
		return;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	if (sigaction(sig, &sa, NULL) != 0)
		_exit(128 + sig);
}

void
signals_guard(const void *p, size_t len)
{
	guard_p = NULL;
	cut = 0;
	guard_len = len;
	guard_p = p;
}

bool
signals_cut(void)
{
	return cut;
}

int
signals_add(int sig)
{
	struct sigaction sa;
	size_t i;

	for (i = 0; i < NCAUGHT && caught[i] != sig; i++)
		;
	if (i == NCAUGHT)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) == 0 ? 0 : -1;
}

int
signals_catch(char *err, size_t errlen)
{
	struct sigaction sa;
	size_t i;

	if (pipefd[0] < 0) {
		if (pipe(pipefd) != 0) {
			snprintf(err, errlen, "pipe: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < 2; i++) {
			fcntl(pipefd[i], F_SETFL, fcntl(pipefd[i], F_GETFL) | O_NONBLOCK);
			fcntl(pipefd[i], F_SETFD, FD_CLOEXEC);
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
	if (signals_add(SIGINT) != 0 || signals_add(SIGTERM) != 0 ||
	    sigaction(SIGBUS, &sa, NULL) != 0) {
		snprintf(err, errlen, "sigaction: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void
signals_ignore_pipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

int
signals_fd(void)
{
	return pipefd[0];
}

void
signals_drain(void)
{
	char buf[64];

	while (pipefd[0] >= 0 && read(pipefd[0], buf, sizeof buf) > 0)
		;
}

bool
signals_take(int sig)
{
	size_t i;

	for (i = 0; i < NCAUGHT; i++)
		if (caught[i] == sig && arrived[i]) {
			arrived[i] = 0;
			return true;
		}
	return false;
}

bool
signals_stop_requested(void)
{
	return stop != 0;
}

void
signals_on_wake(void (*fn)(void *), void *ctx)
{
	wake_fn = fn;
	wake_ctx = ctx;
}

void
signals_wait_readable(int fd)
{
	struct pollfd p[2];

	if (pipefd[0] < 0 || wake_fn == NULL)
		return;
	p[0].fd = fd;
	p[0].events = POLLIN;
	p[1].fd = pipefd[0];
	p[1].events = POLLIN;
	for (;;) {
		p[0].revents = p[1].revents = 0;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;		/* the read(2) that follows says why */
		if (p[1].revents != 0) {
			signals_drain();
			wake_fn(wake_ctx);
		}
		/* Readable, at its end, in error, or the run is stopping: the
		 * read(2) that follows takes it from here. */
		if (p[0].revents != 0 || stop)
			return;
	}
}
