/*
 * This host's own addresses: is an address one a probe may send from?
 * getifaddrs(3) lists the addresses of every interface of the network
 * namespace the process runs in; an address on an interface that is down
 * counts too (the kernel owns it).
 */
#ifndef SMTPSCOPE_HOSTADDR_H
#define SMTPSCOPE_HOSTADDR_H

#include <stdbool.h>

#include "util/addr.h"

struct ifaddrs;

/* 1 when a is an address of one of this host's interfaces, 0 when not,
 * -1 (errno set) when the list cannot be had. */
int hostaddr_is_local(const struct addr *a);
/* Does the getifaddrs() list name a?  (No system call: unit-tested.) */
bool hostaddr_in_list(const struct ifaddrs *list, const struct addr *a);

#endif
