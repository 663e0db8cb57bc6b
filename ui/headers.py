"""HTTP security headers: the same set from nginx (deploy/nginx.conf.template) and the app.

A test keeps the template's `add_header` lines equal to SECURITY_HEADERS
(tests/browser/test_security_headers.py), and checks in Chromium that the app works under
this policy without a single violation. No Streamlit import: uvicorn loads it before any
session exists.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

# Streamlit's index.html holds one inline script (`window.prerenderReady = false`); its hash
# lets exactly that script run. A Streamlit upgrade that changes it fails the test above.
STREAMLIT_INLINE_SCRIPT = "'sha256-THxz9J9+wf7rhwR2YkXJoSZ13UCmYyC+3lNDv2+8ugA='"

# The app's own inline script: <html lang> follows the interface language (ui/style.py).
# Allowed by its hash per language, so the policy still forbids every other inline script.
LANGUAGE_SCRIPT = "document.documentElement.lang = {lang!r};"
LANGUAGES = ("nl", "en")


def _script_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


LANGUAGE_SCRIPT_HASHES = " ".join(_script_hash(LANGUAGE_SCRIPT.format(lang=x)) for x in LANGUAGES)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Streamlit decodes its messages with WebAssembly (wasm-eval, not JavaScript's eval).
        f"script-src 'self' 'wasm-unsafe-eval' {STREAMLIT_INLINE_SCRIPT} {LANGUAGE_SCRIPT_HASHES}",
        # Streamlit's components style themselves with inline <style> and style attributes.
        "style-src 'self' 'unsafe-inline'",
        # data: for the join QR code and Streamlit's icons, blob: for downloads and charts.
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        # 'self' also covers the websocket (ws:/wss:) to the same host.
        "connect-src 'self'",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Older browsers that do not know frame-ancestors.
    "X-Frame-Options": "DENY",
    # Links carry tokens in their query string (?p=, ?r=, ?f=): never pass them on.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """Pure ASGI middleware: every HTTP response gets SECURITY_HEADERS (replacing its own).

    Pure ASGI (not BaseHTTPMiddleware) so that websockets and streamed responses pass
    untouched and nothing is buffered.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        self._names = {name for name, _ in self._headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in self._names
                ]
                message["headers"] = kept + self._headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
