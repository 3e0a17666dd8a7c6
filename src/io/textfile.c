/* Atomic replacement of a file by rename (io/textfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/textfile.h"

struct textfile {
	int dirfd;
	char name[NAME_MAX + 1];	/* within the directory */
	char tmp[NAME_MAX + 1];		/* ".NAME.PID.tmp": ignored by the
					 * collector, which reads *.prom */
};

struct textfile *
textfile_open(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	char dir[PATH_MAX];
	struct textfile *tf;
	int n;

	if (*base == '\0' || strlen(base) + 20 > NAME_MAX ||
	    (slash != NULL && (size_t)(slash - path) >= sizeof dir)) {
		snprintf(err, errlen, "%s: not a file name", path);
		return NULL;
	}
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if ((tf = calloc(1, sizeof *tf)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	strcpy(tf->name, base);
	n = snprintf(tf->tmp, sizeof tf->tmp, ".%s.%ld.tmp", base, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tf->tmp ||
	    (tf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(tf);
		return NULL;
	}
	return tf;
}

int
textfile_dirfd(const struct textfile *tf)
{
	return tf->dirfd;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
textfile_write(struct textfile *tf, const char *data, size_t len)
{
	int fd, saved;

	if ((fd = openat(tf->dirfd, tf->tmp, TEXTFILE_OPEN_FLAGS, 0644)) < 0)
		return -1;
	if (write_all(fd, data, len) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (close(fd) != 0)
		return -1;
	return renameat(tf->dirfd, tf->tmp, tf->dirfd, tf->name);
}

void
textfile_close(struct textfile *tf)
{
	if (tf == NULL)
		return;
	close(tf->dirfd);
	free(tf);
}
