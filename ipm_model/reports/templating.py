"""The Jinja2 environment of the reports and the handout: templates/*.html.j2, autoescaped.

Every value a template prints is escaped unless it is Markup: only our own stylesheets and
the SVG charts and QR codes drawn by vl-convert and segno are marked safe.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """One environment per process: autoescape on, unknown names an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def stylesheet(name: str) -> Markup:
    """A CSS file of templates/, to inline in a <style> element (our own file, not escaped)."""
    return Markup((TEMPLATES / name).read_text(encoding="utf-8").strip())


def render(template: str, /, **context: object) -> str:
    """A template filled in."""
    return environment().get_template(template).render(**context)
