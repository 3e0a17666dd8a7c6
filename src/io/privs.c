/* Privilege drop in the order tcpdump -Z uses: groups, gid, uid. */
#define _GNU_SOURCE	/* setresuid(2), setresgid(2) */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <unistd.h>

#include "io/privs.h"

/*
 * The bounding and ambient sets, emptied while CAP_SETPCAP is still held
 * (root): nothing this process could execute later would get a
 * capability back.  Without CAP_SETPCAP (setcap'd binary run by a user)
 * the bounding set stays; no_new_privs and the sandbox cover that case.
 */
static int
drop_inherited(char *err, size_t errlen)
{
	int cap;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL) {
		snprintf(err, errlen, "cannot clear the ambient capabilities: %s",
		    strerror(errno));
		return -1;
	}
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EPERM) {
			snprintf(err, errlen, "cannot drop capability %d from "
			    "the bounding set: %s", cap, strerror(errno));
			return -1;
		}
	return 0;
}

/* Every capability (effective, permitted, inheritable, bounding,
 * ambient) given up; then no set-user-ID program can add one back. */
static int
drop_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (drop_inherited(err, errlen) != 0)
		return -1;
	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
privs_drop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	/* Not root, but perhaps given CAP_NET_RAW/CAP_NET_ADMIN by setcap,
	 * or -Z root: the capture is open, so give them up. */
	if (geteuid() != 0 || strcmp(user, "root") == 0)
		return drop_capabilities(err, errlen);
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "-Z %s: no such user", user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (drop_inherited(err, errlen) != 0)
		return -1;
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
