#!/usr/bin/env python3
"""Writes the malformed-capture corpus and its EXPECTED file.

    python3 tests/malformed/make-captures.py [OUTDIR]

Every capture here is crafted byte by byte (standard library only) to sit on
one boundary of the decoder or of the capture-file reader.  Each case states,
next to its bytes, the result that the rules give, and why:

  * the man page, smtpscope(8): counters (OUTPUT, Summary), matching rules
    (Matching answers), TIMING, EXIT STATUS;
  * the decoder's rules (src/decode.c): a frame is TRUNCATED only when the
    captured length is shorter than the wire length and the snap length cut
    the headers; it is MALFORMED when its headers are inconsistent with what
    exists on the wire (an IP length field bounds the wire length of what it
    encloses, so an ICMP error's quote is bounded by the outer IP length);
    a quote with 4-7 bytes of TCP has the ports but no sequence number and
    can match no attempt;
  * libpcap 1.10 (sf-pcap.c, sf-pcapng.c) for what reaches smtpscope at all:
    a record whose caplen exceeds the file's snap length but not 262144 is
    cut to the snap length; a larger one, a short read or a bad pcapng block
    is a read error, after the packets before it were delivered.

The expectations were derived from those rules, not from smtpscope's output.

EXPECTED has one line per file:

    FILE EXIT-STATUS [key=value ...] [-- read-options ...]

keys: a counter of the summary with spaces as hyphens (read, tcp, icmp-error,
not-ip, other-proto, fragment, truncated, malformed, not-smtp, midstream,
unmatched-syn-ack, unmatched-rst, unmatched-icmp, duplicate-syns,
after-verdict, time-went-back, evicted, attempts, accepted, refused,
prohibited, unreachable, dropped, unresolved); `*=0`: every counter not named
on the line is 0; `stderr=WORD`: the one-line error contains WORD;
`summary=no`: no summary is written.  tests/malformed/run.sh checks them.
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

# ---- addresses (documentation ranges only) ----
C4, S4, R4 = "192.0.2.10", "203.0.113.25", "192.0.2.1"       # client, server, router
C6, S6, R6 = "2001:db8::10", "2001:db8:1::25", "2001:db8::1"
CMAC, SMAC = bytes.fromhex("020000000010"), bytes.fromhex("020000000025")
ISN, SISN = 0x11111111, 0x22222222
CPORT = 40000
T0 = 1700000000 * 1000000          # 2023-11-14T22:13:20Z, in microseconds
SEC = 1000000


def a4(s):
    return bytes(int(x) for x in s.split("."))


def a6(s):
    head, _, tail = s.partition("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    return struct.pack("!8H", *(h + [0] * (8 - len(h) - len(t)) + t))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def put16(b, off, v):
    return b[:off] + struct.pack("!H", v) + b[off + 2:]


# ---- headers ----

def eth(payload, etype=0x0800, pad=True, src=CMAC, dst=SMAC):
    f = dst + src + struct.pack("!H", etype) + payload
    return f.ljust(60, b"\0") if pad else f


def vlan(payload, tags, etype=0x0800, pad=True):
    """Ethernet with `tags` VLAN tags: the innermost 802.1Q (0x8100), the
    ones outside it alternately 802.1ad (0x88a8) and 0x9100."""
    tpid = [0x8100 if i == tags - 1 else (0x88a8, 0x9100)[i % 2]
            for i in range(tags)]
    body = b""
    for i in range(tags):
        inner = tpid[i + 1] if i + 1 < tags else etype
        body += struct.pack("!HH", 100 + i, inner)
    return eth(body + payload, etype=tpid[0] if tags else etype, pad=pad)


def ip4(src, dst, proto, payload, ihl=5, total=None, ttl=64, frag=0x4000,
        version=4, options=b"", ident=0x1234):
    """IPv4 header.  ihl < 5 still writes 20 bytes: only the field lies."""
    nopt = max(ihl * 4 - 20, 0)
    opts = options.ljust(nopt, b"\0")[:nopt]
    if total is None:
        total = 20 + len(opts) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, total, ident, frag,
                    ttl, proto, 0, a4(src), a4(dst)) + opts
    return put16(h, 10, csum(h)) + payload


def ip6(src, dst, nh, payload, plen=None, hlim=64):
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB16s16s", 6 << 28, plen, nh, hlim, a6(src),
                       a6(dst)) + payload


def pseudo(src, dst, proto, length):
    if ":" in src:
        return a6(src) + a6(dst) + struct.pack("!IxxxB", length, proto)
    return a4(src) + a4(dst) + struct.pack("!xBH", proto, length)


def tcp(src, dst, sport, dport, seq, ack, flags, options=b"", payload=b"",
        doff=None):
    if doff is None:
        doff = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags,
                      64240, 0, 0) + options + payload
    return put16(seg, 16, csum(pseudo(src, dst, 6, len(seg)) + seg))


def icmp4(typ, code, quote):
    m = struct.pack("!BBHI", typ, code, 0, 0) + quote
    return put16(m, 2, csum(m))


def icmp6(src, dst, typ, code, quote):
    m = struct.pack("!BBHI", typ, code, 0, 0) + quote
    return put16(m, 2, csum(pseudo(src, dst, 58, len(m)) + m))


SYN, RST, ACK = 0x02, 0x04, 0x10
SYNACK = SYN | ACK
# MSS 1460, SACK permitted, timestamps, NOP, window scale 7: 20 bytes.
SYN_OPTS = bytes.fromhex("020405b4" "0402" "080a000000010000000001" "030307")
assert len(SYN_OPTS) == 20


def syn4_ip(sport=CPORT, isn=ISN, options=b""):
    return ip4(C4, S4, 6, tcp(C4, S4, sport, 25, isn, 0, SYN, options))


def syn4(sport=CPORT, isn=ISN, options=b""):
    return eth(syn4_ip(sport, isn, options))


def synack4(sport=CPORT, isn=ISN):
    return eth(ip4(S4, C4, 6, tcp(S4, C4, 25, sport, SISN, isn + 1, SYNACK),
                   ttl=58), src=SMAC, dst=CMAC)


def rst4(sport=CPORT, isn=ISN):
    return eth(ip4(S4, C4, 6, tcp(S4, C4, 25, sport, 0, isn + 1, RST | ACK),
                   ttl=58), src=SMAC, dst=CMAC)


def syn6_ip(sport=CPORT, isn=ISN):
    return ip6(C6, S6, 6, tcp(C6, S6, sport, 25, isn, 0, SYN))


def icmp4_frame(typ, code, quote):
    """An ICMPv4 error from the router to the client, quoting `quote`."""
    return eth(ip4(R4, C4, 1, icmp4(typ, code, quote), ttl=254), src=SMAC,
               dst=CMAC)


def arp():
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, CMAC, a4(C4),
                       b"\0" * 6, a4(R4))
    return eth(body, etype=0x0806, dst=b"\xff" * 6)


# ---- capture files ----

def rec(ts, data, caplen=None, wire=None, present=None):
    """A pcap record: `present` bytes of data follow a header that says
    caplen/wire (defaults: all of data)."""
    caplen = len(data) if caplen is None else caplen
    wire = len(data) if wire is None else wire
    present = min(caplen, len(data)) if present is None else present
    return (ts, data[:present], caplen, wire)


def pcap_bytes(records, linktype=1, snaplen=65535, endian="<", version=(2, 4)):
    out = struct.pack(endian + "IHHiIII", 0xa1b2c3d4, version[0], version[1],
                      0, 0, snaplen, linktype)
    for ts, data, caplen, wire in records:
        out += struct.pack(endian + "IIII", ts // SEC, ts % SEC, caplen, wire)
        out += data
    return out


def shb():
    body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    return struct.pack("<II", 0x0A0D0D0A, 12 + len(body)) + body + \
        struct.pack("<I", 12 + len(body))


def idb(linktype=1, snaplen=0):
    body = struct.pack("<HHI", linktype, 0, snaplen)
    return struct.pack("<II", 1, 12 + len(body)) + body + \
        struct.pack("<I", 12 + len(body))


def epb(ts, data, wire=None, total=None, trailer=None):
    wire = len(data) if wire is None else wire
    body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data),
                       wire) + data + b"\0" * (-len(data) % 4)
    n = 12 + len(body)
    return struct.pack("<II", 6, n if total is None else total) + body + \
        struct.pack("<I", n if trailer is None else trailer)


# ---- the cases ----

CASES = []          # (file, bytes, status, expect-string, options, why)


def case(name, data, status, expect, why, options=""):
    assert name not in [c[0] for c in CASES], name
    CASES.append((name, data, status, expect, options, why))


def one(name, frame, expect, why, caplen=None, wire=None, linktype=1):
    case(name, pcap_bytes([rec(T0, frame, caplen, wire)], linktype=linktype),
         0, expect, why)


# A SYN on its own: one attempt, still open when the input ends.
OPEN = "tcp=1 attempts=1 unresolved=1"

# -- link layer --
one("eth-short.pcap", syn4(), "read=1 truncated=1 *=0",
    "caplen 10 of wire 60: the 14-byte Ethernet header exists on the wire but "
    "the snap length cut it", caplen=10)
one("eth-runt.pcap", syn4()[:10], "read=1 malformed=1 *=0",
    "a 10-byte frame, caplen == wire: no room for an Ethernet header at all")
one("eth-zero.pcap", b"", "read=1 malformed=1 *=0",
    "caplen 0, len 0: nothing on the wire, so not a snap-length cut")
one("eth-zero-caplen.pcap", syn4(), "read=1 truncated=1 *=0",
    "caplen 0 of wire 60: everything was cut by the snap length", caplen=0)
one("eth-snap20.pcap", syn4(), "read=1 truncated=1 *=0",
    "caplen 20 of 60: Ethernet header there, IPv4 header cut after 6 bytes",
    caplen=20)
one("vlan-short.pcap", vlan(syn4_ip(), 1), "read=1 truncated=1 *=0",
    "802.1Q: caplen 16 holds 2 of the tag's 4 bytes; the wire holds it all",
    caplen=16)
one("vlan-runt.pcap", vlan(syn4_ip(), 1)[:16], "read=1 malformed=1 *=0",
    "802.1Q frame of 16 bytes on the wire: the tag cannot be there")
one("vlan-8-tags.pcap", vlan(syn4_ip(), 8), "read=1 " + OPEN + " *=0",
    "eight tags (802.1ad, 0x9100, 802.1Q...) are supported (man: up to eight)")
one("vlan-9-tags.pcap", vlan(syn4_ip(), 9), "read=1 malformed=1 *=0",
    "nine tags: 'too many VLAN tags' is malformed")
SLL = struct.pack("!HHH8sH", 0, 1, 6, CMAC + b"\0\0", 0x0800)
SLL2 = struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 4, 6, CMAC + b"\0\0")
one("sll-short.pcap", SLL + syn4_ip(), "read=1 truncated=1 *=0",
    "LINUX_SLL (113): caplen 15, one byte short of the 16-byte header; wire 56",
    caplen=15, linktype=113)
one("sll2-short.pcap", SLL2 + syn4_ip(), "read=1 truncated=1 *=0",
    "LINUX_SLL2 (276): caplen 19, one byte short of the 20-byte header",
    caplen=19, linktype=276)
one("sll-syn.pcap", SLL + syn4_ip(), "read=1 " + OPEN + " *=0",
    "control: the same SLL frame whole is a SYN", linktype=113)
one("sll2-syn.pcap", SLL2 + syn4_ip(), "read=1 " + OPEN + " *=0",
    "control: the same SLL2 frame whole is a SYN", linktype=276)
one("null-short.pcap", struct.pack("<I", 2) + syn4_ip(),
    "read=1 truncated=1 *=0",
    "DLT_NULL (0): caplen 3 of the 4-byte address family", caplen=3,
    linktype=0)

# -- IPv4 --
one("ip4-ihl-short.pcap",
    eth(ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), ihl=4)),
    "read=1 malformed=1 *=0", "IHL 4 (16 bytes) < 5")
one("ip4-totlen-lt-ihl.pcap",
    eth(ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), ihl=6, total=22,
            options=b"\x01\x01\x01\x00")),
    "read=1 malformed=1 *=0", "IHL 6 (24 bytes) but total length 22")
one("ip4-totlen-long.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), total=60), pad=False),
    "read=1 malformed=1 *=0",
    "total length 60 in a 54-byte frame (40 bytes of IP), caplen == wire")
one("ip4-totlen-snap.pcap", eth(syn4_ip(), pad=False),
    "read=1 truncated=1 *=0",
    "total length 40, wire 54, caplen 44: the snap length cut the TCP header "
    "after 10 bytes", caplen=44)
one("ip4-totlen-long-snap.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), total=100), pad=False),
    "read=1 malformed=1 *=0",
    "total length 100, but the wire has only 40 bytes of IP (caplen 44 of 54): "
    "the length is impossible whatever the snap length", caplen=44)
one("ip4-options-past-end.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), ihl=15, total=40,
        options=b""), pad=False)[:54],
    "read=1 malformed=1 *=0",
    "IHL 15: 40 bytes of options claimed, the packet (total length 40) ends "
    "after 20 header bytes")
one("ip4-options-snap.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), ihl=15,
        options=b"\x01" * 39 + b"\x00")),
    "read=1 truncated=1 *=0",
    "IHL 15, total length 80, wire 94, caplen 54: options cut by the snap "
    "length", caplen=54)
one("ip4-version-6.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), version=6)),
    "read=1 malformed=1 *=0", "ethertype IPv4, version nibble 6")
one("ip4-totlen-zero.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), total=0), pad=False),
    "read=1 " + OPEN + " *=0",
    "total length 0 (TSO, decode.c): the frame says how long; a SYN")
one("ip4-frag-later.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), frag=185)),
    "read=1 fragment=1 *=0", "fragment offset 185 (1480 bytes): not the first")
one("ip4-frag-first.pcap", eth(
    ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0, SYN), frag=0x2000)),
    "read=1 " + OPEN + " *=0", "MF set, offset 0: the first fragment holds "
    "the TCP header")

# -- IPv6 --
def ext(nh, hdrlen_units=0, body=b""):
    """A hop-by-hop/routing/dstopts header: next header, length, PadN."""
    n = (hdrlen_units + 1) * 8
    return bytes([nh, hdrlen_units]) + (body or bytes([1, n - 4]) +
                                         b"\0" * (n - 4))[: n - 2]


def chain(n, last=6):
    """n extension headers: a hop-by-hop (0), then destination options (60)."""
    types = [0] + [60] * (n - 1)
    out = b""
    for i in range(n):
        out += ext(types[i + 1] if i + 1 < n else last)
    return types[0], out


TCP6 = tcp(C6, S6, CPORT, 25, ISN, 0, SYN)
one("ip6-ext-past-end.pcap", eth(ip6(C6, S6, 0, bytes([6, 2]) +
                                     b"\x01\x04\0\0\0\0"), etype=0x86dd),
    "read=1 malformed=1 *=0",
    "hop-by-hop header claiming 24 bytes; payload length 8 and the frame "
    "agree that only 8 are there")
one("ip6-ext-snap.pcap", eth(ip6(C6, S6, 0, ext(6, 2) + TCP6), etype=0x86dd),
    "read=1 truncated=1 *=0",
    "24-byte hop-by-hop header + TCP, wire 98, caplen 64: the header cut by "
    "the snap length", caplen=64)
for n, exp, why in (
        (16, "read=1 " + OPEN + " *=0",
         "16 extension headers: the decoder's limit (MAX_EXT_HDRS), still read"),
        (17, "read=1 malformed=1 *=0",
         "17 extension headers: one past the limit, 'too many IPv6 extension "
         "headers'"),
        (20, "read=1 malformed=1 *=0",
         "20 extension headers (hop-by-hop, 19 destination options): too many")):
    first, hdrs = chain(n)
    one("ip6-ext-chain-%d.pcap" % n,
        eth(ip6(C6, S6, first, hdrs + TCP6), etype=0x86dd), exp, why)
one("ip6-plen-long.pcap", eth(ip6(C6, S6, 6, TCP6, plen=100), etype=0x86dd),
    "read=1 malformed=1 *=0", "payload length 100, 20 bytes there, caplen == wire")
one("ip6-hdr-short.pcap", eth(ip6(C6, S6, 6, TCP6)[:30], etype=0x86dd,
                              pad=False),
    "read=1 malformed=1 *=0", "a 30-byte IPv6 header, caplen == wire")
one("ip6-frag-later.pcap", eth(ip6(C6, S6, 44, struct.pack(
    "!BBHI", 6, 0, 1 << 3, 7) + TCP6), etype=0x86dd),
    "read=1 fragment=1 *=0", "fragment header, offset 8 bytes: not the first")

# -- TCP --
one("tcp-doff-short.pcap", eth(ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0,
                                                  SYN, doff=4))),
    "read=1 malformed=1 *=0", "data offset 4 (16 bytes) < 5")
one("tcp-doff-past-end.pcap", eth(ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN,
                                                     0, SYN, doff=6))),
    "read=1 malformed=1 *=0",
    "data offset 6 (24 bytes) in a 20-byte segment; the 6 bytes of Ethernet "
    "padding after it are not part of the IP packet")
one("tcp-doff-15.pcap", eth(ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0,
                                               SYN, doff=15))),
    "read=1 malformed=1 *=0", "data offset 15 (60 bytes) in a 20-byte segment")
one("tcp-hdr-short.pcap", eth(ip4(C4, S4, 6, tcp(C4, S4, CPORT, 25, ISN, 0,
                                                 SYN)[:16])),
    "read=1 malformed=1 *=0", "IP total length 36: a 16-byte TCP header")
one("tcp-options-snap.pcap", syn4(options=SYN_OPTS), "read=1 " + OPEN + " *=0",
    "SYN with 20 bytes of options, caplen 58 of 74: the options are cut but "
    "ports, sequence and flags are there (decode.c: a segment with no "
    "captured payload)", caplen=58)

# -- ICMP errors --
Q_SYN = syn4_ip()                  # the IPv4 SYN as quoted: 20 + 20 bytes


def syn_then_icmp(name, quote, expect, why, typ=3, code=3):
    case(name, pcap_bytes([rec(T0, syn4()),
                           rec(T0 + 1000, icmp4_frame(typ, code, quote))]),
         0, expect, why)


one("icmp-hdr-short.pcap", eth(ip4(R4, C4, 1, b"\x03\x03\0\0", ttl=254)),
    "read=1 malformed=1 *=0", "IP total length 24: 4 of the 8 ICMP header bytes")
one("icmp-quote-ip4-short.pcap", icmp4_frame(3, 3, Q_SYN[:12]),
    "read=1 malformed=1 *=0",
    "ICMP 3/3 whose quote is 12 bytes: the outer IP length says the quoted "
    "IPv4 header ends there (caplen == wire), so it cannot be a header")
one("icmp-quote-ip4-snap.pcap", icmp4_frame(3, 3, Q_SYN[:28]),
    "read=1 truncated=1 *=0",
    "ICMP 3/3 quoting 20 + 8 bytes, caplen 52 of 70: the snap length cut the "
    "quoted header after 10 bytes", caplen=52)
one("icmp-quote-ihl-short.pcap", icmp4_frame(3, 3, bytes([0x44]) + Q_SYN[1:28]),
    "read=1 malformed=1 *=0", "quoted IPv4 header with IHL 4")
one("icmp-quote-udp.pcap", icmp4_frame(3, 3, ip4(C4, S4, 17, struct.pack(
    "!HHHH", CPORT, 25, 20, 0) + b"x" * 12)[:28]),
    "read=1 other-proto=1 *=0",
    "ICMP 3/3 about a UDP datagram to port 25: an ICMP error about UDP")
one("icmp-quote-v6-in-v4.pcap", icmp4_frame(3, 3, syn6_ip()[:48]),
    "read=1 malformed=1 *=0",
    "ICMPv4 3/3 quoting an IPv6 header: a wrong IP version")
syn_then_icmp("icmp-quote-tcp3.pcap", Q_SYN[:23],
              "read=2 malformed=1 " + OPEN + " *=0",
              "SYN, then ICMP 3/3 quoting 3 bytes of TCP: not even the ports")
syn_then_icmp("icmp-quote-tcp4.pcap", Q_SYN[:24],
              "read=2 icmp-error=1 unmatched-icmp=1 " + OPEN + " *=0",
              "SYN, then ICMP 3/3 quoting only the ports (4 bytes of TCP): "
              "no sequence number, so unmatched although the SYN is there")
syn_then_icmp("icmp-quote-tcp7.pcap", Q_SYN[:27],
              "read=2 icmp-error=1 unmatched-icmp=1 " + OPEN + " *=0",
              "7 bytes of TCP: one short of the sequence number")
syn_then_icmp("icmp-quote-tcp8.pcap", Q_SYN[:28],
              "read=2 tcp=1 icmp-error=1 attempts=1 refused=1 *=0",
              "control: 8 bytes of TCP (RFC 792) match the SYN: refused/"
              "port-unreach")
Q6 = syn6_ip()
case("icmp6-quote-ip6-short.pcap", pcap_bytes([rec(T0, eth(
    ip6(R6, C6, 58, icmp6(R6, C6, 1, 4, Q6[:24])), etype=0x86dd))]), 0,
    "read=1 malformed=1 *=0",
    "ICMPv6 1/4 whose quote is 24 bytes of the 40-byte IPv6 header, "
    "caplen == wire")
case("icmp6-quote-tcp8.pcap", pcap_bytes([
    rec(T0, eth(Q6, etype=0x86dd)),
    rec(T0 + 1000, eth(ip6(R6, C6, 58, icmp6(R6, C6, 1, 4, Q6[:48])),
                       etype=0x86dd))]), 0,
    "read=2 tcp=1 icmp-error=1 attempts=1 refused=1 *=0",
    "control: SYN, then ICMPv6 1/4 quoting 40 + 8 bytes: refused/port-unreach")

# -- pcap records and file headers --
case("pcap-caplen-gt-snaplen.pcap", pcap_bytes(
    [rec(T0, syn4(options=SYN_OPTS)), rec(T0 + 1000, synack4())], snaplen=64),
    0, "read=2 tcp=2 attempts=1 accepted=1 *=0",
    "snap length 64 in the file header, a 74-byte record: libpcap cuts it to "
    "64 (the SYN's options, not its fixed header) and skips the rest, so the "
    "SYN-ACK after it is read in step")
case("pcap-caplen-gt-len.pcap", pcap_bytes([rec(T0, syn4(), 60, 40)]), 0,
     "read=1 " + OPEN + " *=0",
     "caplen 60 > len 40: the bytes captured exist, so the wire is taken to be "
     "at least caplen (decode.c) and the SYN is read")
case("pcap-caplen-absurd.pcap", pcap_bytes(
    [rec(T0, syn4()), rec(T0 + 1000, b"", 0x7fffffff, 0x7fffffff)]), 3,
    "stderr=invalid read=1 " + OPEN + " *=0",
    "caplen 0x7fffffff after one SYN: libpcap refuses the record ('invalid "
    "packet capture length'); the SYN read before is reported")
case("pcap-linktype-147.pcap", pcap_bytes([rec(T0, syn4())], linktype=147), 3,
     "stderr=unsupported summary=no",
     "LINKTYPE_USER0 (147): unsupported link type, nothing read")
case("pcap-time-back.pcap", pcap_bytes(
    [rec(T0, syn4()), rec(T0 - 3600 * SEC, synack4())]), 0,
    "read=2 tcp=2 attempts=1 accepted=1 time-went-back=1 *=0",
    "SYN, then its SYN-ACK stamped 1 hour earlier: counted as time went back, "
    "still answers the SYN (ack = ISN + 1); rtt 0")
case("pcap-time-back-small.pcap", pcap_bytes(
    [rec(T0, syn4()), rec(T0 - SEC // 2, synack4())]), 0,
    "read=2 tcp=2 attempts=1 accepted=1 time-went-back=1 *=0",
    "SYN-ACK stamped 0.5 s before its SYN: man (TIMING, OUTPUT) counts every "
    "packet about a server port earlier than the latest time reached")
case("pcap-time-forward.pcap", pcap_bytes(
    [rec(T0, syn4()), rec(T0 + 3600 * SEC, arp())]), 0,
    "read=2 tcp=1 not-ip=1 attempts=1 unresolved=1 *=0",
    "SYN, then an ARP frame 1 hour later as the last frame: a jump of more "
    "than 10 minutes is believed only when the next frame agrees, and none "
    "does, so the clock stays at the SYN: unresolved (man: TIMING)")
case("pcap-time-forward-synack.pcap", pcap_bytes(
    [rec(T0, syn4()), rec(T0 + 3600 * SEC, synack4())]), 0,
    "read=2 tcp=2 attempts=1 accepted=1 *=0",
    "SYN, then its SYN-ACK stamped 1 hour later as the last frame: that jump "
    "is never confirmed, so the clock stays at the SYN and the SYN-ACK "
    "answers it (man: TIMING)")
GOOD = pcap_bytes([rec(T0, syn4())])
case("pcap-cut-record-header.pcap", GOOD + struct.pack("<II", T0 // SEC, 1000),
     3, "stderr=header read=1 " + OPEN + " *=0",
     "one SYN, then 8 of a record header's 16 bytes: read error after the SYN")
case("pcap-cut-packet-data.pcap",
     GOOD + struct.pack("<IIII", T0 // SEC, 1000, 60, 60) + synack4()[:30], 3,
     "stderr=captured read=1 " + OPEN + " *=0",
     "one SYN, then a 60-byte record with 30 bytes of data: read error after "
     "the SYN")
case("empty.pcap", b"", 3, "stderr=empty summary=no", "a 0-byte file")
case("pcap-header-only.pcap", pcap_bytes([]), 0, "read=0 *=0",
     "a valid file header and no records: 0 packets, exit 0")
case("pcap-cut-file-header.pcap", pcap_bytes([])[:10], 3,
     "stderr=truncated summary=no", "10 bytes of the 24-byte file header")
case("pcap-bad-version.pcap", pcap_bytes([rec(T0, syn4())], version=(3, 0)),
     3, "stderr=version summary=no",
     "pcap version 3.0: libpcap refuses the file; nothing read")
case("pcap-big-endian.pcap", pcap_bytes(
    [rec(T0, syn4()), rec(T0 + 1000, synack4())], endian=">"), 0,
    "read=2 tcp=2 attempts=1 accepted=1 *=0",
    "control: a big-endian pcap file reads as the little-endian one")

# -- pcapng --
NG = shb() + idb() + epb(T0, syn4())
case("pcapng-ok.pcapng", NG + epb(T0 + 1000, synack4()), 0,
     "read=2 tcp=2 attempts=1 accepted=1 *=0",
     "control: SHB, IDB, two EPBs")
case("pcapng-blocklen-not4.pcapng",
     NG + struct.pack("<II", 6, 30) + b"\0" * 22 + struct.pack("<I", 30), 3,
     "stderr=multiple read=1 " + OPEN + " *=0",
     "a valid EPB (SYN), then a block whose total length 30 is not a "
     "multiple of 4")
case("pcapng-trailer-mismatch.pcapng",
     NG + epb(T0 + 1000, synack4(), trailer=96), 3,
     "stderr=trailer read=1 " + OPEN + " *=0",
     "a valid EPB (SYN), then an EPB whose trailing length (96) differs from "
     "its total length (92)")
case("pcapng-cut.pcapng", NG + epb(T0 + 1000, synack4())[:40], 3,
     "stderr=truncated read=1 " + OPEN + " *=0",
     "a valid EPB (SYN), then 40 of a 92-byte block")

# -- attempt table full --
FLOOD = 5000
case("flood.pcap", pcap_bytes(
    [rec(T0 + i * 1000, syn4_ip(sport=1024 + i, isn=ISN + i))
     for i in range(FLOOD)], linktype=101), 0,
     "read=5000 tcp=5000 attempts=64 unresolved=64 evicted=4936 *=0",
     "5000 SYNs from distinct ports within 5 s (raw IP, LINKTYPE_RAW), a "
     "table of 64: each of the last 4936 SYNs finds it full of unanswered "
     "attempts and evicts one (no record); the 64 left end unresolved",
     options="--max-attempts 64")
mixed = []
for i in range(4):                 # 4 refused: decided, lingering 64 s
    mixed += [rec(T0 + i * 1000, syn4(sport=1001 + i, isn=ISN + i)),
              rec(T0 + i * 1000 + 500, rst4(sport=1001 + i, isn=ISN + i))]
for i in range(4):                 # 4 accepted, waiting 5 s for a greeting
    mixed += [rec(T0 + 10000 + i * 1000, syn4(sport=1011 + i, isn=ISN + i)),
              rec(T0 + 10000 + i * 1000 + 500, synack4(sport=1011 + i,
                                                       isn=ISN + i))]
for i in range(1000):              # then 1000 SYNs within 0.1 s
    mixed.append(rec(T0 + 100000 + i * 100, syn4(sport=2000 + i, isn=ISN + i)))
case("flood-mixed.pcap", pcap_bytes(mixed), 0,
     "read=1016 tcp=1016 attempts=72 refused=4 accepted=4 unresolved=64 "
     "evicted=936 *=0",
     "8 answered attempts, then 1000 SYNs into a table of 64: the first 56 "
     "fill it; the next 4 take the slots of the refused ones (already "
     "reported), the next 4 those of the accepted ones waiting for a greeting "
     "(reported without one), the other 936 evict an unanswered attempt each; "
     "64 end unresolved", options="--max-attempts 64")


def main():
    lines = [
        "# The malformed-capture corpus: FILE EXIT-STATUS [key=value ...] "
        "[-- read-options]",
        "# Written by make-captures.py, which says how each file is built; "
        "checked by run.sh.",
        "# Keys: summary counters (spaces as '-'), '*=0' (every counter not "
        "named is 0),",
        "# stderr=WORD (in the one-line error), summary=no (no summary "
        "written).",
    ]
    for name, data, status, expect, options, why in CASES:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        lines.append("")
        lines.append("# " + why)
        line = "%s %d %s" % (name, status, expect)
        if options:
            line += " -- " + options
        lines.append(line)
    with open(os.path.join(OUT, "EXPECTED"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d captures and EXPECTED to %s" % (len(CASES), OUT))


if __name__ == "__main__":
    main()
