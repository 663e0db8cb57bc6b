"""The two HTTP routes of the session cookie, served by the st.App in app.py.

A Streamlit session cannot set cookies; these plain HTTP routes can (see ui/session.py):

- `GET /_ipm/session?n=<nonce>&next=<path>`: take the one-time nonce (stored in the database,
  so any replica can answer), set the signed HttpOnly cookie it stands for, go to `next`.
- `GET /_ipm/logout?next=<path>`: delete the cookie, go to `next`.

`next` is always a path on this site. Both answer with a redirect, never with a page.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ipm_model.db import StoreError
from ipm_model.session import COOKIE_NAME, local_path

_LOG = logging.getLogger(__name__)


def _secure(request: Request) -> bool:
    """Mark the cookie Secure when the browser reached us over HTTPS (also via a proxy)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _redirect(request: Request) -> RedirectResponse:
    response = RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def set_session(request: Request) -> RedirectResponse:
    """Exchange a one-time nonce for the session cookie (sync: runs in a worker thread)."""
    from ui.context import process_store  # the app's store of this process

    response = _redirect(request)
    try:
        found = process_store().take_session_nonce(request.query_params.get("n"))
    except StoreError as exc:  # the page behind the redirect explains a database problem
        _LOG.warning("session cookie not set: %s", exc)
        found = None
    if found is not None:
        cookie, max_age = found
        response.set_cookie(
            COOKIE_NAME,
            cookie,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
    return response


def clear_session(request: Request) -> RedirectResponse:
    """Delete the session cookie of this browser."""
    response = _redirect(request)
    response.delete_cookie(
        COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )
    return response


def session_routes() -> list[Route]:
    return [
        Route("/_ipm/session", set_session, methods=["GET"]),
        Route("/_ipm/logout", clear_session, methods=["GET"]),
    ]
