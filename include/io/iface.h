/*
 * The interface a live capture is bound to, followed through down/up and
 * delete/recreate without reopening anything.  On Linux the capture is a
 * packet socket bound to the interface's index: the kernel stops feeding
 * it while the interface is down and resumes by itself when it comes up;
 * when the interface is deleted the socket loses its binding, and binding
 * the same socket to the new interface of that name brings it back, with
 * its filter, its ring and its kernel counters.  None of this needs a
 * privilege (only opening a packet socket does), so it works after -Z and
 * inside the sandbox: the calls are getsockname, bind and the ioctls
 * SIOCGIFINDEX, SIOCGIFFLAGS and SIOCGIFHWADDR on the socket itself.
 */
#ifndef SMTPSCOPE_IFACE_H
#define SMTPSCOPE_IFACE_H

#include <stddef.h>
#include <stdint.h>

#define IFACE_NAME_MAX 16	/* IFNAMSIZ, the terminating NUL included */

struct iface {
	int fd;				/* the capture's packet socket */
	char name[IFACE_NAME_MAX];
	uint16_t protocol;		/* what it receives, network order */
	uint16_t hatype;		/* ARPHRD_*: its link type at open */
};

enum iface_state {
	IFACE_UP,		/* the socket's interface is there and up */
	IFACE_DOWN,		/* there, but down */
	IFACE_GONE,		/* no interface of that name */
	IFACE_BACK,		/* an interface of that name that the socket
				 * is not bound to (deleted and recreated) */
	IFACE_ERROR		/* the kernel would not say (errno) */
};

/* 0 when fd is a packet socket bound to the one interface name (then f
 * can follow it); -1 otherwise (another kind of capture, or "any"). */
int iface_init(struct iface *f, int fd, const char *name);
/* What has become of the interface; for IFACE_BACK, its new index. */
enum iface_state iface_state(const struct iface *f, int *ifindex);
/* Binds the socket to the interface at ifindex (IFACE_BACK): 0; 1 when
 * it is of another link type than the capture was opened with (the
 * socket is left as it was, and *hatype says which); -1 with errno. */
int iface_rebind(struct iface *f, int ifindex, int *hatype);

#endif
