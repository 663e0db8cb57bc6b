"""The real server's sockets: TCP_NODELAY is set by app.py's lifespan (ui/tcp.py)."""

from __future__ import annotations

import ctypes
import os
import socket
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

SYS_PIDFD_GETFD = 438  # the same number on x86_64 and aarch64


def _listening_inode(port: int) -> str | None:
    """The inode of the socket listening on `port` (from /proc/net/tcp and tcp6)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                return inode
    return None


def _owner(inode: str) -> tuple[int, int] | None:
    """(pid, fd) of the process holding socket `inode`."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid), int(fd)
            except OSError:
                continue
    return None


def _nodelay_of(pid: int, fd: int) -> int:
    """TCP_NODELAY of another process's socket, read through a pidfd_getfd duplicate."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
        if copy < 0:
            pytest.skip(f"pidfd_getfd not allowed here (errno {ctypes.get_errno()})")
        with socket.socket(fileno=copy) as sock:
            return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        os.close(pidfd)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_the_listening_socket_has_tcp_nodelay(app_server):
    port = urlparse(app_server).port
    with urlopen(f"{app_server}/_stcore/health", timeout=10) as response:
        assert response.status == 200
    inode = _listening_inode(port)
    assert inode is not None, f"nothing listens on {port}"
    owner = _owner(inode)
    assert owner is not None
    assert _nodelay_of(*owner) != 0
