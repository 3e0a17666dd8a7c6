/*
 * The -w files of a run, named as tcpdump names them (tcpdump.c's
 * MakeFilename): with -C the nth file after the first gets n appended,
 * with -C -W the number always, zero-padded to the width of count-1; with
 * -G the name is strftime(3) of -w at the time the file is opened, and the
 * -C number starts again at each interval.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/rotate.h"

/* NAME.1 ... NAME.CLOBBER_MAX are tried when NAME is taken. */
#define CLOBBER_MAX 999

struct rotate {
	struct rotate_config cfg;
	struct pcapngw_info info;
	struct pcapngw *w;
	uint64_t packets;		/* in the current file */
	unsigned seq;			/* -C: the current file's number */
	int files;			/* opened so far, for -G -W */
	char **ring;			/* -C -W: the name of each slot made */
	char name[PATH_MAX];		/* the current file */
	char wanted[PATH_MAX];		/* its name before a suffix */
	int suffixed;
	int special;			/* a FIFO or device: never reopened */
};

/* Digits of count-1: the width of a ring's numbers (0 for -W 1). */
static int
ring_width(int count)
{
	int w = 0;

	for (count -= 1; count > 0; count /= 10)
		w++;
	return w;
}

/* The name the next file should have (before any suffix); -1 when it does
 * not fit or strftime makes nothing of it. */
static int
next_name(const struct rotate *r, unsigned seq, char *buf, size_t len)
{
	char base[PATH_MAX];
	int n, width = r->cfg.count > 0 ? ring_width(r->cfg.count) : 0;

	if (r->cfg.interval_us > 0) {
		time_t now = time(NULL);
		struct tm tm;

		if (localtime_r(&now, &tm) == NULL ||
		    strftime(base, sizeof base, r->cfg.name, &tm) == 0)
			return -1;
	} else if (snprintf(base, sizeof base, "%s", r->cfg.name) >=
	    (int)sizeof base)
		return -1;
	if (r->cfg.size == 0 || (seq == 0 && width == 0))
		n = snprintf(buf, len, "%s", base);
	else if (r->ring != NULL)
		n = snprintf(buf, len, "%s%0*u", base, width,
		    seq % (unsigned)r->cfg.count);
	else
		n = snprintf(buf, len, "%s%u", base, seq);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * A FIFO or a device at the name (a pipe to a reader, /dev/null) is no
 * file to clobber: without -C and -G it is written as it is, opened
 * before the sandbox (which lets no open write what exists).
 */
static int
open_special(const struct rotate *r, const char *name)
{
	struct stat st;

	if (r->files > 0 || r->cfg.size > 0 || r->cfg.interval_us > 0 ||
	    lstat(name, &st) != 0 || !(S_ISFIFO(st.st_mode) ||
	    S_ISCHR(st.st_mode))) {
		errno = EEXIST;
		return -1;
	}
	return open(name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
}

/* Creates want, or the first free want.N; the fd, or -1 with errno set.
 * O_EXCL: never a file that exists, nor through a symbolic link; 0600:
 * it holds mail traffic. */
static int
create(struct rotate *r, const char *want, char *got, size_t len)
{
	int i, fd;

	for (i = 0; i <= CLOBBER_MAX; i++) {
		if ((i == 0 ? snprintf(got, len, "%s", want) :
		    snprintf(got, len, "%s.%d", want, i)) >= (int)len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(got, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		if (i == 0 && (fd = open_special(r, got)) >= 0) {
			r->special = 1;
			return fd;
		}
	}
	return -1;
}

/* -C -W: the slot's previous file, made by this run, makes room. */
static int
ring_slot(struct rotate *r, unsigned seq)
{
	char **slot;

	if (r->ring == NULL)
		return 0;
	slot = &r->ring[seq % (unsigned)r->cfg.count];
	if (*slot != NULL) {
		if (unlink(*slot) != 0 && errno != ENOENT)
			return -1;
		free(*slot);
		*slot = NULL;
	}
	return 0;
}

/* The file numbered seq, opened and headed; its writer, or NULL with err
 * set.  r->name is left as it was when this fails. */
static struct pcapngw *
open_file(struct rotate *r, unsigned seq, char *err, size_t errlen)
{
	char want[PATH_MAX], got[PATH_MAX];
	struct pcapngw *w;
	FILE *fp;
	int fd;

	if (next_name(r, seq, want, sizeof want) != 0) {
		snprintf(err, errlen, "-w %s: the file name is empty or too long",
		    r->cfg.name);
		return NULL;
	}
	if (ring_slot(r, seq) != 0) {
		snprintf(err, errlen, "-w %s: cannot remove the ring's old "
		    "file: %s", want, strerror(errno));
		return NULL;
	}
	if ((fd = create(r, want, got, sizeof got)) < 0 ||
	    (fp = fdopen(fd, "wb")) == NULL) {
		snprintf(err, errlen, "-w %s: %s", want, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	/* pcapngw_open() writes the header and flushes it: a run killed
	 * before its first packet leaves a valid, empty capture. */
	errno = 0;
	if ((w = pcapngw_open(fp, &r->info)) == NULL) {
		snprintf(err, errlen, "-w %s: %s", got, errno != 0 ?
		    strerror(errno) : "cannot write the evidence file");
		return NULL;
	}
	if (r->ring != NULL)
		r->ring[seq % (unsigned)r->cfg.count] = strdup(got);
	r->suffixed = strcmp(want, got) != 0;
	memcpy(r->wanted, want, sizeof want);
	memcpy(r->name, got, sizeof got);
	r->seq = seq;
	r->files++;
	return w;
}

struct rotate *
rotate_open(const struct rotate_config *cfg, const struct pcapngw_info *info,
    char *err, size_t errlen)
{
	struct rotate *r = calloc(1, sizeof *r);

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->cfg = *cfg;
	r->info = *info;
	if (cfg->size > 0 && cfg->count > 0 && cfg->interval_us == 0 &&
	    (r->ring = calloc((size_t)cfg->count, sizeof *r->ring)) == NULL) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((r->w = open_file(r, 0, err, errlen)) == NULL) {
		rotate_close(r);
		return NULL;
	}
	return r;
}

int
rotate_next(struct rotate *r, enum rotate_why why, char *err, size_t errlen)
{
	char old[PATH_MAX];
	struct pcapngw *w;
	unsigned seq = r->seq + 1;
	int rc = 0;

	if (why == ROTATE_TIME && r->cfg.count > 0 && r->cfg.size == 0 &&
	    r->files >= r->cfg.count) {
		rc = pcapngw_close(r->w);
		r->w = NULL;
		if (rc != 0)
			snprintf(err, errlen, "-w %s: cannot write the evidence "
			    "file", r->name);
		return rc != 0 ? -1 : ROTATE_DONE;
	}
	if (r->special) {
		snprintf(err, errlen, "-w %s: not a regular file, not reopened",
		    r->name);
		return -1;
	}
	if (why == ROTATE_TIME || r->cfg.size == 0)
		seq = 0;
	memcpy(old, r->name, sizeof old);
	if ((w = open_file(r, seq, err, errlen)) == NULL)
		return -1;
	/* A reopen is not one of -G -W's files. */
	if (why == ROTATE_REOPEN && r->cfg.interval_us > 0)
		r->files--;
	if (pcapngw_close(r->w) != 0) {
		snprintf(err, errlen, "-w %s: cannot write the evidence file",
		    old);
		rc = ROTATE_CLOSE_FAILED;
	}
	r->w = w;
	r->packets = 0;
	return rc;
}

int
rotate_packet(struct rotate *r, int64_t sec, int64_t usec,
    const uint8_t *data, uint32_t caplen, uint32_t len, char *err,
    size_t errlen)
{
	if (r->w == NULL)
		return 0;		/* -G -W is done; the run is ending */
	if (r->cfg.size > 0 && r->packets > 0 &&
	    pcapngw_bytes(r->w) + pcapngw_packet_bytes(caplen) > r->cfg.size &&
	    rotate_next(r, ROTATE_SIZE, err, errlen) != 0)
		return -1;
	r->packets++;
	if (pcapngw_packet(r->w, sec, usec, data, caplen, len) != 0) {
		snprintf(err, errlen, "-w %s: cannot write the evidence file",
		    r->name);
		return -1;
	}
	return 0;
}

const char *
rotate_name(const struct rotate *r)
{
	return r->name;
}

const char *
rotate_take_wanted(struct rotate *r)
{
	if (!r->suffixed)
		return NULL;
	r->suffixed = 0;
	return r->wanted;
}

int
rotate_flush(struct rotate *r)
{
	return r->w != NULL ? pcapngw_flush(r->w) : 0;
}

int
rotate_close(struct rotate *r)
{
	int i, rc;

	if (r == NULL)
		return 0;
	rc = pcapngw_close(r->w);
	for (i = 0; r->ring != NULL && i < r->cfg.count; i++)
		free(r->ring[i]);
	free(r->ring);
	free(r);
	return rc;
}
