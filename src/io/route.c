/*
 * Route lookups over rtnetlink (io/route.h).  The kernel handles a
 * request while it is sent, so the answer is normally waiting when recv()
 * is called; a short receive timeout bounds the wait when it is not.
 * Replies are read from bytes, every length checked, as packets are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "io/loop.h"
#include "io/route.h"

/* recv() calls for one answer, at most: replies to requests that timed
 * out before may come first. */
#define ROUTE_READS 4

struct route {
	int fd;
	uint32_t seq;
	uint32_t seed;
	uint64_t asked;
	struct route_entry {
		struct addr a;
		int8_t via;		/* route_via_gateway()'s answer */
		int64_t until;		/* loop_now() it is kept to; 0: empty */
	} e[ROUTE_SLOTS];
};

struct route *
route_open(char *err, size_t errlen)
{
	struct sockaddr_nl sa;
	struct timeval tv = { 0, ROUTE_WAIT_MS * 1000 };
	struct route *r;

	if ((r = calloc(1, sizeof *r)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	r->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (r->fd < 0 || setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof tv) != 0 || bind(r->fd, (struct sockaddr *)&sa,
	    sizeof sa) != 0) {
		snprintf(err, errlen, "rtnetlink socket: %s", strerror(errno));
		route_close(r);
		return NULL;
	}
	r->seed = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)r;
	return r;
}

void
route_close(struct route *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

uint64_t
route_asked(const struct route *r)
{
	return r->asked;
}

/* The attributes after the rtmsg, from off to len: is there a gateway? */
static int
gateway_attr(const uint8_t *msg, size_t off, size_t len)
{
	struct rtattr a;

	while (off <= len && sizeof a <= len - off) {
		memcpy(&a, msg + off, sizeof a);
		if (a.rta_len < sizeof a || a.rta_len > len - off)
			return -1;
		if (a.rta_type == RTA_GATEWAY || a.rta_type == RTA_VIA ||
		    a.rta_type == RTA_MULTIPATH)
			return 1;
		off += RTA_ALIGN(a.rta_len);
	}
	return 0;
}

int
route_reply(const uint8_t *msg, size_t len)
{
	struct nlmsghdr nh;
	struct rtmsg rt;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof rt);

	if (len < off)
		return -1;
	memcpy(&nh, msg, sizeof nh);
	if (nh.nlmsg_type != RTM_NEWROUTE || nh.nlmsg_len < off ||
	    nh.nlmsg_len > len)
		return -1;
	memcpy(&rt, msg + NLMSG_HDRLEN, sizeof rt);
	if (rt.rtm_type != RTN_UNICAST && rt.rtm_type != RTN_LOCAL)
		return -1;
	if (rt.rtm_type == RTN_LOCAL)
		return 0;
	return gateway_attr(msg, off, nh.nlmsg_len);
}

/* Sends RTM_GETROUTE for dst with sequence number seq. */
static int
request(int fd, const struct addr *dst, uint32_t seq)
{
	uint8_t req[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg)) +
	    RTA_SPACE(16)];
	struct nlmsghdr nh;
	struct rtmsg rt;
	struct rtattr a;
	size_t alen = dst->family == 4 ? 4 : 16, off;

	memset(req, 0, sizeof req);
	memset(&rt, 0, sizeof rt);
	rt.rtm_family = dst->family == 4 ? AF_INET : AF_INET6;
	rt.rtm_dst_len = (unsigned char)(alen * 8);
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof rt);
	a.rta_type = RTA_DST;
	a.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req + NLMSG_HDRLEN, &rt, sizeof rt);
	memcpy(req + off, &a, sizeof a);
	memcpy(req + off + RTA_LENGTH(0), dst->b, alen);
	memset(&nh, 0, sizeof nh);
	nh.nlmsg_len = (uint32_t)(off + RTA_LENGTH(alen));
	nh.nlmsg_type = RTM_GETROUTE;
	nh.nlmsg_flags = NLM_F_REQUEST;
	nh.nlmsg_seq = seq;
	memcpy(req, &nh, sizeof nh);
	return send(fd, req, nh.nlmsg_len, 0) < 0 ? -1 : 0;
}

/* The kernel's answer to request seq, from the messages in buf[0..n). */
static int
answer_in(const uint8_t *buf, size_t n, uint32_t seq, int *found)
{
	struct nlmsghdr nh;
	size_t off = 0;

	while (off <= n && sizeof nh <= n - off) {
		memcpy(&nh, buf + off, sizeof nh);
		if (nh.nlmsg_len < sizeof nh || nh.nlmsg_len > n - off)
			return -1;
		if (nh.nlmsg_seq == seq && (nh.nlmsg_type == RTM_NEWROUTE ||
		    nh.nlmsg_type == NLMSG_ERROR)) {
			*found = 1;
			return route_reply(buf + off, nh.nlmsg_len);
		}
		off += NLMSG_ALIGN(nh.nlmsg_len);
	}
	return -1;
}

static int
ask(struct route *r, const struct addr *dst)
{
	uint8_t buf[8192];
	struct sockaddr_nl from;
	socklen_t fromlen;
	ssize_t n;
	int i, via, found = 0;

	r->asked++;
	if (request(r->fd, dst, ++r->seq) != 0)
		return -1;
	for (i = 0; i < ROUTE_READS; i++) {
		fromlen = sizeof from;
		if ((n = recvfrom(r->fd, buf, sizeof buf, 0,
		    (struct sockaddr *)&from, &fromlen)) < 0)
			return -1;
		if (fromlen != sizeof from || from.nl_pid != 0)
			continue;	/* not from the kernel */
		via = answer_in(buf, (size_t)n, r->seq, &found);
		if (found)
			return via;
	}
	return -1;
}

int
route_via_gateway(void *ctx, const struct addr *dst)
{
	struct route *r = ctx;
	struct route_entry *e;
	int64_t now = loop_now();

	if (dst->family != 4 && dst->family != 6)
		return -1;
	e = &r->e[addr_hash(dst, 0, r->seed) % ROUTE_SLOTS];
	if (e->until > now && addr_eq(&e->a, dst))
		return e->via;
	e->a = *dst;
	e->via = (int8_t)ask(r, dst);
	e->until = now + ROUTE_KEEP_US;
	return e->via;
}
