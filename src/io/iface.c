/*
 * Following the capture's interface by name (io/iface.h).  Every question
 * is asked of the capture's own socket, so no other socket is opened.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_packet.h>

#include "io/iface.h"

_Static_assert(IFACE_NAME_MAX == IFNAMSIZ, "IFACE_NAME_MAX is IFNAMSIZ");

static int
bound_to(int fd, struct sockaddr_ll *sa)
{
	socklen_t len = sizeof *sa;

	memset(sa, 0, sizeof *sa);
	if (getsockname(fd, (struct sockaddr *)sa, &len) != 0)
		return -1;
	return sa->sll_family == AF_PACKET ? 0 : -1;
}

static void
request(const struct iface *f, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof *ifr);
	memcpy(ifr->ifr_name, f->name, sizeof f->name);
}

int
iface_init(struct iface *f, int fd, const char *name)
{
	struct sockaddr_ll sa;

	memset(f, 0, sizeof *f);
	if (strlen(name) >= sizeof f->name || bound_to(fd, &sa) != 0 ||
	    sa.sll_ifindex <= 0)
		return -1;
	f->fd = fd;
	memcpy(f->name, name, strlen(name));
	f->protocol = sa.sll_protocol;
	f->hatype = sa.sll_hatype;
	return 0;
}

enum iface_state
iface_state(const struct iface *f, int *ifindex)
{
	struct sockaddr_ll sa;
	struct ifreq ifr;

	if (bound_to(f->fd, &sa) != 0)
		return IFACE_ERROR;
	request(f, &ifr);
	if (ioctl(f->fd, SIOCGIFINDEX, &ifr) != 0)
		return errno == ENODEV ? IFACE_GONE : IFACE_ERROR;
	/* The socket's interface is gone (its index -1) or another one
	 * now has the name: follow the name. */
	if (sa.sll_ifindex != ifr.ifr_ifindex) {
		*ifindex = ifr.ifr_ifindex;
		return IFACE_BACK;
	}
	if (ioctl(f->fd, SIOCGIFFLAGS, &ifr) != 0)
		return errno == ENODEV ? IFACE_GONE : IFACE_ERROR;
	return (ifr.ifr_flags & IFF_UP) ? IFACE_UP : IFACE_DOWN;
}

int
iface_rebind(struct iface *f, int ifindex, int *hatype)
{
	struct sockaddr_ll sa;
	struct ifreq ifr;

	/* The link type first: the capture's link-layer decoding (and the
	 * -w file's) was fixed when it was opened. */
	request(f, &ifr);
	if (ioctl(f->fd, SIOCGIFHWADDR, &ifr) != 0)
		return -1;
	*hatype = ifr.ifr_hwaddr.sa_family;
	if (*hatype != f->hatype)
		return 1;
	memset(&sa, 0, sizeof sa);
	sa.sll_family = AF_PACKET;
	sa.sll_protocol = f->protocol;
	sa.sll_ifindex = ifindex;
	return bind(f->fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? 0 : -1;
}
