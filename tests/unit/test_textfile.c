/* io/textfile.c: a file replaced whole by rename, its temporary name
 * hidden and left nowhere, and the paths it refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/textfile.h"

static char dir[] = "/tmp/smtpscope-textfile-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* Names in the directory, but . and .. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
replaces_whole(void **state)
{
	char path[256], buf[64], err[256];
	struct textfile *tf;
	struct stat a, b;

	(void)state;
	snprintf(path, sizeof path, "%s/m.prom", dir);
	tf = textfile_open(path, err, sizeof err);
	assert_non_null(tf);
	assert_int_equal(textfile_write(tf, "first version\n", 14), 0);
	assert_int_equal(stat(path, &a), 0);
	slurp(path, buf, sizeof buf);
	assert_string_equal(buf, "first version\n");
	/* Shorter: nothing of the first is left; a new file (inode), so a
	 * reader holding the old one reads it whole. */
	assert_int_equal(textfile_write(tf, "2nd\n", 4), 0);
	assert_int_equal(stat(path, &b), 0);
	slurp(path, buf, sizeof buf);
	assert_string_equal(buf, "2nd\n");
	assert_true(a.st_ino != b.st_ino);
	assert_int_equal(entries(), 1);
	textfile_close(tf);
}

/* A relative name is in the current directory. */
static void
relative_name(void **state)
{
	char cwd[512], buf[16], err[256];
	struct textfile *tf;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	tf = textfile_open("rel.prom", err, sizeof err);
	assert_non_null(tf);
	assert_int_equal(textfile_write(tf, "x\n", 2), 0);
	slurp("rel.prom", buf, sizeof buf);
	assert_string_equal(buf, "x\n");
	textfile_close(tf);
	assert_int_equal(unlink("rel.prom"), 0);
	assert_int_equal(chdir(cwd), 0);
}

static void
refused_paths(void **state)
{
	char path[512], err[256];

	(void)state;
	snprintf(path, sizeof path, "%s/", dir);
	assert_null(textfile_open(path, err, sizeof err));
	assert_non_null(strstr(err, "not a file name"));
	snprintf(path, sizeof path, "%s/no/such/m.prom", dir);
	assert_null(textfile_open(path, err, sizeof err));
	assert_non_null(strstr(err, strerror(ENOENT)));
	memset(path, 'a', 300);
	path[300] = '\0';
	assert_null(textfile_open(path, err, sizeof err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replaces_whole),
		cmocka_unit_test(relative_name),
		cmocka_unit_test(refused_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
