"""Interface texts in Dutch (default, B1 level) and English: one table, one lookup.

The texts live in ipm_model/texts/*.toml (every user-facing text: screens, reports,
agenda, handvatten), each key with its Dutch and English side by side; the texts may
hold {named} fields. `t` fills them escaped for Markdown (the screens), `phrase` as
given (renderers that escape on their own). Questionnaire texts (phases, statements,
answer labels) live in the questionnaire files.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ipm_model.phases import DEFAULT_LANGUAGE, LANGUAGES

TEXTS_DIR = Path(__file__).resolve().parent / "texts"


def _load_texts() -> dict[str, tuple[str, str]]:
    """Every text of ipm_model/texts/*.toml as key -> (Dutch, English); a key in two files,
    or a text without both languages, is an error naming the file."""
    table: dict[str, tuple[str, str]] = {}
    for path in sorted(TEXTS_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            for key, text in tomllib.load(handle).items():
                if key in table:
                    raise ValueError(f"{path.name}: {key} is also in another texts file")
                if set(text) != {"nl", "en"}:
                    raise ValueError(f"{path.name}: {key} needs nl and en, nothing else")
                table[key] = (text["nl"], text["en"])
    return table


# key -> (Dutch, English), from ipm_model/texts/*.toml.
STRINGS: dict[str, tuple[str, str]] = _load_texts()


def normalize_language(value: object) -> str:
    """A supported language code from any input (query parameter, setting); Dutch otherwise."""
    if isinstance(value, str) and value.strip().lower()[:2] in LANGUAGES:
        return value.strip().lower()[:2]
    return DEFAULT_LANGUAGE


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=^&\"'%@/")
WORD_JOINER = "\u2060"
# Streamlit links bare URLs and e-mail addresses, and draws :emoji:, :material/icons: and
# :streamlit: on the text *after* Markdown escapes are resolved, so a backslash cannot stop
# them. An invisible word joiner after ':' (when text follows), after '@' and inside 'www.'
# breaks those patterns; the text still reads the same.
_AUTO_MARKUP = re.compile(r":(?=\S)|@|www(?=\.)", re.IGNORECASE)


def escape_markdown(text: object) -> str:
    """Make user-typed text show as plain text inside Markdown.

    No formatting, links, autolinks, images, HTML, LaTeX, icons, emoji or colours: Markdown
    characters get a backslash, line breaks become spaces, other invisible characters are
    dropped, and a word joiner (U+2060, never kept from the input) breaks autolinks and
    shortcodes. Removing the word joiners from what the browser shows gives the text back.
    """
    kept = "".join(
        " " if ch in "\r\n\t" else ch for ch in str(text) if ch.isprintable() or ch in "\r\n\t"
    )
    broken = _AUTO_MARKUP.sub(lambda m: m.group(0) + WORD_JOINER, kept)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in broken)


def t(key: str, lang: str, /, **fields: object) -> str:
    """The interface text `key` in `lang`, with {fields} filled in.

    Text fields are escaped for Markdown, so a chain called `**x**` or `<b>` shows as typed.
    """
    nl, en = STRINGS[key]
    text = en if lang == "en" else nl
    if not fields:
        return text
    safe = {k: escape_markdown(v) if isinstance(v, str) else v for k, v in fields.items()}
    return text.format(**safe)


def phrase(key: str, lang: str, /, **fields: object) -> str:
    """The text `key` in `lang` with {fields} filled in as given: for renderers that escape
    on their own (the reports' autoescaping templates, the agenda's Markdown lines)."""
    nl, en = STRINGS[key]
    text = en if lang == "en" else nl
    return text.format(**fields) if fields else text
