#!/usr/bin/env python3
# tests/lab/experienced-helper.py — the socket programs tests/lab/record-experienced.sh
# runs inside its namespaces (never in the root namespace):
#   tfo-server PORT TEXT SECS   listen with TCP_FASTOPEN, send TEXT\r\n to each
#                               client, read what it sends, close; for SECS s
#   tfo-client HOST PORT DATA   connect with MSG_FASTOPEN (the data goes in
#                               the SYN once a cookie is cached), read a line
#   relay-syn IFACE SECS DELAY forge|plain
#                               in a gateway whose nft drops forwarded SYNs to
#                               port 25: relay each SYN seen on IFACE DELAY s
#                               later; with forge, first answer the first one
#                               with a RST+ACK (ack = ISN+1) in the server's
#                               name, TTL 40, whose TCP timestamp echo (1) is
#                               not one the client sent, so a Linux client
#                               drops it (PAWS in SYN-SENT) and takes the
#                               server's SYN-ACK
import socket
import struct
import sys
import time

TCP_FASTOPEN = 23
MSG_FASTOPEN = 0x20000000


def tfo_server(port, text, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, TCP_FASTOPEN, 16)
    s.bind(("0.0.0.0", port))
    s.listen(8)
    s.settimeout(1.0)
    end = time.time() + secs
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(2.0)
        try:
            c.sendall(text.encode() + b"\r\n")
            c.recv(512)
        except OSError:
            pass
        c.close()


def tfo_client(host, port, data):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.sendto(data.encode() + b"\r\n", MSG_FASTOPEN, (host, port))
    s.settimeout(3.0)
    print(s.recv(512).decode(errors="replace").strip())
    s.close()


def csum(b):
    if len(b) % 2:
        b += b"\0"
    n = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while n >> 16:
        n = (n & 0xFFFF) + (n >> 16)
    return ~n & 0xFFFF


def forged_rst(ip, tcp):
    src, dst = ip[12:16], ip[16:20]
    sport, dport, seq = struct.unpack("!HHI", tcp[:8])
    opts = b"\x01\x01\x08\x0a" + struct.pack("!II", 12345, 1)
    hdr = struct.pack("!HHIIBBHHH", dport, sport, 0, (seq + 1) & 0xFFFFFFFF,
                      (20 + len(opts)) // 4 << 4, 0x14, 0, 0, 0) + opts
    pseudo = dst + src + struct.pack("!BBH", 0, 6, len(hdr))
    hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(hdr), 0x4242, 0,
                      40, 6, 0, dst, src)
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    return iph + hdr, socket.inet_ntoa(src)


def relay_syn(iface, secs, delay, forge):
    """The gateway forwards no SYN to port 25 itself (an nft rule drops
    them): this relays each one, after delay seconds, and first answers
    the first one with a forged RST if forge."""
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    rx.bind((iface, 0))
    rx.settimeout(0.5)
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    end = time.time() + secs
    while time.time() < end:
        try:
            frame, addr = rx.recvfrom(2048)
        except socket.timeout:
            continue
        ip = frame[14:]
        if addr[2] == socket.PACKET_OUTGOING or len(ip) < 40 or ip[9] != 6:
            continue
        tcp = ip[(ip[0] & 15) * 4:]
        if struct.unpack("!H", tcp[2:4])[0] != 25 or tcp[13] & 0x12 != 0x02:
            continue
        if forge:
            pkt, to = forged_rst(ip, tcp)
            tx.sendto(pkt, (to, 0))
            print("forged RST sent to", to, flush=True)
            forge = False
        time.sleep(delay)
        n = struct.unpack("!H", ip[2:4])[0]
        fwd = bytearray(ip[:n])
        fwd[8] -= 1		# one hop, as forwarding would
        tx.sendto(bytes(fwd), (socket.inet_ntoa(ip[16:20]), 0))
        print("SYN relayed after", delay, "s", flush=True)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "tfo-server":
        tfo_server(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
    elif cmd == "tfo-client":
        tfo_client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "relay-syn":
        relay_syn(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]),
                  sys.argv[5] == "forge")
    else:
        sys.exit("usage: see the head of this file")
