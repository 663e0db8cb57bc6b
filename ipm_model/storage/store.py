"""The one entry point to the database: `Store` (SQLite or PostgreSQL).

Pages and the command line use the `Store` methods; none of them sees SQL. The interface is
narrow (plain dataclasses and DataFrames in and out). The SQL is written once, in the part of
SQL both back-ends share, in one module per aggregate (organisations, workshops,
participants, results, actions, guards, copy), each a part of `Store`; `ipm_model.db`
supplies the connections, transactions, locks and migrations of each back-end, schema.py the
migrations, model.py the entities.
"""

from __future__ import annotations

from ipm_model.storage.actions import Actions
from ipm_model.storage.base import StoreBase
from ipm_model.storage.copy import Copying
from ipm_model.storage.guards import Guards
from ipm_model.storage.organisations import Organisations
from ipm_model.storage.participants import Participants
from ipm_model.storage.results import ResultQueries
from ipm_model.storage.workshops import Workshops


class Store(
    Organisations, Workshops, Participants, ResultQueries, Actions, Guards, Copying, StoreBase
):
    """All reads and writes of the app. Thread-safe: each call borrows a pooled connection."""
