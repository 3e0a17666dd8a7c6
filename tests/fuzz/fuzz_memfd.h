/* The fuzz input as a file descriptor, for the readers that take one.
 * Needs _GNU_SOURCE (memfd_create) before the first include. */
#ifndef FUZZ_MEMFD_H
#define FUZZ_MEMFD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* A descriptor at offset 0 of a memory file holding data; -1 on failure. */
static int
fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

#endif
