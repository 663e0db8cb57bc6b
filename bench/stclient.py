"""A browserless Streamlit 1.67 client that speaks the app's own websocket protocol.

Protocol findings (Streamlit 1.67, starlette/uvicorn server; checked against
``streamlit/web/server/starlette/starlette_websocket.py``, ``runtime/app_session.py``,
``runtime/state/session_state.py`` and the frontend's ``WebsocketConnection.ts``,
``WidgetStateManager.ts`` and ``App.tsx``):

Connecting
  * The browser loads the page (``GET /<page>?<query>``), then GETs ``/_stcore/health`` and
    ``/_stcore/host-config`` (its "init pings"); the server requires none of them.
    ``connect(load_page=True)`` loads the page first, ``ping=True`` (default) does the
    pings. Each session keeps its own cookie jar, like a browser profile: cookies set by
    these responses (e.g. a load balancer's route cookie) go with the later requests and
    with the websocket handshake, so a sticky load balancer keeps the tab on one replica.
    No XSRF cookie and no session-info handshake is needed: the ``_streamlit_xsrf`` cookie
    is only checked when reading an auth (``st.login``) cookie.
  * Websocket ``ws://host:port/_stcore/stream``. The browser sends the subprotocol list
    ``["streamlit", <host auth token | xsrf cookie | "PLACEHOLDER_AUTH_TOKEN">,
    <last session id, only on reconnect>]``; the server accepts entry 0 ("streamlit"),
    treats entry 1 as the XSRF token and entry 2 as a session to resume. We send
    ``["streamlit", "PLACEHOLDER_AUTH_TOKEN"]`` like a fresh browser tab.
  * The server sends nothing until the client sends its first ``BackMsg.rerun_script``
    (ClientState). That first rerun has ``page_script_hash=""`` and ``page_name`` = the
    URL path (e.g. "resultaten"), plus ``query_string`` without "?".
  * All frames are binary protobuf: ``BackMsg`` up, ``ForwardMsg`` down. Text frames
    close the socket.

A run, as it arrives (ForwardMsg oneof ``type``)
  ``new_session`` (metadata.run = script_run_id + fragment_ids; page_script_hash;
  main_script_hash; initialize.session_id) -> ``session_status_changed`` ->
  ``navigation`` (st.navigation apps: app_pages with url_pathname, and the resolved
  ``page_script_hash`` of the page being shown) -> ``delta`` x N (metadata.delta_path =
  [root, i, j...], root 0=main 1=sidebar 2=event 3=bottom; delta.new_element /
  add_block; ``delta.fragment_id`` = the fragment that produced it) ->
  ``page_info_changed`` (the app changed st.query_params) -> ``script_finished``
  (0 ok, 1 compile error, 2 stopped early for a newer rerun, 3 fragment run ok).
  ``session_status_changed(script_is_running=false)`` may arrive *after*
  script_finished. A rerun that arrives while a run is going stops it (runner.fastReruns):
  you first get script_finished=2 for the old run, then a new new_session.

What a rerun must carry (ClientState)
  * ``widget_states``: the browser keeps one WidgetState per mounted widget (each widget
    commits its default/current value on mount, without a rerun) and sends the WHOLE
    set on every rerun (``WidgetStateDict.createWidgetStatesMsg``). Trigger states
    (button ``trigger_value``) are deleted right after they are sent. After every
    completed run the browser drops states of widgets no longer on the page. The 1.67
    server merges what it gets into the session's widget state (``set_widgets_from_proto``
    after ``_compact_state``), so sending only the changed widget also works, but
    callbacks fire in the order of the sent list and page changes rely on the full set;
    this client does what the browser does.
  * Value encodings in 1.67: radio and selectbox = ``string_value`` holding the option's
    formatted label (NOT the index; an ``int_value`` makes the script raise and still
    fires on_change with the wrong value); segmented_control/pills (element
    ``button_group``) and multiselect = ``string_array_value`` of labels; text_input /
    text_area = ``string_value``; checkbox = ``bool_value``; number_input =
    ``double_value``; button = ``trigger_value=True``. A state with no value field set
    means "None/default".
  * ``page_script_hash``: the current page (from the last ``navigation`` /
    ``new_session``). On a page change the browser sends the target hash, only the
    states of widgets drawn by the main script (``metadata.active_script_hash ==
    main_script_hash``, e.g. a sidebar), and drops all query params except
    embed/embed_options.
  * ``fragment_id``: a widget carries the ``fragment_id`` of the delta that drew it
    (innermost fragment); the browser sends it with that widget's rerun, and the server
    then reruns only that fragment (new_session.metadata.run.fragment_ids = [id], only
    that fragment's deltas come back, script_finished = 3). If the server no longer holds
    the fragment it silently ignores the request: no reply at all.
  * Nested fragments and keyed reruns: a fragment called inside another is a fragment of
    its own (its deltas carry its id); an outer fragment's rerun redraws the inner ones
    inline. A widget callback may name fragments to rerun instead (``st.rerun(scope=
    [keys])``): the widget's fragment run then ends early (new_session, script_finished
    = 2, no deltas) and a run of the named fragments follows (new_session with their
    ids, their deltas, script_finished = 3). The browser clears stale elements only
    inside the container blocks of the fragments that ran (``_clear_stale_nodes``).
  * ``context_info`` (timezone, offset, locale, url, is_embedded, color_scheme) feeds
    ``st.context``; optional.
  * ``cached_message_hashes``: ForwardMsg cache. Elements serialized to >= 10 kB
    (``global.minCachedMessageSize``) are marked ``metadata.cacheable``; the server
    replaces one with a ``ref_hash`` stub ONLY if the client listed its hash in
    ``cached_message_hashes``. We always send an empty list, so every message arrives in
    full and no cache is needed.

Addressing widgets
  Element ids are ``$$ID-<hash>-<user key>`` (``-None`` without a key), so a keyed
  widget is found by the id's suffix (``find_widget(key=...)``), else by label. Form
  submit buttons get the key ``FormSubmitter:<form key>-<label>``. A widget inside an
  ``st.fragment`` is addressed the same way; ``Widget.fragment_id`` (from the delta that
  drew it) is sent automatically by ``choose``/``click``/``type_text``, so a tap there is
  a fragment run. With ``rerun()`` pass ``fragment_id=widget.fragment_id`` yourself.

Pitfalls
  * Latency floor: the 1.67 server binds its listening socket with proto 0, so asyncio
    never sets TCP_NODELAY on the websocket connections. Nagle holds each small frame
    written while an earlier one is unacknowledged until the client's delayed ACK
    (40 ms on Linux): ~48 ms per rerun of an empty page on 127.0.0.1 (server CPU ~4 ms),
    ~6 ms with TCP_NODELAY (``bench/streamlit_nodelay.py``). Browsers delay ACKs too.
  * Keep reading the socket: the server queues at most 500 ForwardMsgs per client and
    disconnects a client that does not drain them. A reader task does that here.
  * websockets' default ``max_size`` is 1 MiB; Streamlit messages can be up to
    ``server.maxMessageSize`` (200 MB), so we connect with ``max_size=None``.
  * A script exception does not change the finish status: it arrives as an
    ``exception`` element (message redacted with ``client.showErrorDetails="none"``).
    Check ``RerunResult.exceptions``.
  * ``fragment(run_every=...)`` sends ``auto_rerun`` messages; a browser then reruns the
    fragment on a timer. This client records them (``auto_reruns``) but does not poll.
  * Importing ``streamlit.proto`` imports the whole streamlit package (~0.5 s, once).
  * Keepalive: a browser never sends websocket pings (JavaScript cannot); the server
    pings (``server.websocketPingInterval``, 30 s) and the browser's network stack answers.
    The websockets library pings by default (20 s, closing after 20 s without a pong,
    close code 1011 "keepalive ping timeout"), which under heavy load closes connections
    a browser would keep. So by default this client does not ping
    (``keepalive_interval=None``); pass seconds to turn it on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import http.cookiejar
import logging
import time
import urllib.request
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.Exception_pb2 import Exception as ExceptionProto
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin, Subprotocol

_LOG = logging.getLogger(__name__)

SUBPROTOCOLS = [Subprotocol("streamlit"), Subprotocol("PLACEHOLDER_AUTH_TOKEN")]
ELEMENT_ID_PREFIX = "$$ID-"
EMBED_QUERY_KEYS = frozenset({"embed", "embed_options"})
TRIGGER_FIELDS = frozenset(
    {"trigger_value", "string_trigger_value", "json_trigger_value", "chat_input_value"}
)
FINISHED_OK = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
FINISHED_EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FINISHED_FRAGMENT_OK = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
_COMPLETED = frozenset({FINISHED_OK, FINISHED_COMPILE_ERROR, FINISHED_FRAGMENT_OK})
_CLEARS_STALE = frozenset({FINISHED_OK, FINISHED_FRAGMENT_OK})


class StreamlitClientError(Exception):
    """The session cannot do what was asked (closed, widget missing, ...)."""


class RerunTimeout(StreamlitClientError):
    """No script_finished arrived in time (also: a rerun of a vanished fragment)."""


# --------------------------------------------------------------------------- render tree


@dataclass
class Node:
    """One delta in the current render: an element or a block at ``path``."""

    path: tuple[int, ...]
    delta: Delta
    run_id: str
    active_script_hash: str

    @property
    def fragment_id(self) -> str:
        return self.delta.fragment_id

    @property
    def is_block(self) -> bool:
        return self.delta.WhichOneof("type") == "add_block"

    @property
    def element(self) -> Element | None:
        return self.delta.new_element if self.delta.HasField("new_element") else None

    @property
    def element_type(self) -> str | None:
        element = self.element
        return element.WhichOneof("type") if element is not None else None

    @property
    def proto(self) -> Any:
        """The element's type-specific proto (e.g. the Radio message), or None."""
        kind = self.element_type
        return getattr(self.element, kind) if kind else None

    @property
    def widget_id(self) -> str | None:
        """The element id ("$$ID-<hash>-<key or None>") if this element has one."""
        widget_id = getattr(self.proto, "id", None) if self.proto is not None else None
        return widget_id if isinstance(widget_id, str) and widget_id else None


@dataclass(frozen=True)
class Widget:
    """A widget in the latest render, as a test or simulator addresses it."""

    id: str
    type: str
    proto: Any
    fragment_id: str
    path: tuple[int, ...]

    @property
    def key(self) -> str | None:
        """The user key, which 1.67 appends to the element id after the hash."""
        return user_key(self.id)

    @property
    def label(self) -> str:
        return str(getattr(self.proto, "label", ""))

    @property
    def form_id(self) -> str:
        return str(getattr(self.proto, "form_id", ""))

    @property
    def options(self) -> list[str]:
        """Option labels (radio, selectbox, multiselect, segmented_control/pills)."""
        options = getattr(self.proto, "options", [])
        return [getattr(opt, "content", opt) for opt in options]


def user_key(element_id: str) -> str | None:
    """User key part of an element id, or None for an unkeyed widget."""
    if not element_id.startswith(ELEMENT_ID_PREFIX):
        return None
    parts = element_id.split("-", 2)
    key = parts[2] if len(parts) == 3 else "None"
    return None if key == "None" else key


# --------------------------------------------------------------------------- widget states


def option_label(widget: Widget, option: int | str) -> str:
    """Turn an option index or label into the label the wire carries."""
    options = widget.options
    if isinstance(option, int):
        return options[option]
    if option not in options:
        raise StreamlitClientError(f"{option!r} is not an option of {widget.id}: {options}")
    return option


def option_state(widget: Widget, option: int | str | None) -> WidgetState:
    """Select an option (index or label) in a radio/selectbox/segmented_control/pills.

    ``None`` clears the selection (a state without value).
    """
    state = WidgetState(id=widget.id)
    if option is None:
        return state
    label = option_label(widget, option)
    if widget.type in ("button_group", "multiselect"):
        state.string_array_value.data.append(label)
    else:
        state.string_value = label
    return state


def options_state(widget: Widget, options: Iterable[int | str]) -> WidgetState:
    """Select several options (multiselect, multi-select pills)."""
    state = WidgetState(id=widget.id)
    state.string_array_value.SetInParent()
    state.string_array_value.data.extend(option_label(widget, opt) for opt in options)
    return state


def trigger_state(widget: Widget) -> WidgetState:
    """A button click (also form submit buttons)."""
    return WidgetState(id=widget.id, trigger_value=True)


def text_state(widget: Widget, text: str | None) -> WidgetState:
    """Text for a text_input/text_area; ``None`` clears it."""
    state = WidgetState(id=widget.id)
    if text is not None:
        state.string_value = text
    return state


def bool_state(widget: Widget, value: bool) -> WidgetState:
    return WidgetState(id=widget.id, bool_value=value)


def number_state(widget: Widget, value: float | None) -> WidgetState:
    state = WidgetState(id=widget.id)
    if value is not None:
        state.double_value = float(value)
    return state


def _single_option_value(proto: Any) -> str | None:
    if proto.set_value:
        return proto.raw_value if proto.HasField("raw_value") else None
    if proto.HasField("default") and len(proto.options) > proto.default:
        return str(proto.options[proto.default])
    return None


def _multi_option_value(proto: Any) -> list[str]:
    if proto.set_value:
        return list(proto.raw_values)
    labels = [getattr(opt, "content", opt) for opt in proto.options]
    return [str(labels[i]) for i in proto.default if i < len(labels)]


def _optional_scalar(proto: Any) -> Any:
    if proto.set_value:
        return proto.value if proto.HasField("value") else None
    return proto.default if proto.HasField("default") else None


def mounted_state(node: Node) -> WidgetState | None:
    """The state a browser widget commits when it mounts, or when set_value says so.

    None for elements without a value state (buttons, charts, unsupported widgets).
    """
    kind, proto, widget_id = node.element_type, node.proto, node.widget_id
    if widget_id is None or kind is None:
        return None
    state = WidgetState(id=widget_id)
    if kind in ("radio", "selectbox"):
        value = _single_option_value(proto)
        if value is not None:
            state.string_value = value
    elif kind in ("button_group", "multiselect"):
        state.string_array_value.SetInParent()
        state.string_array_value.data.extend(_multi_option_value(proto))
    elif kind in ("text_input", "text_area"):
        value = _optional_scalar(proto)
        if value is not None:
            state.string_value = value
    elif kind == "number_input":
        value = _optional_scalar(proto)
        if value is not None:
            state.double_value = value
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    else:
        return None
    return state


# --------------------------------------------------------------------------- results


@dataclass
class RerunResult:
    """What one rerun (or the initial load) produced.

    ``messages`` (and so ``deltas``/``elements``) is empty when the session was made
    with ``keep_messages=False``; the counters and ``exceptions`` are always filled.
    """

    elapsed: float  # seconds from sending rerun_script to receiving script_finished
    status: int  # ForwardMsg.ScriptFinishedStatus of the finishing run
    messages: list[ForwardMsg] = field(default_factory=list)
    exceptions: list[ExceptionProto] = field(default_factory=list)
    fragment_ids: list[str] = field(default_factory=list)
    delta_count: int = 0
    bytes_received: int = 0

    @property
    def elapsed_ms(self) -> float:
        return self.elapsed * 1000.0

    @property
    def deltas(self) -> list[ForwardMsg]:
        return [m for m in self.messages if m.WhichOneof("type") == "delta"]

    @property
    def elements(self) -> list[tuple[tuple[int, ...], Element]]:
        """(delta_path, Element) of every new_element received during the rerun."""
        return [
            (tuple(m.metadata.delta_path), m.delta.new_element)
            for m in self.deltas
            if m.delta.HasField("new_element")
        ]

    @property
    def is_fragment_run(self) -> bool:
        return self.status == FINISHED_FRAGMENT_OK

    @property
    def ok(self) -> bool:
        """Finished normally and drew no exception element."""
        return self.status in (FINISHED_OK, FINISHED_FRAGMENT_OK) and not self.exceptions


@dataclass
class _PendingRerun:
    future: asyncio.Future[int]
    started: float
    messages: list[ForwardMsg] = field(default_factory=list)
    exceptions: list[ExceptionProto] = field(default_factory=list)
    seen_new_session: bool = False
    delta_count: int = 0
    bytes_received: int = 0

    def record(self, msg: ForwardMsg, size: int, keep: bool) -> None:
        self.bytes_received += size
        if keep:
            self.messages.append(msg)
        exception = _exception_of(msg)
        if exception is not None:
            self.exceptions.append(exception)
        if msg.HasField("delta"):
            self.delta_count += 1


def _exception_of(msg: ForwardMsg) -> ExceptionProto | None:
    """The exception a ForwardMsg carries (exception element or compile error), if any."""
    if msg.HasField("delta") and msg.delta.new_element.HasField("exception"):
        return msg.delta.new_element.exception
    if msg.HasField("session_event"):
        event = msg.session_event
        if event.HasField("script_compilation_exception"):
            return event.script_compilation_exception
    return None


# --------------------------------------------------------------------------- helpers


def _timezone_offset_minutes(tz_name: str) -> int:
    """JavaScript's Date.getTimezoneOffset(): minutes UTC minus local (CET = -60)."""
    offset = dt.datetime.now(zoneinfo.ZoneInfo(tz_name)).utcoffset() or dt.timedelta()
    return -int(offset.total_seconds() // 60)


def _http_get_status(
    url: str, timeout: float, opener: urllib.request.OpenerDirector | None = None
) -> int:
    opened = (
        opener.open(url, timeout=timeout)
        if opener
        else urllib.request.urlopen(url, timeout=timeout)
    )
    with opened as resp:
        resp.read()
        return int(resp.status)


def _embed_only(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k.lower() in EMBED_QUERY_KEYS])


# --------------------------------------------------------------------------- session


class StreamlitSession:
    """One simulated browser tab.

    >>> async with StreamlitSession() as s:                       # doctest: +SKIP
    ...     first = await s.connect("http://127.0.0.1:8501", "code=ABC")
    ...     res = await s.choose("answer", "vaak")    # radio inside a fragment
    ...     res.is_fragment_run, res.elapsed_ms

    One rerun at a time per session (a lock serializes them), like a user who waits for
    the page. Use many sessions for concurrency.
    """

    def __init__(
        self,
        *,
        timezone: str = "Europe/Amsterdam",
        locale: str = "nl-NL",
        color_scheme: str = "light",
        send_context: bool = True,
        keep_messages: bool = True,
        rerun_timeout: float = 60.0,
        keepalive_interval: float | None = None,
    ) -> None:
        self.timezone = timezone
        self.locale = locale
        self.color_scheme = color_scheme
        self.send_context = send_context
        self.keep_messages = keep_messages
        self.rerun_timeout = rerun_timeout
        self.keepalive_interval = keepalive_interval

        self.base_url = ""
        self.query_string = ""
        self.session_id = ""
        self.main_script_hash = ""
        self.page_script_hash = ""
        self.app_pages: list[Any] = []  # AppPage protos from navigation/new_session
        self.auto_reruns: dict[str, float] = {}  # fragment_id -> interval seconds
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.widget_states: dict[str, WidgetState] = {}
        self.bytes_received = 0
        # This tab's cookies (shared by its HTTP requests and its websocket handshake).
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._pending: _PendingRerun | None = None
        self._run_id = ""
        self._fragments_this_run: list[str] = []
        self._closed_reason: BaseException | None = None
        self._forms: dict[str, dict[str, WidgetState]] = {}  # form_id -> staged states

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> StreamlitSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def connect(
        self,
        base_url: str,
        query_string: str = "",
        page: str = "",
        *,
        ping: bool = True,
        load_page: bool = False,
        open_timeout: float = 30.0,
    ) -> RerunResult:
        """Open the websocket and run the first script run, like a fresh tab.

        ``base_url`` like "http://127.0.0.1:8501"; ``query_string`` like "code=ABC"
        (no "?"); ``page`` is the URL path of a page ("resultaten") for a deep link.
        ``load_page`` first GETs the page itself, as a browser does (through a sticky load
        balancer this response sets the route cookie). Returns the initial run's
        RerunResult (elapsed includes the page load, pings and handshake).
        """
        started = time.perf_counter()
        parts = urlsplit(base_url)
        self.base_url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.query_string = query_string.lstrip("?")
        if load_page:
            page_url = f"{self.base_url}/{page.strip('/')}"
            if self.query_string:
                page_url += f"?{self.query_string}"
            await asyncio.to_thread(_http_get_status, page_url, open_timeout, self._opener)
        if ping:
            await self._init_pings(open_timeout)
        stream_url = self.base_url + "/_stcore/stream"
        cookie = self.cookie_header(stream_url)
        self._ws = await connect(
            stream_url.replace("http", "ws", 1),
            subprotocols=SUBPROTOCOLS,
            origin=Origin(self.base_url),
            additional_headers={"Cookie": cookie} if cookie else None,
            max_size=None,
            open_timeout=open_timeout,
            ping_interval=self.keepalive_interval,
            ping_timeout=self.keepalive_interval,
        )
        self._reader = asyncio.create_task(self._read_loop(), name="stclient-reader")
        async with self._lock:
            result = await self._rerun_unlocked(
                self.widget_states.values(), page_hash="", page_name=page.strip("/"), fragment_id=""
            )
        result.elapsed = time.perf_counter() - started
        return result

    async def _init_pings(self, timeout: float) -> None:
        for path in ("/_stcore/health", "/_stcore/host-config"):
            await asyncio.to_thread(_http_get_status, self.base_url + path, timeout, self._opener)

    def cookie_header(self, url: str) -> str | None:
        """The Cookie header this tab's jar sends with a request to ``url`` (http/https)."""
        request = urllib.request.Request(url)
        self.cookies.add_cookie_header(request)
        return request.get_header("Cookie")

    def cookie(self, name: str) -> str | None:
        """The value of this tab's cookie ``name`` (any domain and path), or None."""
        return next((c.value for c in self.cookies if c.name == name), None)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self._ws = None
        self._reader = None

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._closed_reason is None

    # ------------------------------------------------------------------ reruns

    async def rerun(
        self,
        widget_states: Iterable[WidgetState] | None = None,
        page_script_hash: str | None = None,
        fragment_id: str | None = None,
        *,
        is_auto_rerun: bool = False,
        keep_query_string: bool = False,
        timeout: float | None = None,
    ) -> RerunResult:
        """Send rerun_script and wait for the run's script_finished.

        ``widget_states`` are merged into the session's widget-state set (which already
        holds every mounted widget's value) and the whole set is sent, as the browser
        does; trigger states are dropped again after sending. ``page_script_hash``
        defaults to the current page; a different hash is a page change (browser
        semantics: only main-script widget states, query string cut to embed params
        unless ``keep_query_string``). ``fragment_id`` reruns only that fragment.
        """
        async with self._lock:
            for state in widget_states or ():
                self.widget_states[state.id] = state
            states: Iterable[WidgetState] = self.widget_states.values()
            page_hash = page_script_hash or self.page_script_hash
            if page_script_hash and page_script_hash != self.page_script_hash:
                states = self._main_script_states()
                if not keep_query_string:
                    self.query_string = _embed_only(self.query_string)
            return await self._rerun_unlocked(
                states,
                page_hash=page_hash,
                page_name="",
                fragment_id=fragment_id or "",
                is_auto_rerun=is_auto_rerun,
                timeout=timeout,
            )

    async def _rerun_unlocked(
        self,
        states: Iterable[WidgetState],
        *,
        page_hash: str,
        page_name: str,
        fragment_id: str,
        is_auto_rerun: bool = False,
        timeout: float | None = None,
    ) -> RerunResult:
        msg = self._rerun_msg(list(states), page_hash, page_name, fragment_id, is_auto_rerun)
        self._drop_triggers()
        pending = _PendingRerun(
            future=asyncio.get_running_loop().create_future(), started=time.perf_counter()
        )
        self._pending = pending
        try:
            await self._send(msg)
            status = await asyncio.wait_for(pending.future, timeout or self.rerun_timeout)
        except TimeoutError as exc:
            raise RerunTimeout(
                f"no script_finished within {timeout or self.rerun_timeout}s "
                f"(fragment_id={fragment_id!r})"
            ) from exc
        finally:
            self._pending = None
        return RerunResult(
            elapsed=time.perf_counter() - pending.started,
            status=status,
            messages=pending.messages,
            exceptions=pending.exceptions,
            fragment_ids=list(self._fragments_this_run),
            delta_count=pending.delta_count,
            bytes_received=pending.bytes_received,
        )

    def _rerun_msg(
        self,
        states: list[WidgetState],
        page_hash: str,
        page_name: str,
        fragment_id: str,
        is_auto_rerun: bool,
    ) -> BackMsg:
        msg = BackMsg()
        client_state = msg.rerun_script
        client_state.query_string = self.query_string
        client_state.widget_states.widgets.extend(states)
        client_state.page_script_hash = page_hash
        client_state.page_name = page_name
        client_state.fragment_id = fragment_id
        client_state.is_auto_rerun = is_auto_rerun
        if self.send_context:
            client_state.context_info.CopyFrom(self._context_info(page_name))
        return msg

    def _context_info(self, page_name: str) -> ContextInfo:
        url = f"{self.base_url}/{page_name or self._current_url_path()}"
        if self.query_string:
            url += f"?{self.query_string}"
        return ContextInfo(
            timezone=self.timezone,
            timezone_offset=_timezone_offset_minutes(self.timezone),
            locale=self.locale,
            url=url,
            is_embedded=False,
            color_scheme=self.color_scheme,
        )

    def _current_url_path(self) -> str:
        page = self.find_page(self.page_script_hash) if self.page_script_hash else None
        return page.url_pathname if page is not None else ""

    def _main_script_states(self) -> list[WidgetState]:
        keep = {
            node.widget_id
            for node in self.nodes.values()
            if node.widget_id and node.active_script_hash == self.main_script_hash
        }
        return [state for wid, state in self.widget_states.items() if wid in keep]

    def _drop_triggers(self) -> None:
        triggers = [
            wid
            for wid, state in self.widget_states.items()
            if state.WhichOneof("value") in TRIGGER_FIELDS
        ]
        for wid in triggers:
            del self.widget_states[wid]

    async def _send(self, msg: BackMsg) -> None:
        if self._ws is None or self._closed_reason is not None:
            raise StreamlitClientError(f"session is not connected ({self._closed_reason!r})")
        await self._ws.send(msg.SerializeToString())

    # ------------------------------------------------------------------ navigation

    def find_page(self, page: str) -> Any | None:
        """AppPage by page_script_hash, url_pathname or page_name (title)."""
        wanted = page.strip("/")
        for app_page in self.app_pages:
            names = (app_page.page_script_hash, app_page.url_pathname, app_page.page_name)
            if wanted in names:
                return app_page
        return None

    async def navigate(
        self, page: str, *, keep_query_string: bool = False, timeout: float | None = None
    ) -> RerunResult:
        """Go to another page (by url path, title or hash), like a sidebar nav click.

        Like the browser, this drops the query string (except embed params) unless
        ``keep_query_string``: an app that needs ``?code=`` after navigating must keep it
        in session_state or set st.query_params itself.
        """
        app_page = self.find_page(page)
        if app_page is None:
            known = [(p.page_name, p.url_pathname) for p in self.app_pages]
            raise StreamlitClientError(f"no page {page!r}; pages: {known}")
        return await self.rerun(
            page_script_hash=app_page.page_script_hash,
            keep_query_string=keep_query_string,
            timeout=timeout,
        )

    # ------------------------------------------------------------------ reading

    async def _read_loop(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    continue
                self._on_frame(data)
        except ConnectionClosed as exc:
            self._closed_reason = exc
        except Exception as exc:  # noqa: BLE001 - surface it through the pending rerun
            _LOG.exception("stclient reader failed")
            self._closed_reason = exc
        finally:
            if self._closed_reason is None:
                self._closed_reason = StreamlitClientError("websocket closed")
            pending = self._pending
            if pending is not None and not pending.future.done():
                pending.future.set_exception(
                    StreamlitClientError(f"connection lost: {self._closed_reason!r}")
                )

    def _on_frame(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.bytes_received += len(data)
        if self._pending is not None:
            self._pending.record(msg, len(data), self.keep_messages)
        handler = _HANDLERS.get(msg.WhichOneof("type") or "")
        if handler is not None:
            handler(self, msg)

    def _on_new_session(self, msg: ForwardMsg) -> None:
        new_session = msg.new_session
        self._run_id = msg.metadata.run.script_run_id
        self._fragments_this_run = list(msg.metadata.run.fragment_ids)
        if new_session.HasField("initialize"):
            self.session_id = new_session.initialize.session_id or self.session_id
        self.main_script_hash = new_session.main_script_hash
        self.page_script_hash = new_session.page_script_hash
        if new_session.app_pages and not self._fragments_this_run:
            self.app_pages = list(new_session.app_pages)
        if not self._fragments_this_run:
            self.auto_reruns.clear()
        if self._pending is not None:
            self._pending.seen_new_session = True

    def _on_navigation(self, msg: ForwardMsg) -> None:
        self.app_pages = list(msg.navigation.app_pages)
        self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash

    def _on_page_info(self, msg: ForwardMsg) -> None:
        self.query_string = msg.page_info_changed.query_string

    def _on_auto_rerun(self, msg: ForwardMsg) -> None:
        self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval

    def _on_stop_auto_rerun(self, msg: ForwardMsg) -> None:
        for fragment_id in msg.stop_auto_rerun.fragment_ids:
            self.auto_reruns.pop(fragment_id, None)

    def _on_ref_hash(self, msg: ForwardMsg) -> None:
        # Never expected: we never declare cached_message_hashes.
        _LOG.error("received ref_hash %s; the cached message is unknown", msg.ref_hash)

    def _on_delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        if delta.HasField("new_transient"):
            return
        if delta.HasField("new_element") or not self._same_block_type(path, delta):
            # The browser's AppRoot.addBlock keeps the children of a block only when the
            # new block has the same type (a fragment's rerun re-sends its container).
            self._drop_descendants(path)
        self.nodes[path] = Node(path, delta, self._run_id, msg.metadata.active_script_hash)
        self._commit_mounted_state(self.nodes[path])

    def _same_block_type(self, path: tuple[int, ...], delta: Delta) -> bool:
        old = self.nodes.get(path)
        return (
            old is not None
            and old.is_block
            and old.delta.add_block.WhichOneof("type") == delta.add_block.WhichOneof("type")
        )

    def _commit_mounted_state(self, node: Node) -> None:
        widget_id = node.widget_id
        if widget_id is None:
            return
        set_value = bool(getattr(node.proto, "set_value", False))
        if widget_id in self.widget_states and not set_value:
            return
        state = mounted_state(node)
        if state is not None:
            self.widget_states[widget_id] = state

    def _drop_descendants(self, path: tuple[int, ...]) -> None:
        depth = len(path)
        for other in [p for p in self.nodes if len(p) > depth and p[:depth] == path]:
            del self.nodes[other]

    def _on_script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        if status in _CLEARS_STALE:
            self._clear_stale_nodes()
            self._remove_inactive_states()
        pending = self._pending
        if (
            pending is not None
            and pending.seen_new_session
            and status in _COMPLETED
            and not pending.future.done()
        ):
            pending.future.set_result(status)

    def _clear_stale_nodes(self) -> None:
        """The browser's ClearStaleNodeVisitor (1.67 frontend): drop what the finished run
        did not redraw.

        A full run keeps only what it drew. A fragment run (one fragment, several named by
        ``st.rerun(scope=keys)``, or an outer one with nested fragments inside) clears only
        inside the container blocks of its fragments that it drew: there a block from an
        earlier run goes with everything in it, and so does an element from an earlier run
        that a fragment drew (nested fragments' stale statements included). Everything
        outside those blocks stays.
        """
        run = self._run_id
        fragments = set(self._fragments_this_run)
        children: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        for path in self.nodes:
            children.setdefault(path[:-1], []).append(path)
        stale: list[tuple[int, ...]] = []

        def visit(parent: tuple[int, ...], in_scope: bool) -> None:
            for path in children.get(parent, ()):
                node = self.nodes[path]
                old = node.run_id != run
                if not node.is_block:
                    kept = not old or (fragments and (not node.fragment_id or not in_scope))
                    if not kept:
                        stale.append(path)
                    continue
                if old and (in_scope or not fragments):
                    stale.append(path)
                    continue
                drawn_here = bool(fragments) and not old and node.fragment_id in fragments
                visit(path, in_scope or drawn_here)

        for root in sorted({path[:1] for path in self.nodes}):
            visit(root, False)
        for path in stale:
            self.nodes.pop(path, None)
            self._drop_descendants(path)

    def _remove_inactive_states(self) -> None:
        active = {node.widget_id for node in self.nodes.values() if node.widget_id}
        for wid in [w for w in self.widget_states if w not in active]:
            del self.widget_states[wid]

    # ------------------------------------------------------------------ finding widgets

    @property
    def widgets(self) -> list[Widget]:
        """Widgets in the latest render, in delta-path order."""
        found = []
        for path in sorted(self.nodes):
            node = self.nodes[path]
            if node.widget_id and node.element_type:
                found.append(
                    Widget(node.widget_id, node.element_type, node.proto, node.fragment_id, path)
                )
        return found

    def find_widgets(
        self, *, key: str | None = None, label: str | None = None, type: str | None = None
    ) -> list[Widget]:
        """Widgets matching all given criteria. ``type`` is the Element oneof name:
        radio, selectbox, text_input, text_area, button, checkbox, multiselect,
        number_input, button_group (segmented_control and pills)."""
        return [
            w
            for w in self.widgets
            if (key is None or w.key == key)
            and (label is None or w.label == label)
            and (type is None or w.type == type)
        ]

    def find_widget(
        self, *, key: str | None = None, label: str | None = None, type: str | None = None
    ) -> Widget:
        """Exactly one widget by user key and/or label (and/or type)."""
        matches = self.find_widgets(key=key, label=label, type=type)
        if len(matches) != 1:
            shown = [(w.type, w.key, w.label) for w in self.widgets]
            raise StreamlitClientError(
                f"{len(matches)} widgets match key={key!r} label={label!r} type={type!r}; "
                f"on the page: {shown}"
            )
        return matches[0]

    def widget(self, target: Widget | str) -> Widget:
        """A Widget, or the widget whose user key (else label) is ``target``."""
        if isinstance(target, Widget):
            return target
        by_key = self.find_widgets(key=target)
        return by_key[0] if len(by_key) == 1 else self.find_widget(label=target)

    def texts(self) -> list[str]:
        """Bodies of markdown/heading/text elements on the page, in path order."""
        bodies = []
        for path in sorted(self.nodes):
            kind = self.nodes[path].element_type
            if kind in ("markdown", "heading", "text"):
                bodies.append(self.nodes[path].proto.body)
        return bodies

    # ------------------------------------------------------------------ interactions

    async def interact(self, widget: Widget, state: WidgetState) -> RerunResult | None:
        """Apply a user change to ``widget`` the way the browser would.

        Widgets in a form (form_id set) and widgets with on_change="ignore" only store
        the value (None is returned, nothing is sent); a form submit button sends the
        form's staged values. Everything else reruns, scoped to the widget's fragment.
        """
        is_trigger = state.WhichOneof("value") in TRIGGER_FIELDS
        if widget.form_id and not is_trigger:
            self._staged(widget.form_id)[widget.id] = state
            return None
        if getattr(widget.proto, "ignore_rerun", False):
            self.widget_states[widget.id] = state
            return None
        states = [*self._forms.pop(widget.form_id, {}).values(), state]
        return await self.rerun(states, fragment_id=widget.fragment_id or None)

    def _staged(self, form_id: str) -> dict[str, WidgetState]:
        return self._forms.setdefault(form_id, {})

    async def choose(self, target: Widget | str, option: int | str | None) -> RerunResult | None:
        """Pick an option (label or index) in a radio, selectbox or segmented_control."""
        widget = self.widget(target)
        return await self.interact(widget, option_state(widget, option))

    async def click(self, target: Widget | str) -> RerunResult | None:
        """Click a button (or a form's submit button)."""
        widget = self.widget(target)
        return await self.interact(widget, trigger_state(widget))

    async def type_text(self, target: Widget | str, text: str | None) -> RerunResult | None:
        """Enter text in a text_input/text_area (as on Enter or blur)."""
        widget = self.widget(target)
        return await self.interact(widget, text_state(widget, text))

    async def set_checkbox(self, target: Widget | str, value: bool) -> RerunResult | None:
        widget = self.widget(target)
        return await self.interact(widget, bool_state(widget, value))

    def current_value(self, target: Widget | str) -> Any:
        """The value the client holds for a widget (what it would send), or None."""
        state = self.widget_states.get(self.widget(target).id)
        if state is None or state.WhichOneof("value") is None:
            return None
        value = getattr(state, state.WhichOneof("value"))
        return list(value.data) if hasattr(value, "data") else value


_HANDLERS = {
    "new_session": StreamlitSession._on_new_session,
    "navigation": StreamlitSession._on_navigation,
    "page_info_changed": StreamlitSession._on_page_info,
    "auto_rerun": StreamlitSession._on_auto_rerun,
    "stop_auto_rerun": StreamlitSession._on_stop_auto_rerun,
    "ref_hash": StreamlitSession._on_ref_hash,
    "delta": StreamlitSession._on_delta,
    "script_finished": StreamlitSession._on_script_finished,
}
