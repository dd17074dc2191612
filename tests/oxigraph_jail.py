"""Run a command in a network namespace of its own, reachable only through one TCP port.

    python tests/oxigraph_jail.py HOST_PORT INNER_PORT -- oxigraph serve-read-only --bind 127.0.0.1:INNER_PORT ...

Why: with the remote backend the SPARQL server executes the text, and Oxigraph's server runs
``SERVICE`` calls itself. The tests run it as docs/deploy.md asks, with no egress: this process
binds ``127.0.0.1:HOST_PORT`` in the host's namespace first, then moves itself into a new user
and network namespace (unprivileged: ``unshare(CLONE_NEWUSER | CLONE_NEWNET)``) in which only a
loopback interface exists, starts the command there, and relays each connection accepted on the
host port to ``127.0.0.1:INNER_PORT`` inside. The server can answer, but any connection it opens
reaches only its own namespace's loopback, where nothing else listens. (systemd's socket
activation with ``PrivateNetwork=yes`` is the same idea.)
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def enter_namespace() -> None:
    """A new user namespace (root inside, our own user outside) and a new network namespace."""
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER | CLONE_NEWNET) failed")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {gid} 1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:  # bring the loopback up
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | IFF_UP, b""))


def pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def relay(client: socket.socket, inner_port: int) -> None:
    try:
        inner = socket.create_connection(("127.0.0.1", inner_port))
    except OSError:
        client.close()
        return
    threading.Thread(target=pump, args=(client, inner), daemon=True).start()
    pump(inner, client)
    client.close()
    inner.close()


def main(argv: list[str]) -> int:
    host_port, inner_port = int(argv[1]), int(argv[2])
    command = argv[argv.index("--") + 1 :]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", host_port))  # in the host's namespace: the only way in
    listener.listen(128)
    enter_namespace()
    libc = ctypes.CDLL(None, use_errno=True)
    server = subprocess.Popen(command, preexec_fn=lambda: libc.prctl(1, signal.SIGKILL))  # dies with us
    signal.signal(signal.SIGTERM, lambda *_: (server.terminate(), sys.exit(0)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:  # accept only once it listens
        try:
            socket.create_connection(("127.0.0.1", inner_port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    threading.Thread(target=lambda: (server.wait(), os._exit(server.returncode or 1)), daemon=True).start()
    while True:
        client, _ = listener.accept()
        threading.Thread(target=relay, args=(client, inner_port), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
