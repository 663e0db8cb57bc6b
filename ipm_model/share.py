"""Sharing a workshop: join links, QR codes (segno) and a printable one-page handout."""

from __future__ import annotations

import html
import io
import ipaddress
import socket
from urllib.parse import urlencode, urlsplit

import segno
from markupsafe import Markup

from ipm_model.i18n import t
from ipm_model.reports.templating import render, stylesheet


class PublicUrlError(ValueError):
    """The configured public address cannot be used for links (the message says why)."""


def parse_public_url(value: str) -> str:
    """The public address as scheme://host[:port][/path] without a trailing slash.

    Raises PublicUrlError for anything a tablet could not open: no http(s) scheme, no host,
    a query or fragment, or a bad port.
    """
    raw = value.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:
        raise PublicUrlError(f"{raw!r} is not a valid address ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise PublicUrlError(f"{raw!r} must start with http:// or https://")
    if not parts.hostname:
        raise PublicUrlError(f"{raw!r} has no host name")
    if parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise PublicUrlError(f"{raw!r} must not hold a ? or # part")
    if parts.username or parts.password:
        raise PublicUrlError(f"{raw!r} must not hold a user name or password")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def is_loopback_url(url: str) -> bool:
    """True when the address only works on this computer (localhost, 127.x, ::1, 0.0.0.0)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def network_addresses() -> list[str]:
    """This computer's own network addresses (IPv4 first), looked up without sending traffic.

    Only the host's own name is resolved (hosts file or local resolver); loopback and
    link-local addresses are left out. May be empty: the README says how to find it by hand.
    """
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return []
    found: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        try:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        if address not in found:
            found.append(address)
    found.sort(key=lambda a: (a.version, a.packed))
    return [str(a) for a in found]


def url_with_host(url: str, host: str) -> str:
    """`url` with its host replaced by `host` (an IP or name), port and path kept."""
    parts = urlsplit(url)
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def join_url(base_url: str, code: str, lang: str = "nl") -> str:
    """The link that opens the start page with the workshop code filled in."""
    query = {"code": code} if lang == "nl" else {"code": code, "lang": lang}
    return f"{base_url.rstrip('/')}/?{urlencode(query)}"


def facilitator_url(base_url: str, token: str) -> str:
    """The link that gives one workshop's console and projector screen."""
    return f"{base_url.rstrip('/')}/console?{urlencode({'f': token})}"


def results_url(base_url: str, token: str) -> str:
    """The read-only results link of an organisation."""
    return f"{base_url.rstrip('/')}/results?{urlencode({'r': token})}"


def qr_svg(url: str, *, scale: int = 8, title: str = "") -> str:
    """The URL as an inline SVG QR code (quiet zone included), with an accessible title."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=scale, title=title or None, dark="#000", light="#fff")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def qr_img_tag(url: str, *, alt: str, css_width: str = "220px") -> str:
    """The QR code as an <img> with a data: URI (survives HTML sanitisers that drop <svg>)."""
    data_uri = segno.make(url, error="m").svg_data_uri(scale=8, dark="#000", light="#fff")
    return (
        f'<img class="ipm-qr" src="{html.escape(data_uri)}" alt="{html.escape(alt)}" '
        f'style="width:{html.escape(css_width)};height:auto;image-rendering:pixelated">'
    )


def qr_png(url: str, *, scale: int = 12) -> bytes:
    """The URL as a PNG QR code, for downloading or printing."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def handout_html(*, title: str, date: str, code: str, url: str, lang: str) -> str:
    """A self-contained A4 page with the code, the link and the QR code; prints well.

    templates/handout.html.j2 (autoescaped) with templates/handout.css inlined.
    """
    qr = Markup(qr_svg(url, scale=10, title=t("share.qr_title", lang)))  # segno escapes the title
    return render(
        "handout.html.j2",
        t=lambda key: t(key, lang),
        css=stylesheet("handout.css"),
        lang=lang,
        title=title,
        date=date,
        code=code,
        url=url,
        qr=qr,
    )
