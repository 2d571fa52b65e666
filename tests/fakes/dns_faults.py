#!/usr/bin/env python3
"""A small authoritative DNS server on 127.0.0.1 that misbehaves on purpose, for fault tests that
nsd cannot play: it drops the queries it is told to drop (a timeout, for one family only, or a
third of everything), answers SERVFAIL or REFUSED for chosen names, and serves plain A/AAAA/MX/
CNAME records otherwise. Standard library only; loopback only.

Usage: dns_faults.py CONFIG.json PORT_FILE
CONFIG: {"names": {"host.test": {"A": ["51.210.10.10"], "AAAA": "drop"},
                   "mx.test": {"MX": [[10, "a.mx.test"]]}, "bad.test": {"rcode": "servfail"}},
         "drop_every": 0, "log": "queries.log"}
"log" (optional) names a file that gets one line per query received ("NAME TYPE"), so a test can
count what was sent. PORT_FILE receives the UDP port once the server listens; SIGTERM stops it.
"""
import json
import signal
import socket
import struct
import sys

TYPES = {1: "A", 28: "AAAA", 5: "CNAME", 15: "MX", 2: "NS", 12: "PTR", 6: "SOA"}
RCODES = {"noerror": 0, "servfail": 2, "nxdomain": 3, "refused": 5}


def read_name(msg, off):
    labels = []
    while True:
        n = msg[off]
        if n == 0:
            return ".".join(labels).lower(), off + 1
        if n & 0xC0:  # queries from c-ares carry no compression, but be safe
            ptr = struct.unpack("!H", msg[off:off + 2])[0] & 0x3FFF
            name, _ = read_name(msg, ptr)
            labels.append(name)
            return ".".join(labels).lower(), off + 2
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def rr(name, rtype, rdata, ttl=60):
    return encode_name(name) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer_records(entry, name, qtype):
    out = []
    if "CNAME" in entry:
        out.append(rr(name, 5, encode_name(entry["CNAME"])))
        return out
    kind = TYPES.get(qtype)
    values = entry.get(kind)
    if not isinstance(values, list):
        return out
    for v in values:
        if kind == "A":
            out.append(rr(name, 1, socket.inet_pton(socket.AF_INET, v)))
        elif kind == "AAAA":
            out.append(rr(name, 28, socket.inet_pton(socket.AF_INET6, v)))
        elif kind == "MX":
            out.append(rr(name, 15, struct.pack("!H", v[0]) + encode_name(v[1])))
    return out


def main():
    config = json.load(open(sys.argv[1]))
    names = {k.lower().rstrip("."): v for k, v in config.get("names", {}).items()}
    drop_every = int(config.get("drop_every", 0))
    log = open(config["log"], "a", buffering=1) if config.get("log") else None
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    with open(sys.argv[2], "w") as f:
        f.write(str(sock.getsockname()[1]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    seen = 0
    while True:
        msg, peer = sock.recvfrom(4096)
        if len(msg) < 12:
            continue
        seen += 1
        if drop_every and seen % drop_every == 0:
            continue
        qid, flags, qd = struct.unpack("!HHH", msg[:6])
        name, off = read_name(msg, 12)
        qtype = struct.unpack("!H", msg[off:off + 2])[0]
        question = msg[12:off + 4]
        if log:
            log.write(f"{name} {TYPES.get(qtype, qtype)}\n")
        entry = names.get(name)
        rcode = RCODES["nxdomain"] if entry is None else RCODES.get(entry.get("rcode", "noerror"), 0)
        if entry is not None and entry.get(TYPES.get(qtype, "")) == "drop":
            continue  # this family times out
        answers = answer_records(entry, name, qtype) if entry is not None and rcode == 0 else []
        header = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100) | rcode, 1, len(answers), 0, 0)
        sock.sendto(header + question + b"".join(answers), peer)


if __name__ == "__main__":
    main()
