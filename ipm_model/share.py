"""Sharing a workshop: join links, QR codes (segno) and a printable one-page handout."""

from __future__ import annotations

import html
import io
from urllib.parse import urlencode

import segno
from markupsafe import Markup

from ipm_model.i18n import t
from ipm_model.reports.templating import render, stylesheet


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
