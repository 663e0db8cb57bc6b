"""TCP_NODELAY for Streamlit's websocket connections, switched on by the app itself.

app.py's `st.App` calls `enable_tcp_nodelay()` from its lifespan, once per process, when the
server has bound its port and before the first browser connects; `streamlit run app.py`
stays the way to start. Measured with `bench/workshop_sim.py` (see BENCHMARKS.md).

Why: Streamlit 1.67 pre-binds its listening socket with ``socket.socket(family=...)``
(``proto`` 0), and asyncio only sets TCP_NODELAY on accepted sockets whose ``proto`` is
IPPROTO_TCP, so every websocket runs with Nagle's algorithm on. A rerun writes several
small frames; the second one waits for the peer's delayed ACK (40 ms on Linux). The
same mechanism is reported for uvicorn's pre-bound sockets (Kludex/uvicorn#3149).

How: on the first call per process, find this process's TCP sockets whose local port
is Streamlit's ``server.port`` (the listening socket and the connections already
accepted from it) through ``/proc/self/fd``, and set TCP_NODELAY on a ``dup`` of each.
Socket options belong to the socket, not to the descriptor, so the server's own
descriptors are changed and never touched. Linux copies TCP_NODELAY from a listening
socket to every socket it accepts later, so one call covers all future sessions.
Without ``/proc`` (macOS, Windows), outside a running server (AppTest, bare mode) or on
any OS error it does nothing: the app then behaves exactly as today.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading

_FD_DIR = "/proc/self/fd"
_lock = threading.Lock()
_done = False


def enable_tcp_nodelay() -> int:
    """Set TCP_NODELAY on the server's listening and accepted sockets, once per process.

    Returns how many sockets were changed (0 on later calls, or when not applicable).
    Costs one ``listdir`` of ``/proc/self/fd`` on the first run, a flag check afterwards.
    """
    global _done
    if _done:
        return 0
    with _lock:
        if _done:
            return 0
        port = _server_port()
        if port is None:
            return 0
        _done = True
        return sum(_set_nodelay(fd, port) for fd in _socket_fds())


def _server_port() -> int | None:
    """Streamlit's actual port while a server runs (it writes back the port it bound)."""
    from streamlit import config

    try:
        port = int(config.get_option("server.port"))
    except (TypeError, ValueError):
        return None
    return port if port > 0 else None


def _socket_fds() -> list[int]:
    """Descriptors of this process that are sockets (empty without /proc)."""
    try:
        names = os.listdir(_FD_DIR)
    except OSError:
        return []
    fds = []
    for name in names:
        with contextlib.suppress(OSError, ValueError):
            if os.readlink(f"{_FD_DIR}/{name}").startswith("socket:"):
                fds.append(int(name))
    return fds


def _set_nodelay(fd: int, port: int) -> bool:
    """TCP_NODELAY on the socket behind ``fd`` if it is TCP on ``port``; True if set."""
    try:
        dup = os.dup(fd)
    except OSError:
        return False  # closed in the meantime
    try:
        sock = socket.socket(fileno=dup)
    except OSError:
        os.close(dup)
        return False
    with sock:  # closes only the duplicate
        try:
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                return False
            if sock.type != socket.SOCK_STREAM or sock.getsockname()[1] != port:
                return False
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            return False
    return True
