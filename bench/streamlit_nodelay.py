"""Run ``streamlit`` with TCP_NODELAY on its listening socket (an experiment, opt-in).

    python bench/streamlit_nodelay.py run app.py --server.port 8501 ...

Streamlit 1.67 pre-binds its listening socket with ``socket.socket(family=...)``, whose
``proto`` is 0, and asyncio only sets TCP_NODELAY on accepted sockets whose proto is
IPPROTO_TCP. So every websocket connection runs with Nagle's algorithm on: a small
ForwardMsg written while an earlier one is still unacknowledged waits for the client's
delayed ACK (40 ms on Linux). On 127.0.0.1 that is the whole ~45 ms "floor" of a rerun
round trip on an empty page. Accepted sockets inherit TCP_NODELAY from the listening
socket on Linux, so setting it there removes the stall. Same arguments as ``streamlit``.
"""

from __future__ import annotations

import socket
import sys

from streamlit.web.cli import main
from streamlit.web.server.starlette import starlette_server

_original_bind_socket = starlette_server._bind_socket


def _bind_socket_nodelay(address: str, port: int, backlog: int) -> socket.socket:
    sock = _original_bind_socket(address, port, backlog)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


if __name__ == "__main__":
    starlette_server._bind_socket = _bind_socket_nodelay
    sys.exit(main(prog_name="streamlit"))
