"""What a table editor sends back is checked: rows, columns, ids (ipm_model.edits)."""

from __future__ import annotations

import pytest

from ipm_model.edits import RowEdit, TamperedEdit, checked_edits

IDS = [41, 42]
EDITABLE = ("description", "owner", "due", "status")


def test_edits_map_row_positions_to_the_ids_the_server_kept():
    state = {"edited_rows": {"1": {"description": "Nieuw"}}, "added_rows": [], "deleted_rows": []}
    assert checked_edits(state, IDS, EDITABLE) == [RowEdit(42, {"description": "Nieuw"})]
    assert checked_edits(None, IDS, EDITABLE) == []


@pytest.mark.parametrize(
    "state",
    [
        {"edited_rows": {"0": {"id": 7, "description": "x"}}},  # the hidden id column
        {"edited_rows": {"0": {"phase": "borgen"}}},  # a disabled column
        {"edited_rows": {"2": {"description": "x"}}},  # a row that was not shown
        {"edited_rows": {"-1": {"description": "x"}}},
        {"edited_rows": {"0": {"description": {"nested": 1}}}},
        {"edited_rows": [1, 2]},
        {"added_rows": [{"description": "x"}]},
        {"deleted_rows": [0]},
        {"something": 1},
        "not a mapping",
    ],
)
def test_tampered_edit_states_are_refused(state):
    with pytest.raises(TamperedEdit):
        checked_edits(state, IDS, EDITABLE)


def test_tables_with_free_rows_check_added_and_deleted_rows():
    ok = {"added_rows": [{"id": "x", "_index": 3}], "deleted_rows": [1]}
    assert checked_edits(ok, range(2), ["id", "nl", "en"], rows_fixed=False) == []
    for bad in ({"deleted_rows": [5]}, {"added_rows": [{"secret": 1}]}):
        with pytest.raises(TamperedEdit):
            checked_edits(bad, range(2), ["id", "nl", "en"], rows_fixed=False)
