/*
 * LD_PRELOAD shim for tests/lab/clock-lab.sh: steps CLOCK_REALTIME (as an
 * NTP step would) by CLOCKSTEP_SECONDS once CLOCKSTEP_AFTER seconds have
 * passed on CLOCK_MONOTONIC since the first call.  Only what the process
 * asks through clock_gettime() moves; the kernel's packet timestamps do
 * not, as they would not if the step came before the packets were taken.
 *   cc -shared -fPIC -o clockstep.so clockstep.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

typedef int (*gettime_fn)(clockid_t, struct timespec *);

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	static gettime_fn real;
	static struct timespec start;
	static long step, after;
	struct timespec now;
	int rc;

	if (real == NULL) {
		real = (gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
		step = atol(getenv("CLOCKSTEP_SECONDS") ? getenv("CLOCKSTEP_SECONDS") : "0");
		after = atol(getenv("CLOCKSTEP_AFTER") ? getenv("CLOCKSTEP_AFTER") : "0");
		real(CLOCK_MONOTONIC, &start);
	}
	rc = real(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
		real(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= after)
			ts->tv_sec += step;
	}
	return rc;
}
