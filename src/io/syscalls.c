/*
 * The sandbox's allow-list: every system call smtpscope makes once its
 * capture handles, raw sockets, files and resolver are open, and nothing
 * else.  Found by running every test suite (read, watch, probe with
 * --greet and --trace, verify, scope, lookups through c-ares, --findings,
 * -w) with SMTPSCOPE_SANDBOX=log and reading the kernel's audit records,
 * and by strace(1) of the same runs; writev, lseek, gettimeofday and bind
 * serve paths the suites do not reach (named below).  `make check` runs
 * every suite with the sandbox on.  Checked on x86_64 only.  A new output
 * or input opens its file before the sandbox is entered and then needs
 * only what is here (write, newfstatat, lseek).
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>	/* TCGETS, SIOCGIF* */
#include <sys/mman.h>
#include <sys/socket.h>

#include "io/sandbox.h"
#include "io/textfile.h"
#include "util/sanitizer.h"
#include "syscalls.h"

static const int plain[] = {
	/* Reading and writing descriptors already open: the capture, stdin,
	 * the outputs, -w, the signal pipe, the sockets (writev: c-ares over
	 * TCP; lseek: fclose() of an input stream; pread64: watch --maillog
	 * reading the log it follows at its own offset, io/follow.c). */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(lseek),
	SCMP_SYS(pread64), SCMP_SYS(close),
	/* stdio asks a stream what it is before its first buffer. */
	SCMP_SYS(newfstatat),
	/* The event loop. */
	SCMP_SYS(poll),
	/* Clocks, where the vDSO does not serve them (some virtual
	 * clock sources). */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	/* Memory: malloc and free (mmap and mprotect are checked below);
	 * glibc's qsort() sizes its buffer by the memory installed. */
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(sysinfo),
	/* Returning from the signal handler (io/signals.c). */
	SCMP_SYS(rt_sigreturn),
	/* Sockets: the capture's and the prober's, and the UDP and TCP ones
	 * that c-ares, the prober's route question and --greet open
	 * (socket() itself is checked below); bind: --greet --source, and
	 * the capture following its recreated interface (io/iface.h);
	 * getsockname: that too. */
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(getsockname), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	/* Non-blocking and close-on-exec flags (c-ares, --greet). */
	SCMP_SYS(fcntl),
	/* The prober's secret and its probes' sequence numbers. */
	SCMP_SYS(getrandom),
	/* Leaving (one thread, so the whole group). */
	SCMP_SYS(exit_group),
};
#define NPLAIN (int)(sizeof plain / sizeof plain[0])

/*
 * The metrics endpoint (--metrics-listen, io/httpd.c: libmicrohttpd in
 * its epoll mode), found with strace(1) and SMTPSCOPE_SANDBOX=log under
 * tests/lab/prometheus-lab.sh's scrapes and hostile clients: accepting
 * on the socket opened before, the epoll set of the connections,
 * sendmsg() of a response's head and body at once, shutdown() of a
 * connection closed or cut (recvfrom, setsockopt and close are above).
 */
static const int serving[] = {
	SCMP_SYS(accept4), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(sendmsg), SCMP_SYS(shutdown),
};
#define NSERVING (int)(sizeof serving / sizeof serving[0])

/* socket(): the address families c-ares, the route question and --greet
 * use.  AF_PACKET (a second capture), AF_NETLINK and the rest are not
 * allowed: everything of theirs was opened before. */
static int
allow_socket(scmp_filter_ctx ctx)
{
	int rc;

	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET, 0))) != 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET6, 0));
}

/* mmap() and mprotect(): memory, never executable memory; madvise():
 * the reading ahead of a capture file mapped (io/pcapfile.c), and huge
 * pages for regions (util/region.c). */
static int
allow_memory(scmp_filter_ctx ctx)
{
	int rc;

	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(madvise), 1,
	    SCMP_A2(SCMP_CMP_EQ, MADV_SEQUENTIAL, 0))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(madvise), 1,
	    SCMP_A2(SCMP_CMP_EQ, MADV_HUGEPAGE, 0))) != 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* The flags of an open() that writes, creates or truncates. */
/* (O_TMPFILE includes O_DIRECTORY, which only reads.) */
#define OPEN_WRITES (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | \
    (O_TMPFILE & ~O_DIRECTORY))

/*
 * open() and openat() for reading fail with EACCES instead of killing:
 * libraries look for files lazily (c-ares reads /etc/hosts before each
 * name it resolves and falls back to DNS when it cannot; the sanitizers'
 * run-time reads /proc/self/maps, allowed in those builds by sandbox.c).
 * Any open that could write a file is not on the list: it kills.
 */
static int
refuse_reading(scmp_filter_ctx ctx, uint32_t action)
{
	int rc;

	if ((rc = seccomp_rule_add(ctx, action, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_WRITES, 0))) != 0)
		return rc;
	return seccomp_rule_add(ctx, action, SCMP_SYS(open), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, OPEN_WRITES, 0));
}

/*
 * --metrics-file (io/textfile.h): the temporary file created in the
 * textfile's directory, opened by that directory's descriptor with the
 * one set of flags, and renamed within it.  Seccomp cannot read a path,
 * so the rule holds the process to that directory descriptor; every
 * other open that writes still kills.  The descriptor is an int: only
 * its low 32 bits are compared.
 */
static int
allow_textfile(scmp_filter_ctx ctx, int dirfd)
{
	const scmp_datum_t fd = (scmp_datum_t)(uint32_t)dirfd;
	int rc;

	if (dirfd < 0)
		return 0;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 2,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fd),
	    SCMP_A2(SCMP_CMP_EQ, TEXTFILE_OPEN_FLAGS, 0))) != 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(renameat), 2,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fd),
	    SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, fd));
}

/*
 * -w's next file (-C, -G, SIGHUP; io/rotate.c): openat() that creates a
 * new file for writing with O_EXCL, which opens no file that exists (nor
 * through a symbolic link), so nothing already on disk can be truncated
 * or written.  With a -C -W ring, unlink() of its oldest file too (the
 * only calls here that take a path; seccomp cannot see the path).
 */
static int
allow_create(scmp_filter_ctx ctx, int may)
{
	int rc = 0;

	if ((may & SANDBOX_MAY_CREATE) &&
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_WRITES | O_EXCL,
	    O_WRONLY | O_CREAT | O_EXCL))) != 0)
		return rc;
	if ((may & SANDBOX_MAY_UNLINK) &&
	    ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(unlink),
	    0)) != 0 || (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(unlinkat), 1, SCMP_A2(SCMP_CMP_EQ, 0, 0))) != 0))
		return rc;
	return rc;
}

/*
 * ioctl(): four questions, no change.  TCGETS: stdio asking whether an
 * output is a terminal (to buffer it by line).  SIOCGIFFLAGS and
 * SIOCGIFINDEX: libpcap asking, when the capture socket reports an error,
 * whether the interface went down or disappeared (to say which), and
 * io/iface.c following it; SIOCGIFHWADDR: io/iface.c asking the link type
 * of an interface recreated under the capture's name.  (Binding the
 * capture's socket to it is bind(), above.)
 */
static const unsigned long ioctls[] = {
	TCGETS, SIOCGIFFLAGS, SIOCGIFINDEX, SIOCGIFHWADDR
};

static int
allow_ioctl(scmp_filter_ctx ctx)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof ioctls / sizeof ioctls[0]; i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, ioctls[i], 0))) != 0)
			return rc;
	return 0;
}

/* The sanitizers' run-time (make SANITIZE=1): AddressSanitizer's reports
 * and LeakSanitizer's check at exit stop the process's threads with a
 * tracer (clone, ptrace, wait4), list them from /proc (getdents64) and
 * read /proc/self/maps; the allocator gives memory back (madvise).  Never
 * in the shipped build. */
#if SANITIZE_ADDRESS
static const int sanitizer[] = {
	SCMP_SYS(clone), SCMP_SYS(ptrace), SCMP_SYS(wait4), SCMP_SYS(getdents),
	SCMP_SYS(getdents64),
	SCMP_SYS(sched_yield), SCMP_SYS(prctl), SCMP_SYS(sigaltstack),
	SCMP_SYS(rt_sigaction), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(tgkill), SCMP_SYS(readlink), SCMP_SYS(futex),
	SCMP_SYS(getppid), SCMP_SYS(sched_getaffinity), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(exit),
	/* the allocator giving back memory that left the quarantine
	 * (prometheus-lab's 3000 scrapes, with a small quarantine) */
	SCMP_SYS(madvise),
};
#define NSANITIZER (int)(sizeof sanitizer / sizeof sanitizer[0])
#define READ_OPENS SCMP_ACT_ALLOW
#else
static const int sanitizer[1];
#define NSANITIZER 0
#define READ_OPENS SCMP_ACT_ERRNO(EACCES)
#endif

int
syscalls_allow(scmp_filter_ctx ctx, int may, int write_dir)
{
	int i, rc;

	for (i = 0; i < NPLAIN; i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, plain[i], 0)) != 0)
			return rc;
	for (i = 0; i < NSERVING && (may & SANDBOX_MAY_SERVE); i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, serving[i], 0)) != 0)
			return rc;
	for (i = 0; i < NSANITIZER; i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sanitizer[i], 0)) != 0)
			return rc;
	if ((rc = allow_socket(ctx)) != 0 || (rc = allow_memory(ctx)) != 0 ||
	    (rc = allow_ioctl(ctx)) != 0 || (rc = allow_create(ctx, may)) != 0 ||
	    (rc = allow_textfile(ctx, write_dir)) != 0)
		return rc;
	return refuse_reading(ctx, (may & SANDBOX_MAY_READ) ? SCMP_ACT_ALLOW :
	    READ_OPENS);
}
