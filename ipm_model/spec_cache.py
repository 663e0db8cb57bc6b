"""Chart templates kept on disk, so a fresh process does not build them again.

A radar template (ipm_model.charts.radar_spec) is an Altair build of ~0.1-0.3 s (the first
in a process loads Altair's schema); it depends only on code and on texts (phase labels,
tooltip titles, language; the chains' names are stand-ins, put in after reading), never on
answers. A template built once is written here as JSON and read back (about a
millisecond) by every later process of the same code, so the first reader after a restart
or a deploy does not pay for the build. No name of a chain or person, no answer and no
figure is written here.

Files live in a folder per code fingerprint: a hash of the source of the modules that
build the template, read when those modules are imported (so a process never files a
template of its own code under the fingerprint of newer files on disk, as during a rolling
update), and of the versions of Altair, its Vega-Lite schema, pandas, Babel and Python.
The file name is a hash of the template's own key; each file holds its key in full and is
used only when that key and the fingerprint match. Files are written whole under a temporary
name and renamed (atomic on POSIX and Windows), so several processes or replicas of the same
user may share the folder: two that build the same template write the same bytes. A file is
read only when this user owns it and no one else may write to it. The first write of a
process removes the folders of other fingerprints (older code) and temporary files left by a
killed process, when they are more than an hour old. Anything going wrong (no home folder,
no writable folder, a read-only install, a corrupt, foreign or not-ours file) falls back to
building in the process, as before: the cache can only save time, never change a chart.

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
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)
FORMAT = 2  # bump when the file layout changes
OFF = "off"
STALE_AFTER_S = 3600  # other fingerprints' folders and temporary files older than this go


def cache_dir() -> Path | None:
    """The folder for cached templates, or None when the cache is turned off."""
    configured = os.environ.get("IPM_CACHE_DIR", "").strip()
    if configured.lower() == OFF:
        return None
    if configured:
        return Path(configured)
    try:
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    except (RuntimeError, KeyError):  # no HOME and no home folder for this user
        return None
    return Path(base) / "ipm-ketenscan"


def code_fingerprint(modules: tuple[str, ...]) -> str:
    """A hash of the source of these modules (dotted names, imported) and of the library
    versions a chart spec depends on. Read it when the modules are imported (see
    ipm_model.charts.TEMPLATE_FINGERPRINT), not later: the files may change meanwhile."""
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


def _path(kind: str, fingerprint: str, key_text: str, folder: Path) -> Path:
    name = hashlib.sha256(key_text.encode()).hexdigest()
    return folder / kind / fingerprint[:32] / f"{name}.json"


def cached_spec(
    kind: str,
    key: Sequence[Any],
    fingerprint: str | None,
    build: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """The spec for `key` from the disk cache, else `build()` (then written for the next
    process). `key` must be JSON-safe (strings, numbers, booleans, None, tuples);
    `fingerprint` is code_fingerprint of the modules that build it, taken at their import
    (None: no disk cache)."""
    folder = cache_dir()
    if folder is None or not fingerprint:
        return build()
    try:
        stored_key = [fingerprint, json.loads(json.dumps(list(key)))]
        key_text = json.dumps(stored_key, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        LOG.debug("spec cache: key of %s not cacheable", kind, exc_info=True)
        return build()
    path = _path(kind, fingerprint, key_text, folder)
    found = _read(path, stored_key)
    if found is not None:
        return found
    spec = build()
    _write(path, stored_key, spec)
    return spec


def _ours(stat: os.stat_result) -> bool:
    """Whether a file is this user's and no one else may write it (a file someone else
    could have put there is never read). Where there are no user ids (Windows): yes."""
    if not hasattr(os, "geteuid"):
        return True
    return stat.st_uid == os.geteuid() and not stat.st_mode & 0o022


def _read(path: Path, stored_key: list[Any]) -> dict[str, Any] | None:
    """The spec in `path` when it is there, ours, whole and written for `stored_key`."""
    try:
        with path.open(encoding="utf-8") as handle:
            if not _ours(os.fstat(handle.fileno())) or not _ours(path.parent.stat()):
                LOG.warning("spec cache: %s is not this user's own, building again", path)
                return None
            content = json.loads(handle.read())
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
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _prune_once(path.parent)
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


_pruned: set[Path] = set()
_prune_lock = threading.Lock()


def _prune_once(own: Path) -> None:
    """Once per process and folder: remove the folders of other fingerprints beside `own`
    (templates of older code, never read again) and temporary files a killed process left in
    `own`, when untouched for STALE_AFTER_S (a replica of other code still running within
    the hour keeps its folder; past it, losing its files only costs it a build)."""
    with _prune_lock:
        if own in _pruned:
            return
        _pruned.add(own)
    limit = time.time() - STALE_AFTER_S
    with contextlib.suppress(OSError):
        for other in own.parent.iterdir():
            if other == own or not other.is_dir() or other.is_symlink():
                continue
            with contextlib.suppress(OSError):
                if other.stat().st_mtime < limit:
                    for file in other.iterdir():
                        if file.suffix == ".json":
                            file.unlink()
                    other.rmdir()
        for leftover in own.glob(".tmp-*.json"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < limit:
                    leftover.unlink()
