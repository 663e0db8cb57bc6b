"""Chart templates kept on disk, so a fresh process does not build them again.

A radar template (ipm_model.charts.radar_spec) is an Altair build of ~0.1-0.3 s (the first
in a process loads Altair's schema); it depends only on code and on texts (phase labels,
tooltip titles, language; the chains' names are stand-ins, put in after reading), never on
answers. A template built once is written here as JSON and read back (about a
millisecond) by every later process of the same code, so the first reader after a restart
or a deploy does not pay for the build. No name of a chain or person, no answer and no
figure is written here.

The file name is a hash of everything the template depends on: the template's own key,
the source of the modules that build it (a changed builder is a different file), and the
versions of Altair, its Vega-Lite schema, pandas, Babel and Python. Each file also holds its key
in full and is used only when that key matches. Files are written whole under a temporary
name and renamed (atomic on POSIX and Windows), so several processes or replicas may share
the folder: two that build the same template write the same bytes. Anything going wrong
(no writable folder, a read-only install, a corrupt or foreign file) falls back to building
in the process, as before: the cache can only save time, never change a chart.

The folder: `IPM_CACHE_DIR`, else `$XDG_CACHE_HOME/ipm-ketenscan`, else
`~/.cache/ipm-ketenscan`; `IPM_CACHE_DIR=off` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)
FORMAT = 1  # bump when the file layout changes
OFF = "off"


def cache_dir() -> Path | None:
    """The folder for cached templates, or None when the cache is turned off."""
    configured = os.environ.get("IPM_CACHE_DIR", "").strip()
    if configured.lower() == OFF:
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "ipm-ketenscan"


@cache
def code_fingerprint(modules: tuple[str, ...]) -> str:
    """A hash of the source of these modules (dotted names) and of the library versions
    a chart spec depends on."""
    import altair as alt
    import babel
    import pandas as pd

    digest = hashlib.sha256()
    for item in (
        str(FORMAT),
        alt.__version__,
        alt.SCHEMA_VERSION,
        pd.__version__,
        babel.__version__,  # number formats and the Vega locale (ipm_model.formats)
        f"{sys.version_info.major}.{sys.version_info.minor}",
    ):
        digest.update(item.encode() + b"\0")
    for name in modules:
        origin = sys.modules[name].__spec__.origin
        digest.update(name.encode() + b"\0" + Path(origin).read_bytes() + b"\0")
    return digest.hexdigest()


def _path(kind: str, key_text: str, folder: Path) -> Path:
    return folder / kind / f"{hashlib.sha256(key_text.encode()).hexdigest()}.json"


def cached_spec(
    kind: str,
    key: Sequence[Any],
    modules: tuple[str, ...],
    build: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """The spec for `key` from the disk cache, else `build()` (then written for the next
    process). `key` must be JSON-safe (strings, numbers, booleans, None, tuples); `modules`
    are the modules whose source the spec depends on."""
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        stored_key = [code_fingerprint(modules), json.loads(json.dumps(list(key)))]
        key_text = json.dumps(stored_key, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, OSError, KeyError, AttributeError):
        LOG.debug("spec cache: key of %s not cacheable", kind, exc_info=True)
        return build()
    path = _path(kind, key_text, folder)
    found = _read(path, stored_key)
    if found is not None:
        return found
    spec = build()
    _write(path, stored_key, spec)
    return spec


def _read(path: Path, stored_key: list[Any]) -> dict[str, Any] | None:
    """The spec in `path` when it is there, whole and written for `stored_key`."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except OSError:  # not there (the usual miss), or no folder to read
        return None
    except ValueError:
        LOG.warning("spec cache: corrupt %s, building again", path)
        return None
    if (
        not isinstance(content, dict)
        or content.get("key") != stored_key
        or not isinstance(content.get("spec"), dict)
    ):
        LOG.warning("spec cache: %s holds another key, building again", path)
        return None
    return content["spec"]


def _write(path: Path, stored_key: list[Any], spec: dict[str, Any]) -> None:
    """Write the spec atomically (temporary file, then rename); give up quietly on errors."""
    try:
        text = json.dumps({"key": stored_key, "spec": spec}, allow_nan=False)
    except (TypeError, ValueError):
        LOG.debug("spec cache: spec for %s not JSON-safe, not stored", path, exc_info=True)
        return
    if json.loads(text)["spec"] != spec:  # a value JSON would not give back the same
        LOG.debug("spec cache: spec for %s does not survive JSON, not stored", path)
        return
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".tmp-", suffix=".json", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        LOG.debug("spec cache: cannot write %s (read-only?), not stored", path, exc_info=True)
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
