/*
 * maxrss: runs a command and writes its peak resident set size in KiB to
 * FILE, as `/usr/bin/time -f %M -o FILE` does; for machines without GNU
 * time.  With -c, the line also has the command's CPU time (user plus
 * system, seconds, to the microsecond), which moves less than the wall
 * time when other work shares the CPUs.  Exits with the command's status.
 *
 *   maxrss [-c] FILE COMMAND [ARG...]
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st, cpu = 0, r;

	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		cpu = 1;
		argc--, argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: maxrss [-c] FILE COMMAND [ARG...]\n");
		return 2;
	}
	if ((pid = fork()) == -1) {
		perror("maxrss: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) == -1) {
		perror("maxrss: wait4");
		return 127;
	}
	if ((f = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 127;
	}
	if (cpu)
		r = fprintf(f, "%ld %ld.%06ld\n", ru.ru_maxrss,
		    (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000000),
		    (long)((ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) % 1000000));
	else
		r = fprintf(f, "%ld\n", ru.ru_maxrss);
	if (r < 0 || fclose(f) != 0) {
		perror(argv[1]);
		return 127;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
