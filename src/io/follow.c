/* tail -F on the event loop (io/follow.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/follow.h"

struct follow {
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	off_t off;
	follow_fn fn;
	void *ctx;
	struct loop *loop;
	int timer;
	struct follow_counts n;
};

struct follow *
follow_open(const char *path, follow_fn fn, void *ctx, char *err, size_t errlen)
{
	struct follow *f = calloc(1, sizeof *f);
	struct stat st;

	if (f == NULL || (f->path = strdup(path)) == NULL) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(f->fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f->fd >= 0)
			close(f->fd);
		free(f->path);
		free(f);
		return NULL;
	}
	f->dev = st.st_dev, f->ino = st.st_ino;
	f->off = S_ISREG(st.st_mode) ? st.st_size : 0;
	f->fn = fn, f->ctx = ctx;
	f->timer = -1;
	return f;
}

/* New bytes of the open file, up to FOLLOW_READ_MAX; a file shorter than
 * what was read is read again from its start. */
static void
read_new(struct follow *f)
{
	static char buf[1 << 16];
	size_t total = 0;
	struct stat st;
	ssize_t k;

	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < f->off) {
		f->n.truncations++;
		f->off = 0;
	}
	while (total < FOLLOW_READ_MAX &&
	    (k = pread(f->fd, buf, sizeof buf, f->off)) > 0) {
		f->off += k;
		total += (size_t)k;
		f->n.bytes += (uint64_t)k;
		f->fn(f->ctx, buf, (size_t)k);
	}
}

/* The path now names another file: finish the old one, take the new. */
static void
check_rotation(struct follow *f)
{
	struct stat st;
	int fd;

	if (stat(f->path, &st) != 0 || (st.st_dev == f->dev && st.st_ino == f->ino))
		return;		/* missing for now, or the same file */
	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC)) < 0) {
		f->n.reopen_failures++;
		return;
	}
	read_new(f);
	close(f->fd);
	f->fd = fd;
	f->dev = st.st_dev, f->ino = st.st_ino;
	f->off = 0;
	f->n.rotations++;
}

void
follow_drain(struct follow *f)
{
	read_new(f);
	check_rotation(f);
	read_new(f);
}

static void
tick(void *ctx, int64_t now)
{
	struct follow *f = ctx;

	follow_drain(f);
	loop_timer_at(f->loop, f->timer, now + FOLLOW_TICK_US);
}

int
follow_attach(struct follow *f, struct loop *l)
{
	if ((f->timer = loop_timer_add(l, tick, f)) < 0)
		return -1;
	f->loop = l;
	loop_timer_at(l, f->timer, loop_now() + FOLLOW_TICK_US);
	return 0;
}

const struct follow_counts *
follow_counts(const struct follow *f)
{
	return &f->n;
}

void
follow_close(struct follow *f)
{
	if (f == NULL)
		return;
	if (f->loop != NULL && f->timer >= 0)
		loop_timer_del(f->loop, f->timer);
	close(f->fd);
	free(f->path);
	free(f);
}
