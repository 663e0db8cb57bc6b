"""Read what a table editor in the browser sends back, trusting none of it.

A Streamlit data editor returns its changes as an edit state: `edited_rows` (row position ->
column -> new value), `added_rows` and `deleted_rows`. Streamlit does not enforce hidden or
disabled columns, nor the number of rows, on the server: a changed websocket message can
carry anything. `checked_edits` accepts only changes to editable columns of rows the server
showed, and maps each row position to the id the server kept for it, never to an id the
browser names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class TamperedEdit(ValueError):
    """The edit state holds something the editor cannot produce (see the message)."""


@dataclass(frozen=True)
class RowEdit:
    """The changes to one row: the server's id for it and the new values by column."""

    id: int
    changes: dict[str, Any]


def checked_edits(
    state: object,
    ids: Sequence[int],
    editable: Sequence[str],
    *,
    rows_fixed: bool = True,
) -> list[RowEdit]:
    """The changes in an edit state, per row, with the ids the server rendered (`ids`).

    Raises TamperedEdit on a row position outside the shown rows, a column that is not
    `editable` (hidden or disabled ones such as an id), a value of a kind no editor sends,
    or, with `rows_fixed`, added or deleted rows.
    """
    if state is None:
        return []
    if not isinstance(state, Mapping):
        raise TamperedEdit("the edit state is not a mapping")
    unknown = set(state) - {"edited_rows", "added_rows", "deleted_rows"}
    if unknown:
        raise TamperedEdit(f"unknown parts {sorted(unknown)}")
    added, deleted = state.get("added_rows") or [], state.get("deleted_rows") or []
    if rows_fixed and (added or deleted):
        raise TamperedEdit("rows were added or deleted in a table with fixed rows")
    if not isinstance(added, list) or not isinstance(deleted, list):
        raise TamperedEdit("added_rows or deleted_rows is not a list")
    for position in deleted:
        _position(position, len(ids))
    for row in added:
        # "_index": the row's index label, which the editor may send for a new row.
        if not isinstance(row, Mapping) or set(row) - {*editable, "_index"}:
            raise TamperedEdit("an added row names a column that cannot be edited")
    edited = state.get("edited_rows") or {}
    if not isinstance(edited, Mapping):
        raise TamperedEdit("edited_rows is not a mapping")
    found = []
    for position, changes in edited.items():
        row = _position(position, len(ids))
        if not isinstance(changes, Mapping):
            raise TamperedEdit(f"row {row}: the changes are not a mapping")
        for column, value in changes.items():
            if column not in editable:
                raise TamperedEdit(f"row {row}: column {column!r} cannot be edited")
            if value is not None and not isinstance(value, (str, int, float, bool)):
                raise TamperedEdit(f"row {row}: column {column!r} has a value of another kind")
        found.append(RowEdit(ids[row], dict(changes)))
    return found


def _position(value: object, rows: int) -> int:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) >= rows:
        raise TamperedEdit(f"row {text[:20]!r} was not shown")
    return int(text)
