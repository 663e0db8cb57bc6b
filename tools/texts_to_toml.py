"""Move every text table (`STRINGS = {key: (Dutch, English)}`) out of the Python code into
ipm_model/texts/*.toml, Dutch and English side by side, with one lookup in ipm_model/i18n.py.

Run from the repository root on a tree whose text tables are still Python dicts:

    python tools/texts_to_toml.py            # write texts/*.toml, rewrite the modules
    python tools/texts_to_toml.py --dry-run  # only list the tables and their sizes

What it does, mechanically:

- every module-level `STRINGS` dict under ipm_model/ becomes one TOML file (i18n.py ->
  texts/ui.toml, reports/texts.py -> texts/reports.toml, agenda.py -> texts/agenda.toml,
  handvatten.py -> texts/handvatten.toml; another module -> texts/<its name>.toml), keys in
  their order, the `# --` section comments kept; the file is read back and must give the
  same table, or nothing is written;
- a key found in two tables stops the run (one lookup needs one key space);
- the dicts are removed; i18n.py loads all files into `STRINGS`; `t()` (fields escaped for
  Markdown, the screens) and `phrase()` (fields as given, for renderers that escape on their
  own: the reports' Jinja2 autoescape, the agenda's Markdown lines) look them up;
- `pick(STRINGS, ...)` (agenda, handvatten) and the reports' `t(...)` become `phrase(...)`;
- afterwards ruff fixes imports and formats the touched files.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ipm_model"
TEXTS = PACKAGE / "texts"
NAMES = {
    "ipm_model/i18n.py": "ui",
    "ipm_model/reports/texts.py": "reports",
    "ipm_model/agenda.py": "agenda",
    "ipm_model/handvatten.py": "handvatten",
}
WRAP = 92  # characters of text per TOML line


def warn(text: str) -> None:
    print(f"texts_to_toml: WARNING: {text}", file=sys.stderr)


# -- reading -----------------------------------------------------------------------------------


def find_table(tree: ast.Module) -> ast.stmt | None:
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        named = isinstance(target, ast.Name) and target.id == "STRINGS"
        if named and isinstance(node.value, ast.Dict):
            return node
    return None


def read_table(path: Path) -> tuple[list[tuple[str | None, str, tuple[str, str]]], ast.stmt]:
    """[(section comment or None, key, (nl, en))] in order, and the assignment."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    node = find_table(tree)
    assert node is not None and isinstance(node.value, ast.Dict)
    lines = source.splitlines()
    entries = []
    previous = node.lineno
    for key, value in zip(node.value.keys, node.value.values, strict=True):
        if key is None:
            raise SystemExit(f"texts_to_toml: {path}: `**` in STRINGS; move it by hand")
        k = ast.literal_eval(key)
        v = ast.literal_eval(value)
        if not (isinstance(v, tuple) and len(v) == 2 and all(isinstance(s, str) for s in v)):
            raise SystemExit(f"texts_to_toml: {path}: {k} is not (Dutch, English)")
        between = lines[previous : key.lineno - 1]
        comments = [ln.strip() for ln in between if ln.strip().startswith("#")]
        section = None
        for comment in comments:
            match = re.match(r"#\s*--\s*(.+?)\s*-*$", comment)
            section = match.group(1) if match else comment.lstrip("# ")
        entries.append((section, k, v))
        previous = value.end_lineno
    return entries, node


# -- writing TOML ------------------------------------------------------------------------------


def basic(text: str) -> str:
    """A TOML basic string."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in out)
    return f'"{out}"'


def toml_value(text: str) -> str:
    """One line when short; else a multi-line string whose line ends (a backslash) join the
    words again with the single space they had."""
    single = basic(text)
    if len(single) <= WRAP or "  " in text or text != text.strip() or "\n" in text:
        return single
    words = text.split(" ")
    rows, row = [], ""
    for word in words:
        candidate = f"{row} {word}" if row else word
        if row and len(candidate) > WRAP - 8:
            rows.append(row + " ")
            row = word
        else:
            row = candidate
    rows.append(row)
    body = "\\\n".join("    " + basic(r)[1:-1] for r in rows)
    return '"""\\\n' + body + '"""'


def to_toml(entries: list[tuple[str | None, str, tuple[str, str]]], origin: str) -> str:
    out = [
        f"# Texts moved from {origin}: each key with its Dutch (nl) and English (en) text.",
        "# {name} fields are filled in by the code; Dutch and English need the same fields.",
        "",
    ]
    for section, key, (nl, en) in entries:
        if section:
            out += [f"# -- {section} " + "-" * max(3, 90 - len(section)), ""]
        out.append(f"[{basic(key)}]")
        out.append(f"nl = {toml_value(nl)}")
        out.append(f"en = {toml_value(en)}")
        out.append("")
    return "\n".join(out)


# -- rewriting the modules ---------------------------------------------------------------------

LOADER = '''

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
'''

PHRASE = '''

def phrase(key: str, lang: str, /, **fields: object) -> str:
    """The text `key` in `lang` with {fields} filled in as given: for renderers that escape
    on their own (the reports' autoescaping templates, the agenda's Markdown lines)."""
    nl, en = STRINGS[key]
    text = en if lang == "en" else nl
    return text.format(**fields) if fields else text
'''


def remove_table(path: Path, node: ast.stmt) -> str:
    """The module without its STRINGS dict and the comment lines just above it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = node.lineno - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    # keep a "# -- texts ---" section header if the module has one
    kept = [ln for ln in lines[start : node.lineno - 1] if re.match(r"\s*# -- ", ln)]
    return "".join(lines[:start] + kept + lines[node.end_lineno :])


def rewrite_i18n(text: str) -> str:
    i18n_doc = (
        '"""Interface texts in Dutch (default, B1 level) and English: one table, one lookup.\n\n'
        "The texts live in ipm_model/texts/*.toml (every user-facing text: screens, reports,\n"
        "agenda, handvatten), each key with its Dutch and English side by side; the texts may\n"
        "hold {named} fields. `t` fills them escaped for Markdown (the screens), `phrase` as\n"
        "given (renderers that escape on their own). Questionnaire texts (phases, statements,\n"
        'answer labels) live in the questionnaire files.\n"""'
    )
    text = re.sub(r'\A""".*?"""', lambda _: i18n_doc, text, count=1, flags=re.S)
    text = text.replace(
        "from ipm_model.phases import DEFAULT_LANGUAGE, LANGUAGES\n",
        "from ipm_model.phases import DEFAULT_LANGUAGE, LANGUAGES\n\n"
        'TEXTS_DIR = Path(__file__).resolve().parent / "texts"\n' + LOADER,
        1,
    )
    text = text.replace("import re\n", "import re\nimport tomllib\nfrom pathlib import Path\n", 1)
    if "_load_texts" not in text:
        warn("i18n.py: the loader was not placed; add it by hand")
    return text.rstrip("\n") + "\n" + PHRASE


def rewrite_user(text: str, rel: str) -> str:
    """agenda, handvatten, reports: their lookups become i18n.phrase."""
    before = text
    text = re.sub(r"\bpick\(\s*STRINGS,\s*", "phrase(", text)
    # agenda's own pick()
    text = re.sub(
        r"\ndef pick\(strings: Mapping\[str, tuple\[str, str\]\].*?\n(?=\n\ndef |\n\nclass )",
        "\n",
        text,
        flags=re.S,
    )
    text = re.sub(r"from ipm_model\.agenda import pick\n", "", text)
    text = re.sub(r"from ipm_model\.agenda import pick, ", "from ipm_model.agenda import ", text)
    text = re.sub(r"from ipm_model\.agenda import STRINGS as \w+\n", "", text)
    text = re.sub(r"from ipm_model\.handvatten import STRINGS as \w+\n", "", text)
    if rel == "ipm_model/reports/texts.py":
        text = re.sub(
            r"\ndef t\(key: str, lang: str, /, \*\*fields: object\) -> str:\n"
            r'    """A report text.*?raise KeyError\(key\)\n',
            "\n",
            text,
            flags=re.S,
        )
        text = re.sub(
            r'\A""".*?"""',
            '"""How the reports word numbers: a score, a change. Their texts are in '
            'ipm_model/texts/\n(one table with the screens\', looked up by i18n.phrase)."""',
            text,
            count=1,
            flags=re.S,
        )
    if "from ipm_model.reports.texts import" in text:
        # the reports' t() is i18n.phrase now
        def drop_t(match: re.Match[str]) -> str:
            names = [n.strip() for n in match.group(1).split(",") if n.strip() != "t"]
            return f"from ipm_model.reports.texts import {', '.join(names)}\n" if names else ""

        text = re.sub(r"from ipm_model\.reports\.texts import ([^\n(]+)\n", drop_t, text)
        text = re.sub(r"(?<![\w.])t\(", "phrase(", text)
    if "phrase(" in text and "def phrase" not in text and "import phrase" not in text:
        text = text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\n\nfrom ipm_model.i18n import phrase\n",
            1,
        )
    if "STRINGS" in re.sub(r"#.*", "", text):
        warn(f"{rel}: still names STRINGS; check it by hand")
    if text == before:
        warn(f"{rel}: nothing rewritten")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="list the tables, write nothing")
    args = parser.parse_args()
    tables = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if find_table(tree) is not None:
            rel = str(path.relative_to(ROOT))
            name = NAMES.get(rel) or re.sub(r"\W", "_", rel[len("ipm_model/") : -3])
            if rel not in NAMES:
                warn(f"{rel}: a text table the mapping does not know: texts/{name}.toml")
            tables[rel] = (name, *read_table(path))
    if not tables:
        print("texts_to_toml: no STRINGS tables left: already converted", file=sys.stderr)
        return 1
    seen: dict[str, str] = {}
    for rel, (_, entries, _) in tables.items():
        for _, key, _ in entries:
            if key in seen:
                raise SystemExit(f"texts_to_toml: {key} is in {seen[key]} and {rel}: rename one")
            seen[key] = rel
    if args.dry_run:
        for rel, (name, entries, _) in tables.items():
            print(f"{rel} -> texts/{name}.toml: {len(entries)} texts")
        return 0
    TEXTS.mkdir(exist_ok=True)
    for rel, (name, entries, _) in tables.items():
        toml = to_toml(entries, rel)
        back = tomllib.loads(toml)
        expected = {k: {"nl": nl, "en": en} for _, k, (nl, en) in entries}
        if back != expected:
            wrong = [k for k in expected if back.get(k) != expected[k]]
            raise SystemExit(f"texts_to_toml: {name}.toml does not read back: {wrong[:5]}")
        (TEXTS / f"{name}.toml").write_text(toml, encoding="utf-8")
        print(f"wrote ipm_model/texts/{name}.toml: {len(entries)} texts")
    touched = []
    for rel, (_, _, node) in tables.items():
        path = ROOT / rel
        text = remove_table(path, node)
        text = rewrite_i18n(text) if rel == "ipm_model/i18n.py" else rewrite_user(text, rel)
        path.write_text(text, encoding="utf-8")
        touched.append(str(path))
    for path in sorted((PACKAGE / "reports").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if str(path) not in touched and "from ipm_model.reports.texts import" in text:
            path.write_text(rewrite_user(text, str(path.relative_to(ROOT))), encoding="utf-8")
            touched.append(str(path))
    subprocess.run(["ruff", "check", "--fix", "--select", "F401,I", "--quiet", *touched])
    subprocess.run(["ruff", "format", "--quiet", *touched])
    lint = subprocess.run(["ruff", "check", "--quiet", *touched])
    verdict = "clean" if not lint.returncode else "see above"
    print(f"rewrote {len(touched)} modules; ruff check: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
