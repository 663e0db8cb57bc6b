"""House rules: ipm_model stays free of Streamlit; every UI text exists in both languages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ipm_model.i18n import escape_markdown, normalize_language, t
from ipm_model.throttle import FREE_TRIES, Throttle

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", sorted((ROOT / "ipm_model").rglob("*.py")), ids=lambda p: p.name)
def test_ipm_model_does_not_import_streamlit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), path


def test_importing_ipm_model_loads_no_streamlit():
    code = (
        "import sys, ipm_model.cli, ipm_model.storage.store, ipm_model.scoring, ipm_model.charts; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


# Pages read state, take their figures from ipm_model.results through the ui caches and
# render: they compute nothing. From these modules a page takes constants only (e.g. the
# minimum group size the about page names).
COMPUTING = (
    "ipm_model.scoring",
    "ipm_model.quality",
    "ipm_model.benchmark",
    "ipm_model.disclosure",
    "ipm_model.uncertainty",
)
# What a page may take from ipm_model.results itself: rounding and shaping for a chart, and
# the comments gate (a read, no figures); everything else comes through a ui cache.
RESULTS_FOR_PAGES = {"for_display", "radar_frame", "chain_comments"}
# Functions that compute a round's findings, wherever they live: pages get them ready-made
# (results.chain_findings, results.progress_changes through ui.results).
COMPUTING_NAMES = {
    "build_agenda",
    "weakest_phase_items",
    "focus_phases",
    "phase_steps",
    "statement_steps",
    "handvatten",
    "next_steps",
    "score_changes",
    "most_disagreement",
    "dont_know_hotspots",
    "phase_order_signals",
    "group_phase_stats",
    "statement_stats",
    "suppress_small_groups",
    "ambition_then",
}
# Only errors may come from the storage layer into a page; the store comes through ui.
STORAGE = ("ipm_model.storage", "ipm_model.db")
STORAGE_FOR_PAGES = {"NotAllowed", "StoreError"}
# Lowercase helpers the computing modules also offer for display (texts, not figures).
DISPLAY_TEXTS = {"interval_text", "verdict_text", "interval_note"}


def imported_names(path: Path, package: str | None = None) -> list[tuple[str, str, int]]:
    """(module, name, line) of every name a file imports: `from X import name` (relative
    ones resolved against `package`, by default the file's own; `from pkg import module`
    gives (pkg.module, "", line)) and `import X` (X, "", line)."""
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, "", node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            for a in node.names:
                if base in {"ipm_model", "ipm_model.storage", "ipm_model.reports", "ui"}:
                    found.append((f"{base}.{a.name}", "", node.lineno))
                else:
                    found.append((base, a.name, node.lineno))
    return found


def page_import_problems(path: Path) -> list[str]:
    """Why a page's imports break the rule that pages compute nothing (empty: they don't)."""
    problems = []
    for module, name, line in imported_names(path, "pages"):
        where = f"{path.name}:{line} {module}.{name}".rstrip(".")
        if not module.startswith("ipm_model"):
            continue
        if module.startswith(STORAGE) and name not in STORAGE_FOR_PAGES:
            problems.append(f"{where}: storage goes through ui")
        elif module.startswith(COMPUTING) and not (name.isupper() or name in DISPLAY_TEXTS):
            problems.append(f"{where}: computes (constants only from {module})")
        elif module == "ipm_model.results" and name not in RESULTS_FOR_PAGES:
            problems.append(f"{where}: results come through a ui cache")
        elif name in COMPUTING_NAMES:
            problems.append(f"{where}: computes")
    return problems


PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_compute_nothing(path):
    assert page_import_problems(path) == []


def test_the_page_rule_catches_a_page_that_computes(tmp_path):
    page = tmp_path / "computing.py"
    page.write_text(
        "from ipm_model.agenda import build_agenda, headline\n"
        "from ipm_model.scoring import DEFAULT_MIN_GROUP_SIZE, score_changes\n"
        "from ipm_model.results import chain_trend, radar_frame\n"
        "from ipm_model.storage.store import Store\n"
        "from ipm_model import quality\n"
        "import ipm_model.disclosure\n",
        encoding="utf-8",
    )
    flagged = {p.split(":")[1].split()[1] for p in page_import_problems(page)}
    assert flagged == {
        "ipm_model.agenda.build_agenda",
        "ipm_model.scoring.score_changes",
        "ipm_model.results.chain_trend",
        "ipm_model.storage.store.Store",
        "ipm_model.quality",
        "ipm_model.disclosure",
    }


def private_imports(path: Path) -> list[str]:
    """Private names (leading underscore) a file takes from another project module: imported
    by name, or read as an attribute of an imported project module."""
    problems = []
    modules = {}  # local name -> project module
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("ipm_model", "ui")):
            for a in node.names:
                if a.name.startswith("_"):
                    problems.append(f"{node.lineno} {node.module}.{a.name}")
                modules[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith(("ipm_model", "ui")):
                    modules[a.asname or a.name.split(".")[0]] = a.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            problems.append(f"{node.lineno} {modules[node.value.id]}.{node.attr}")
    return problems


def test_the_private_rule_catches_both_ways_in(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "from ipm_model.charts import _theme, radar_spec\n"
        "from ipm_model.storage import erasure\n"
        "import ipm_model.questionnaire as q\n"
        "erasure._delete(1)\n"
        "q._Checker('x')\n"
        "radar_spec.__name__\n",
        encoding="utf-8",
    )
    assert private_imports(module) == [
        "1 ipm_model.charts._theme",
        "4 ipm_model.storage.erasure._delete",
        "5 ipm_model.questionnaire._Checker",
    ]


PROJECT_MODULES = sorted(
    [*(ROOT / "ipm_model").rglob("*.py"), *(ROOT / "ui").glob("*.py"), *PAGES, ROOT / "app.py"]
)


@pytest.mark.parametrize(
    "path", PROJECT_MODULES, ids=lambda p: str(p.relative_to(ROOT)).replace("/", ".")
)
def test_no_module_imports_a_private_name_of_another(path):
    assert private_imports(path) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "ipm_model" / "storage").glob("*.py")), ids=lambda p: p.name
)
def test_no_storage_class_passes_500_lines(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno + 1 <= 500, f"{path.name}: {node.name}"


def test_markdown_in_user_text_is_shown_as_typed():
    hostile = "**bold** <script>alert(1)</script> [x](http://evil) ![i](http://e/i.png) :red[x]"
    escaped = escape_markdown(hostile)
    for token in ("**", "<script>", "](", "!["):
        assert token not in escaped
    assert t("start.code_unknown", "nl", code="<b>x</b>") == (
        "We kennen de code '\\<b\\>x\\<\\/b\\>' niet. Kijk of je de code goed hebt overgenomen."
    )


@pytest.mark.parametrize(
    ("typed", "broken"),
    [
        ("zie https://example.org/x", "https:\u2060//"),
        ("ga naar www.example.org", "www\u2060."),
        ("mail info@example.org", "@\u2060"),
        (":smile: :streamlit: :material/home: :red[x]", ":\u2060streamlit"),
    ],
    ids=["url", "www", "email", "shortcodes"],
)
def test_autolinks_and_shortcodes_are_broken_invisibly(typed, broken):
    """Streamlit links URLs and draws shortcodes after resolving backslashes: a word joiner
    breaks them, and removing the joiners and backslashes gives the typed text back."""
    escaped = escape_markdown(typed)
    assert broken in escaped.replace("\\", "")
    assert escaped.replace("\u2060", "").replace("\\", "") == typed


def test_escaping_keeps_no_word_joiner_or_control_character_from_the_input():
    assert escape_markdown("a\u2060b\x00c\u202ed\r\ne") == "abcd  e"
    assert escape_markdown("Doel: 3 van 5") == "Doel\\: 3 van 5"  # no joiner before a space


@pytest.mark.parametrize(
    ("raw", "lang"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("nl", "nl"),
        ("fr", "nl"),
        (None, "nl"),
        ("en-GB", "en"),
        (["en"], "nl"),
        ("", "nl"),
    ],
)
def test_language_from_any_input(raw, lang):
    assert normalize_language(raw) == lang


def test_throttle_waits_longer_after_repeated_failures():
    now = [100.0]
    guard = Throttle(clock=lambda: now[0])
    for _ in range(FREE_TRIES - 1):
        guard.failed()
    assert guard.wait_seconds() == 0
    guard.failed()
    assert guard.wait_seconds() == 5
    now[0] += 5
    assert guard.wait_seconds() == 0
    guard.failed()
    assert guard.wait_seconds() == 10
    guard.succeeded()
    assert guard.wait_seconds() == 0


def test_throttle_without_free_tries_waits_at_once_and_decays_on_success():
    from ipm_model.throttle import Throttle

    now = [100.0]
    t = Throttle(clock=lambda: now[0])
    t.failed(no_free_tries=True)  # a hot address: this session waits after one wrong try
    assert t.wait_seconds() == 5
    for _ in range(3):
        t.failed()
    assert t.wait_seconds() == 40
    t.decay()  # 8 -> 4 failures: a shorter wait, never a longer one
    assert t.failures == 4 and t.wait_seconds() == 0
