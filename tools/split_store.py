"""Split the monolithic ipm_model/store.py into ipm_model/model.py and ipm_model/storage/*.py.

Run from the repository root on a tree where ipm_model/store.py is still one file:

    python tools/split_store.py            # write the new modules, rewrite imports, delete store.py
    python tools/split_store.py --dry-run  # only print where every definition would go

What it does, mechanically (the code of every definition is moved verbatim):

- entities, codes, tokens and limits go to ipm_model/model.py; the migrations to
  ipm_model/storage/schema.py; the copy tool to ipm_model/storage/copy.py;
- the `Store` class is cut into one class per aggregate (storage/organisations.py,
  workshops.py, participants.py, results.py, actions.py, guards.py, copy.py), each a subclass
  of `StoreBase` (storage/base.py: connections); `Store` (storage/store.py) inherits them all,
  so callers keep one entry point;
- a member the mapping below does not know goes to the module of the `# -- section` it sits
  in, or stays in `Store` itself (storage/store.py), with a warning: nothing is dropped;
- a private module-level helper used by several new modules loses its leading underscore
  (no module imports a private name of another);
- every `from ipm_model.store import ...` (and `from ipm_model import store`) in ipm_model/,
  ui/, pages/, app.py, tests/, bench/, deploy/ and tools/ is rewritten to the names' new
  homes, and so are "ipm_model.store.NAME" strings (monkeypatch targets);
- afterwards `ruff check --fix --select F401,I` and `ruff format` tidy the touched files.

It warns (on standard error) about everything it could not decide; read those lines.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "ipm_model" / "store.py"
SCAN_DIRS = ("ipm_model", "ui", "pages", "tests", "bench", "deploy", "tools")
SCAN_FILES = ("app.py",)

# -- where things go ---------------------------------------------------------------------------

MODEL = "ipm_model.model"
BASE = "ipm_model.storage.base"
STORE = "ipm_model.storage.store"
SCHEMA = "ipm_model.storage.schema"
COPY = "ipm_model.storage.copy"

# Module-level definitions of store.py by name. Migrations (m001_...) go to SCHEMA by pattern;
# a private helper goes where it is used (MODEL when several modules use it); any other
# unknown name goes to MODEL with a warning.
TOP_LEVEL = {
    "DEFAULT_DB_PATH": BASE,
    "MIGRATIONS": SCHEMA,
    "__getattr__": SCHEMA,
    "TableCopy": COPY,
    "CopyReport": COPY,
}

# The Store's members by aggregate: module -> (class name, docstring, members).
CLASSES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    BASE: (
        "StoreBase",
        "Opening the database and borrowing its connections: what every part of the Store uses.",
        (
            "__init__",
            "from_env",
            "_db",
            "_write",
            "exclusive",
            "_query",
            "close",
            "ping",
        ),
    ),
    "ipm_model.storage.organisations": (
        "Organisations",
        "Organisations, their roles and partners, and their chains.",
        (
            "create_organisation",
            "organisation",
            "set_benchmark_opt_out",
            "set_organisation_roles",
            "set_organisation_partners",
            "organisation_by_results_token",
            "organisation_id",
            "delete_organisation",
            "add_chain",
            "_check_chain_name",
            "_check_own_chains",
            "rename_chain",
            "remove_chain",
            "organisations",
            "chains",
        ),
    ),
    "ipm_model.storage.workshops": (
        "Workshops",
        "Workshops (rounds) and the facilitator and results links that open them.",
        (
            "create_workshop",
            "_workshops_where",
            "workshop",
            "workshop_by_code",
            "workshop_by_facilitator_token",
            "_LINK_SQL",
            "_LINK_TOKEN_COLUMN",
            "_link",
            "link_by_token",
            "check_link",
            "links",
            "revoke_link",
            "rotate_link",
            "update_workshop",
            "set_revealed",
            "workshops",
            "set_workshop_status",
        ),
    ),
    "ipm_model.storage.participants": (
        "Participants",
        "Participants, their answers and their comments.",
        (
            "create_participant",
            "_participant_where",
            "participant_by_token",
            "participant_by_resume_code",
            "set_step",
            "finish",
            "_check_open",
            "save_answer",
            "answers",
            "save_comment",
            "comments",
        ),
    ),
    "ipm_model.storage.results": (
        "ResultQueries",
        "Reading results: a group's answers and comments, benchmarks, participation, exports.",
        (
            "group_answers",
            "results_version",
            "finished_count",
            "_frame",
            "RESULT_ANSWER_COLUMNS",
            "result_answers",
            "result_comments",
            "BENCHMARK_ANSWER_COLUMNS",
            "benchmark_answers",
            "benchmark_version",
            "answer_seconds",
            "participation",
            "load_finished_participants",
            "EXPORT_ANSWER_COLUMNS",
            "export_answers",
            "counts",
        ),
    ),
    "ipm_model.storage.actions": (
        "Actions",
        "The actions a chain agrees on after a round.",
        (
            "_clean_action",
            "create_action",
            "update_action",
            "action",
            "actions",
            "actions_version",
        ),
    ),
    "ipm_model.storage.guards": (
        "Guards",
        "Slowing down guessing and session cookies, shared by all app processes.",
        (
            "THROTTLE_FORGET_S",
            "throttle_wait",
            "throttle_failed",
            "throttle_succeeded",
            "_throttle_set",
            "installation_secret",
            "session_epochs",
            "raise_session_epochs",
            "SESSION_NONCE_TTL_S",
            "create_session_nonce",
            "take_session_nonce",
        ),
    ),
    COPY: (
        "Copying",
        "Copying every row to another database (SQLite to PostgreSQL and back).",
        (
            "NOT_COPIED",
            "COPY_TABLES",
            "COPY_BATCH",
            "copy_to",
            "_identity",
            "_snapshot",
            "_columns",
            "_source_pages",
            "_held_rows",
            "_copy_table",
            "_move_sequences",
            "_verify_copy",
        ),
    ),
}

# A member the mapping does not know goes where its `# -- section` comment puts it.
SECTIONS = (
    ("connections", BASE),
    ("organisations", "ipm_model.storage.organisations"),
    ("chains", "ipm_model.storage.organisations"),
    ("workshop", "ipm_model.storage.workshops"),
    ("links", "ipm_model.storage.workshops"),
    ("participant", "ipm_model.storage.participants"),
    ("answers and comments", "ipm_model.storage.participants"),
    ("results", "ipm_model.storage.results"),
    ("actions", "ipm_model.storage.actions"),
    ("guessing", "ipm_model.storage.guards"),
    ("throttle", "ipm_model.storage.guards"),
    ("session", "ipm_model.storage.guards"),
    ("copying", COPY),
)

DOCSTRINGS = {
    MODEL: '''"""The domain's entities, codes, tokens and limits: what the storage hands out and the
screens show (the ui takes its input limits from here).

Plain frozen dataclasses and functions; no database, no Streamlit.
"""''',
    BASE: '''"""The base of the `Store`: opening a database (SQLite or PostgreSQL) and borrowing its
connections. Every part of the Store (one module per aggregate under ipm_model/storage/)
works through these.
"""''',
    SCHEMA: '''"""The database schema as ordered migrations (both back-ends run the same steps).

The order of registration in MIGRATIONS is what counts; a new migration is appended.
"""''',
    COPY: '''"""Copying a whole database to another (`python -m ipm_model migrate`): SQLite to
PostgreSQL and back, ids kept, all or nothing."""''',
    "ipm_model.storage.organisations": '"""Organisations and chains: the Store\'s queries."""',
    "ipm_model.storage.workshops": '"""Workshops (rounds) and links: the Store\'s queries."""',
    "ipm_model.storage.participants": (
        '"""Participants, answers and comments: the Store\'s queries."""'
    ),
    "ipm_model.storage.results": (
        '"""Reading a round\'s results (answers, comments, benchmarks, participation,\n'
        'exports): the Store\'s queries. Gathering them is ipm_model.results."""'
    ),
    "ipm_model.storage.actions": '"""Actions: the Store\'s queries."""',
    "ipm_model.storage.guards": (
        '"""Slowing down guessing and session cookies: the Store\'s queries, shared by all app\n'
        'processes."""'
    ),
}


def warn(text: str) -> None:
    print(f"split_store: WARNING: {text}", file=sys.stderr)


def path_of(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


# -- reading store.py --------------------------------------------------------------------------


@dataclass
class Chunk:
    """One definition: its source text (with the comments just above it) and its names."""

    names: list[str]
    text: str
    node: ast.AST
    section: str = ""


@dataclass
class Imported:
    """One name imported by store.py: the statement that gives it, alone."""

    name: str
    line: str
    source: str  # the module it comes from
    original: str  # its name there
    type_checking: bool


@dataclass
class Module:
    name: str
    top: list[Chunk] = field(default_factory=list)
    members: list[Chunk] = field(default_factory=list)


def segment(lines: list[str], start: int, end: int) -> str:
    return "".join(lines[start - 1 : end])


def chunk_start(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *[d.lineno for d in decorators]])


def split_body(body: list[ast.stmt], lines: list[str], first: int) -> list[Chunk]:
    """The statements of a module or class body as chunks; each takes the comment lines and
    blank lines between the previous statement and itself."""
    chunks = []
    previous_end = first - 1
    for node in body:
        text = segment(lines, previous_end + 1, node.end_lineno)
        previous_end = node.end_lineno
        chunks.append(Chunk(defined_names(node), text, node))
    return chunks


def defined_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def section_of(comment_text: str) -> str | None:
    match = re.search(r"^\s*# -- (.+?) -+\s*$", comment_text, re.M)
    return match.group(1) if match else None


def read_imports(tree: ast.Module) -> dict[str, Imported]:
    found: dict[str, Imported] = {}

    def add(node: ast.stmt, type_checking: bool) -> None:
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            for alias in node.names:
                bound = alias.asname or alias.name
                tail = f" as {alias.asname}" if alias.asname and alias.asname != alias.name else ""
                line = f"from {node.module} import {alias.name}{tail}"
                found[bound] = Imported(bound, line, node.module, alias.name, type_checking)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                tail = f" as {alias.asname}" if alias.asname else ""
                found[bound] = Imported(
                    bound, f"import {alias.name}{tail}", alias.name, "", type_checking
                )

    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            add(node, False)
        elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in node.body:
                add(inner, True)
    return found


def used_names(text: str) -> set[str]:
    """Every bare name a piece of code mentions (loads, annotations, decorators)."""
    import textwrap

    tree = ast.parse(textwrap.dedent(text))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


# -- planning ----------------------------------------------------------------------------------


def plan(source: str) -> tuple[dict[str, Module], dict[str, Imported], dict[str, str], str]:
    """(modules, imports of store.py, home module of every top-level name, Store docstring)."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    imports = read_imports(tree)
    modules = {m: Module(m) for m in (MODEL, BASE, SCHEMA, COPY, STORE, *CLASSES)}
    body = [
        n
        for n in tree.body
        if not isinstance(n, ast.Import | ast.ImportFrom)
        and not (isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    # comments between imports and the first definition belong to it: start after the imports
    first_line = max(
        n.end_lineno
        for n in tree.body
        if isinstance(n, ast.Import | ast.ImportFrom)
        or (isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    )
    chunks = split_body(body, lines, first_line + 1)
    store_chunk = next(c for c in chunks if c.names == ["Store"])
    chunks.remove(store_chunk)

    top_names = {name for c in chunks for name in c.names}
    users: dict[str, set[str]] = {}  # private name -> modules using it (filled below)
    home: dict[str, str] = {}
    pending_private = []
    for chunk in chunks:
        name = chunk.names[0] if chunk.names else ""
        if not chunk.names:
            warn(f"a module-level statement without a name goes to {MODEL}: {chunk.text[:60]!r}")
            modules[MODEL].top.append(chunk)
            continue
        if name in TOP_LEVEL:
            target = TOP_LEVEL[name]
        elif re.fullmatch(r"m\d{3}_\w+", name):
            target = SCHEMA
        elif name.startswith("_"):
            pending_private.append(chunk)
            continue
        else:
            target = MODEL
            if not (name.isupper() or name[0].isupper() or name in KNOWN_MODEL_FUNCTIONS):
                warn(f"module-level {name} is not in the mapping: it goes to {MODEL}")
        for n in chunk.names:
            home[n] = target
        modules[target].top.append(chunk)

    # the Store's members
    store_node = store_chunk.node
    assert isinstance(store_node, ast.ClassDef)
    member_nodes = list(store_node.body)
    docstring = ""
    if isinstance(member_nodes[0], ast.Expr) and isinstance(member_nodes[0].value, ast.Constant):
        docstring = segment(lines, member_nodes[0].lineno, member_nodes[0].end_lineno)
        first_member_line = member_nodes[0].end_lineno + 1
        member_nodes = member_nodes[1:]
    else:
        first_member_line = store_node.body[0].lineno
    members = split_body(member_nodes, lines, first_member_line)
    by_member = {m: mod for mod, (_, _, names) in CLASSES.items() for m in names}
    section_target = BASE
    for chunk in members:
        section = section_of(chunk.text)
        if section:
            matches = [mod for key, mod in SECTIONS if key in section.lower()]
            section_target = matches[0] if matches else STORE
            if not matches:
                warn(f"section '{section}' is not in the mapping: its members stay in Store")
        name = chunk.names[0] if chunk.names else "?"
        if name in by_member:
            target = by_member[name]
        else:
            target = section_target
            warn(f"Store.{name} is not in the mapping: it goes to {target} (its section)")
        chunk.section = section or ""
        modules[target].members.append(chunk)

    # private helpers: where they are used; in MODEL (made public) when several modules use them
    for chunk in pending_private:
        for module in modules.values():
            texts = [c.text for c in module.top + module.members if c is not chunk]
            if any(set(chunk.names) & used_names_safe(t) for t in texts):
                for n in chunk.names:
                    users.setdefault(n, set()).add(module.name)
    renames: dict[str, str] = {}
    for chunk in pending_private:
        using = set().union(*(users.get(n, set()) for n in chunk.names))
        if len(using) == 1:
            target = using.pop()
        else:
            target = MODEL
            every_name = set().union(
                *(used_names_safe(c.text) for m in modules.values() for c in m.top + m.members)
            )
            for n in chunk.names:
                public = RENAMES.get(n, n.lstrip("_"))
                if public in top_names or public in imports or public in every_name:
                    warn(f"{n} cannot lose its underscore ({public} is taken): keeps it")
                else:
                    renames[n] = public
        for n in chunk.names:
            home[renames.get(n, n)] = target
        modules[target].top.append(chunk)
    for old, new in renames.items():
        pattern = re.compile(rf"(?<![\w.]){re.escape(old)}\b")
        for module in modules.values():
            for c in module.top + module.members:
                c.text = pattern.sub(new, c.text)
                c.names = [new if n == old else n for n in c.names]
    # keep model.py in the order of store.py
    order = {id(c): i for i, c in enumerate(chunks)}
    modules[MODEL].top.sort(key=lambda c: order.get(id(c), 0))
    home["Store"] = STORE
    home["migrations"] = SCHEMA  # the module __getattr__
    return modules, imports, home, docstring


# A private helper that several modules use gets a public name: this one, or its own without
# the underscore.
RENAMES = {"_roles_json": "roles_to_json"}

KNOWN_MODEL_FUNCTIONS = {
    "now_iso",
    "normalize_code",
    "new_code",
    "new_token",
    "format_resume_code",
    "clean_text",
}


def used_names_safe(text: str) -> set[str]:
    try:
        return used_names(text)
    except SyntaxError:
        return set(re.findall(r"\b\w+\b", text))


# -- writing -----------------------------------------------------------------------------------

BUILTINS = set(dir(builtins))


def render(
    module: Module,
    modules: dict[str, Module],
    imports: dict[str, Imported],
    home: dict[str, str],
    store_doc: str,
) -> str:
    own = {n for c in module.top for n in c.names}
    texts = [c.text for c in module.top + module.members]
    needed: set[str] = set()
    for text in texts:
        needed |= used_names_safe(text)
    lines_rt: set[str] = set()
    lines_tc: set[str] = set()
    class_names = {mod: CLASSES[mod][0] for mod in CLASSES}
    if module.name == STORE:
        for mod in CLASSES:
            needed.add(class_names[mod])
    if module.name in CLASSES and module.name != BASE:
        needed.add("StoreBase")
    for name in sorted(needed - own - BUILTINS):
        if name == "TYPE_CHECKING":
            continue
        if name in imports:
            imp = imports[name]
            (lines_tc if imp.type_checking else lines_rt).add(imp.line)
        elif name in home and home[name] != module.name:
            target = home[name]
            line = f"from {target} import {name}"
            # Store is only ever an annotation in its parts (a runtime import would be a circle)
            (lines_tc if name == "Store" else lines_rt).add(line)
        elif name in class_names.values() and module.name in (STORE, *CLASSES):
            target = next(m for m, c in class_names.items() if c == name)
            if target != module.name:
                lines_rt.add(f"from {target} import {name}")
    if lines_tc:
        lines_rt.add("from typing import TYPE_CHECKING")
    out = [DOCSTRINGS.get(module.name, '"""' + module.name + '"""')]
    if module.name == STORE:
        out = [STORE_DOC]
    out.append("\nfrom __future__ import annotations\n")
    out.append("\n".join(sorted(lines_rt)) + "\n")
    if lines_tc:
        out.append("if TYPE_CHECKING:\n" + "\n".join("    " + x for x in sorted(lines_tc)) + "\n")
    out.append(join_chunks(module.top))
    if module.name in CLASSES or module.name == STORE:
        if module.name == STORE:
            bases = [class_names[m] for m in CLASSES if m != BASE] + ["StoreBase"]
            head = f"class Store({', '.join(bases)}):\n{store_doc.rstrip()}\n"
        elif module.name == BASE:
            head = f'class StoreBase:\n    """{CLASSES[BASE][1]}"""\n'
        else:
            name, doc, _ = CLASSES[module.name]
            head = f'class {name}(StoreBase):\n    """{doc}"""\n'
        body = join_chunks(module.members)
        out.append("\n\n" + head + body)
    text = "\n".join(out)
    return text


def join_chunks(chunks: list[Chunk]) -> str:
    """Definitions one after another, with the blank lines they had (ruff format adds the
    ones a def or class needs)."""
    out = "".join(chunk.text.rstrip("\n") + "\n" for chunk in chunks)
    return out if out.startswith("\n") else "\n" + out


STORE_DOC = '''"""The one entry point to the database: `Store` (SQLite or PostgreSQL).

Pages and the command line use the `Store` methods; none of them sees SQL. The interface is
narrow (plain dataclasses and DataFrames in and out). The SQL is written once, in the part of
SQL both back-ends share, in one module per aggregate (organisations, workshops,
participants, results, actions, guards, copy), each a part of `Store`; `ipm_model.db`
supplies the connections, transactions, locks and migrations of each back-end, schema.py the
migrations, model.py the entities.
"""'''


def fix_paths(text: str, module: str) -> str:
    """store.py lived one folder higher than the storage package: keep __file__ paths right."""
    if "__file__" not in text:
        return text
    depth = module.count(".") - 1  # ipm_model.storage.x -> one folder deeper than ipm_model.x
    if depth <= 0:
        return text
    new = text.replace(
        "Path(__file__).resolve().parent.parent", "Path(__file__).resolve().parents[2]"
    )
    if new == text:
        warn(f"{module}: uses __file__; check the paths by hand")
    return new


# -- rewriting imports elsewhere ---------------------------------------------------------------


def true_home(name: str, imports: dict[str, Imported], home: dict[str, str]) -> str | None:
    if name in home:
        return home[name]
    if name in imports:
        return imports[name].source
    return None


def rewrite_file(
    path: Path,
    imports: dict[str, Imported],
    home: dict[str, str],
    users_of_import: dict[str, set[str]],
) -> bool:
    text = path.read_text()
    if "ipm_model" not in text or "store" not in text:
        return False
    try:
        tree = ast.parse(text)
    except SyntaxError:
        warn(f"{path}: cannot parse, not rewritten")
        return False
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    rel = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
        trailing = lines[node.end_lineno - 1][node.end_col_offset :].rstrip("\n")
        comment = "  " + trailing.strip() if trailing.strip().startswith("#") else ""
        if node.module == "ipm_model.store" and node.level == 0:
            groups: dict[str, list[str]] = {}
            for alias in node.names:
                target = true_home(alias.name, imports, home)
                if target is None:
                    warn(f"{rel}:{node.lineno}: {alias.name} has no home; left at ipm_model.store")
                    target = "ipm_model.store"
                spelled = alias.name + (f" as {alias.asname}" if alias.asname else "")
                groups.setdefault(target, []).append(spelled)
            new = "".join(
                f"{indent}from {mod} import {', '.join(names)}{comment}\n"
                for mod, names in groups.items()
            )
            edits.append((node.lineno, node.end_lineno, new))
        elif node.module == "ipm_model" and any(a.name == "store" for a in node.names):
            others = [a for a in node.names if a.name != "store"]
            alias = next(a for a in node.names if a.name == "store")
            bound = alias.asname or "store"
            attrs = set(re.findall(rf"\b{re.escape(bound)}\.(\w+)", text))
            targets = {true_home(a, imports, home) for a in attrs}
            if len(targets) != 1 or None in targets:
                warn(f"{rel}:{node.lineno}: `{bound}` uses {sorted(attrs)} from several homes")
                continue
            target = targets.pop()
            # a name patched on the module must be patched where it is looked up
            patched = re.compile(rf"setattr\(\s*{re.escape(bound)},\s*\"(\w+)\"")
            for name in set(patched.findall(text)):
                where = users_of_import.get(name, set()) - {target}
                if len(where) == 1:
                    place = next(iter(where))
                    text = re.sub(
                        rf"setattr\(\s*{re.escape(bound)},\s*\"{name}\"",
                        f'setattr("{place}.{name}"',
                        text,
                    )
                    lines = text.splitlines(keepends=True)
                elif where:
                    warn(f"{rel}: {name} is patched on {bound} but read in {sorted(where)}")
            parent, leaf = target.rsplit(".", 1)
            new = f"{indent}from {parent} import {leaf} as {bound}{comment}\n"
            if others:
                spelled = ", ".join(
                    a.name + (f" as {a.asname}" if a.asname else "") for a in others
                )
                new = f"{indent}from ipm_model import {spelled}\n" + new
            edits.append((node.lineno, node.end_lineno, new))
    for start, end, new in sorted(edits, reverse=True):
        lines[start - 1 : end] = [new]
    out = "".join(lines)

    def string_target(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in home:
            return f"{home[name]}.{name}"
        if name in imports and len(users_of_import.get(name, ())) == 1:
            return f"{next(iter(users_of_import[name]))}.{name}"
        warn(f"{rel}: 'ipm_model.store.{name}' is looked up in several modules; check it by hand")
        return match.group(0)

    out = re.sub(r"ipm_model\.store\.(\w+)", string_target, out)
    out = re.sub(r"ipm_model\.store\b(?!\.)", STORE, out)
    if out != text:
        path.write_text(out)
        return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = parser.parse_args()
    if not SOURCE.exists():
        print("split_store: ipm_model/store.py is gone: already split", file=sys.stderr)
        return 1
    source = SOURCE.read_text()
    modules, imports, home, store_doc = plan(source)
    if args.dry_run:
        for module in modules.values():
            names = [n for c in module.top for n in c.names]
            members = [n for c in module.members for n in c.names]
            print(f"{module.name}: {names} {members}")
        return 0
    taken = [
        str(path_of(m.name).relative_to(ROOT))
        for m in modules.values()
        if path_of(m.name).exists() and (m.name == STORE or m.top or m.members)
    ]
    if taken:
        print(
            f"split_store: these files exist already: {', '.join(taken)}. Rename them (or the "
            "targets in this script's mapping) first; nothing was written.",
            file=sys.stderr,
        )
        return 1
    written = []
    users_of_import: dict[str, set[str]] = {}
    for module in modules.values():
        if module.name == STORE or module.top or module.members:
            text = fix_paths(render(module, modules, imports, home, store_doc), module.name)
            path = path_of(module.name)
            path.write_text(text)
            written.append(path)
            used = used_names_safe("\n".join(c.text for c in module.top + module.members))
            for name in used & (set(imports) | set(home)):
                users_of_import.setdefault(name, set()).add(module.name)
    SOURCE.unlink()
    changed = []
    files = [ROOT / f for f in SCAN_FILES] + [
        p for d in SCAN_DIRS for p in sorted((ROOT / d).rglob("*.py"))
    ]
    for path in files:
        skip = not path.exists() or path in written or path.resolve() == Path(__file__).resolve()
        if not skip and rewrite_file(path, imports, home, users_of_import):
            changed.append(path)
    tidy = [str(p) for p in written + changed]
    subprocess.run(["ruff", "check", "--fix", "--select", "F401,I", "--quiet", *tidy], check=False)
    subprocess.run(["ruff", "format", "--quiet", *tidy], check=False)
    lint = subprocess.run(["ruff", "check", "--quiet", *tidy], check=False)
    for path in written:
        lines = len(path.read_text().splitlines())
        note = "  (over 500 lines)" if lines > 500 else ""
        print(f"wrote {path.relative_to(ROOT)}: {lines} lines{note}")
    verdict = "clean" if not lint.returncode else "see above"
    print(f"rewrote imports in {len(changed)} files; ruff check: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
