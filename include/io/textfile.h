/*
 * A file replaced whole, atomically, as node_exporter's textfile
 * collector wants: each version is written to a temporary name in the
 * same directory and renamed over the file, so a reader sees the old
 * version or the new one, never half of one.  The directory is opened
 * once, before the sandbox; after it only openat() and renameat() on that
 * directory descriptor are needed (io/sandbox.h sandbox_allow_dir()).
 */
#ifndef SMTPSCOPE_TEXTFILE_H
#define SMTPSCOPE_TEXTFILE_H

#include <fcntl.h>
#include <stddef.h>

/* The flags of the temporary file's openat(), for the sandbox rule. */
#define TEXTFILE_OPEN_FLAGS (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)

struct textfile;

/* Opens path's directory; NULL with a message in err (naming path). */
struct textfile *textfile_open(const char *path, char *err, size_t errlen);
/* The directory's descriptor. */
int textfile_dirfd(const struct textfile *tf);
/* Replaces the file with data; 0, or -1 with errno set (the temporary
 * file may stay behind, to be overwritten by the next write). */
int textfile_write(struct textfile *tf, const char *data, size_t len);
void textfile_close(struct textfile *tf);

#endif
