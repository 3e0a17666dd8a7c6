/* Is an address this host's?  getifaddrs(3), compared byte for byte. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <string.h>

#include "io/hostaddr.h"

/* The address of one list entry as a struct addr; false for another
 * family (AF_PACKET) or none. */
static bool
entry_addr(const struct ifaddrs *e, struct addr *out)
{
	memset(out, 0, sizeof *out);
	if (e->ifa_addr == NULL)
		return false;
	if (e->ifa_addr->sa_family == AF_INET) {
		out->family = 4;
		memcpy(out->b, &((const struct sockaddr_in *)(const void *)
		    e->ifa_addr)->sin_addr, 4);
		return true;
	}
	if (e->ifa_addr->sa_family == AF_INET6) {
		out->family = 6;
		memcpy(out->b, &((const struct sockaddr_in6 *)(const void *)
		    e->ifa_addr)->sin6_addr, 16);
		return true;
	}
	return false;
}

bool
hostaddr_in_list(const struct ifaddrs *list, const struct addr *a)
{
	const struct ifaddrs *e;
	struct addr x;

	for (e = list; e != NULL; e = e->ifa_next)
		if (entry_addr(e, &x) && addr_eq(&x, a))
			return true;
	return false;
}

int
hostaddr_is_local(const struct addr *a)
{
	struct ifaddrs *list;
	bool found;

	if (getifaddrs(&list) != 0)
		return -1;
	found = hostaddr_in_list(list, a);
	freeifaddrs(list);
	return found ? 1 : 0;
}
