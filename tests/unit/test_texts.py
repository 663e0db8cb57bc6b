"""Every user-facing text (ipm_model/texts/*.toml): Dutch and English both there, with the same
{fields}; one key space; the lookups fill fields as they should."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from ipm_model.i18n import STRINGS, TEXTS_DIR, phrase, t

FILES = sorted(TEXTS_DIR.glob("*.toml"))


def _read(path: Path) -> dict[str, dict[str, str]]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _fields(text: str) -> list[tuple[str, str, str]]:
    """The {fields} of a text with their conversion and format spec, in order of name."""
    return sorted(
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


ENTRIES = [(p.name, key, text) for p in FILES for key, text in _read(p).items()]


def test_the_texts_files_are_there():
    assert {p.stem for p in FILES} >= {"ui", "reports", "agenda", "handvatten"}


@pytest.mark.parametrize(("file", "key", "text"), ENTRIES, ids=[f"{f}:{k}" for f, k, _ in ENTRIES])
def test_every_text_has_dutch_and_english_with_the_same_fields(file, key, text):
    assert set(text) == {"nl", "en"}, f"{file}: {key}"
    nl, en = text["nl"], text["en"]
    assert isinstance(nl, str) and isinstance(en, str)
    assert nl.strip() and en.strip(), f"{file}: {key} is empty"
    assert nl == nl.strip() and en == en.strip(), f"{file}: {key} has spaces at an end"
    assert _fields(nl) == _fields(en), f"{file}: {key}"


def test_one_key_space_and_everything_loaded():
    keys = [key for _, key, _ in ENTRIES]
    assert len(keys) == len(set(keys)), "a key is in two texts files"
    assert set(STRINGS) == set(keys)


def test_t_escapes_fields_for_markdown_and_phrase_fills_them_as_given():
    assert (
        t("agenda.title_for", "nl", name="**x**") == "Agenda voor het ketengesprek: \\*\\*x\\*\\*"
    )
    assert phrase("agenda.title_for", "en", name="**x**") == "Agenda for the chain meeting: **x**"
    assert phrase("report.title", "de") == STRINGS["report.title"][0]  # Dutch unless English


def test_a_broken_texts_file_names_itself(tmp_path, monkeypatch):
    from ipm_model import i18n

    (tmp_path / "a.toml").write_text('["x.y"]\nnl = "Ja"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "TEXTS_DIR", tmp_path)
    with pytest.raises(ValueError, match="a.toml: x.y needs nl and en"):
        i18n._load_texts()
    (tmp_path / "a.toml").write_text('["x.y"]\nnl = "Ja"\nen = "Yes"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('["x.y"]\nnl = "Ja"\nen = "Yes"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="b.toml: x.y is also in another"):
        i18n._load_texts()
