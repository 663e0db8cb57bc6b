"""The objects every process holds from its start on, out of the garbage collector's way.

With Streamlit, pandas, pyarrow and Altair loaded, a process holds ~140,000 objects that
live as long as it does (modules, classes, functions, the radar templates). Python's
collector still walks all of them in every full (oldest-generation) collection: ~100 ms of
CPU each on the 2-core machine, ten of them in one simulated 30-tablet workshop (1.3 s of its
CPU, under the one GIL every session shares). `gc.freeze()` moves the objects alive now into
a permanent generation that collections skip; objects made later are collected as before.

Called once per process, after the start-up warm-up (ui/shared_results.start_warming), with
every ui module imported first, so that what a session's first run would import is frozen
too. Frozen objects are never collected: an object that was alive at the freeze and later
becomes garbage in a reference cycle stays (reference counting still frees the rest). At
start, before any session, that is a one-off of a few objects at most.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil


def freeze_startup_heap() -> int:
    """Import every ui module, collect once, freeze what is alive; the frozen object count."""
    import ui

    for module in pkgutil.iter_modules(ui.__path__):
        importlib.import_module(f"ui.{module.name}")
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
