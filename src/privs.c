/* Privilege drop in the order tcpdump -Z uses: groups, gid, uid. */
#define _GNU_SOURCE	/* setresuid(2), setresgid(2) */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"

int
privs_drop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || strcmp(user, "root") == 0)
		return 0;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "-Z %s: no such user", user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (initgroups(pw->pw_name, gid) != 0 ||
	    setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
		snprintf(err, errlen, "-Z %s: cannot drop privileges: %s", user,
		    strerror(errno));
		return -1;
	}
	/* No setuid binary can hand root back either. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s",
		    strerror(errno));
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "-Z %s: root could be regained after the drop",
		    user);
		return -1;
	}
	return 0;
}
