"""Load and validate questionnaire files (TOML) into typed, immutable objects."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ipm_model.phases import LANGUAGES, PHASE_IDS

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires"
# The newest version of the default questionnaire; older versions stay for older rounds.
DEFAULT_QUESTIONNAIRE = QUESTIONNAIRE_DIR / "ipm-ketenscan-v2.toml"

MIN_STATEMENTS = 5
MAX_STATEMENTS = 8
# Role kinds the questionnaire routes by (`roles = [...]` on a statement; absent = everyone).
ROLE_KINDS: tuple[str, ...] = ("mt", "keteneigenaar", "ketenteam", "medewerker", "partner")
MIN_SHOWN_PER_ROLE = 4  # statements every role kind sees in every phase (a score needs them)
MAX_WORDS = 20  # per statement text, in each language
MAX_STEPS_PER_STATEMENT = 2
MAX_STEP_CHARS = 200
# Survey rule: no negations in statements (the words are matched whole, case-insensitive).
NEGATIONS: dict[str, frozenset[str]] = {
    "nl": frozenset({"niet", "geen", "nooit", "niets", "niemand"}),
    "en": frozenset({"not", "no", "never", "nothing", "nobody"}),
}
SCALE_VALUES: tuple[int, ...] = (1, 2, 3, 4, 5)
SPECIAL_CODES: tuple[str, ...] = ("dk", "na")
# Every answer is stored as one of these codes: "1".."5", "dk" (don't know), "na" (not applicable).
# Answer ids of the ambition screen (scoring.ambition_id): no statement id may start so.
RESERVED_PREFIX = "ambition-"
ANSWER_CODES: tuple[str, ...] = tuple(str(v) for v in SCALE_VALUES) + SPECIAL_CODES

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class QuestionnaireError(ValueError):
    """A questionnaire file is invalid; the message names the file and the place."""


@dataclass(frozen=True)
class Text:
    """A text in every UI language."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang`, Dutch when the language is unknown."""
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True)
class AnswerOption:
    """One option of the answer set: a scale point ("1".."5") or a special code."""

    code: str
    label: Text

    @property
    def is_scale(self) -> bool:
        return self.code not in SPECIAL_CODES


@dataclass(frozen=True)
class NextStep:
    """A concrete next step for a low-scoring statement, for one role kind."""

    role: str
    text: Text


@dataclass(frozen=True)
class Statement:
    """One statement a participant rates.

    `roles`: the role kinds that see it (empty: everyone). `help`: an optional explanation
    shown behind a help button. `steps`: one or two next steps, each for a role kind.
    """

    id: str
    phase_id: str
    text: Text
    theme: str = ""
    roles: tuple[str, ...] = ()
    help: Text | None = None
    steps: tuple[NextStep, ...] = ()

    def shown_to(self, kind: str | None) -> bool:
        """Whether a participant of this role kind sees the statement (None: everyone sees)."""
        return kind is None or not self.roles or kind in self.roles


@dataclass(frozen=True)
class GlossaryEntry:
    """A word explained once on the about page."""

    term: Text
    meaning: Text


@dataclass(frozen=True)
class Phase:
    """A phase of the model with its statements, as this questionnaire words it."""

    id: str
    number: int
    name: Text
    key_question: Text
    about: Text
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire: seven phases in model order, each with its statements."""

    id: str
    version: int
    title: Text
    options: tuple[AnswerOption, ...]
    phases: tuple[Phase, ...]
    source: str = ""
    glossary: tuple[GlossaryEntry, ...] = ()

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for p in self.phases for s in p.statements)

    @property
    def routed(self) -> bool:
        """True when some statement is shown to some role kinds only."""
        return any(s.roles for s in self.statements)

    def statements_for(self, kind: str | None) -> tuple[Statement, ...]:
        """The statements a participant of this role kind sees (None: all), in order."""
        return tuple(s for s in self.statements if s.shown_to(kind))

    def phase_statements(self, phase_id: str, kind: str | None) -> tuple[Statement, ...]:
        """The statements of one phase a participant of this role kind sees."""
        return tuple(s for s in self.phase(phase_id).statements if s.shown_to(kind))

    def statement(self, statement_id: str) -> Statement:
        """The statement with this id (KeyError when unknown)."""
        for s in self.statements:
            if s.id == statement_id:
                return s
        raise KeyError(statement_id)

    @property
    def statement_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.statements)

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id (KeyError when unknown)."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)

    def phase_of(self) -> dict[str, str]:
        """Map statement id -> phase id."""
        return {s.id: s.phase_id for s in self.statements}

    def phase_names(self, lang: str) -> dict[str, str]:
        """Map phase id -> phase name in `lang`, in model order."""
        return {p.id: p.name.get(lang) for p in self.phases}

    def option_label(self, code: str, lang: str) -> str:
        """The label of an answer code in `lang`."""
        for o in self.options:
            if o.code == code:
                return o.label.get(lang)
        raise KeyError(code)


class _Checker:
    """Collects the location while walking a parsed file, so errors can name the place.

    With the file's text, an error also names the line of the item it is about (TOML
    parsers give no positions for values, so the line of the item's `id = "..."` is found).
    """

    def __init__(self, source: str, text: str | None = None):
        self.source = source
        self.lines = text.splitlines() if text else []

    def line_of(self, where: str) -> int | None:
        """The line of the last item named in `where`, searched after the one before it."""
        if not self.lines:
            return None
        start, found = 0, None
        for name in re.findall(r"'([^']+)'", where):
            pattern = re.compile(rf'^\s*id\s*=\s*"{re.escape(name)}"')
            hit = next(
                (i for i in range(start, len(self.lines)) if pattern.match(self.lines[i])), None
            )
            if hit is None:
                break
            start = found = hit
        return None if found is None else found + 1

    def fail(self, where: str, message: str) -> QuestionnaireError:
        place = f"{where}: " if where else ""
        line = self.line_of(where) if self.lines else None
        at = f"line {line}: " if line else ""
        return QuestionnaireError(f"{self.source}: {at}{place}{message}")

    def table(self, value: Any, where: str, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"{what} must be a table, not {_type_name(value)}")
        return value

    def array(self, value: Any, where: str, what: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"{what} must be a list, not {_type_name(value)}")
        return value

    def required(self, data: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in data:
            raise self.fail(where, f"'{key}' is missing")
        return data[key]

    def ident(self, data: Mapping[str, Any], where: str) -> str:
        value = self.required(data, "id", where)
        if not isinstance(value, str):
            raise self.fail(where, f"'id' must be text, not {_type_name(value)}")
        if not _ID_RE.match(value):
            raise self.fail(
                where,
                f"id {value!r} may only hold lowercase letters, digits and single dashes",
            )
        return value

    def phase(
        self, raw: Any, index: int, seen: Iterable[str]
    ) -> tuple[Mapping[str, Any], str, str]:
        """A phase table: (table, id, place), checked to be a known phase not seen before."""
        raw = self.table(raw, f"phase {index}", "a phase")
        pid = self.ident(raw, f"phase {index}")
        where = f"phase {pid!r}"
        if pid not in PHASE_IDS:
            raise self.fail(where, f"unknown phase; the phases are: {', '.join(PHASE_IDS)}")
        if pid in seen:
            raise self.fail(where, "this phase appears twice")
        return raw, pid, where

    def item(
        self, raw: Any, where: str, index: int, kind: str, seen: dict[str, str], phase_id: str
    ) -> tuple[Mapping[str, Any], str, str]:
        """An item of a phase (statement, step): (table, id, place), its id unique in the file."""
        raw = self.table(raw, f"{where}, {kind} {index}", f"a {kind}")
        item_id = self.ident(raw, f"{where}, {kind} {index}")
        place = f"{where}, {kind} {item_id!r}"
        if item_id in seen:
            raise self.fail(place, f"duplicate {kind} id (also in phase {seen[item_id]!r})")
        if item_id.startswith(RESERVED_PREFIX):
            raise self.fail(
                place, f"ids starting with {RESERVED_PREFIX!r} are reserved for the ambitions"
            )
        seen[item_id] = phase_id
        return raw, item_id, place

    def model_order(self, ids: tuple[str, ...]) -> None:
        """The phases found must be exactly the model's seven, in order."""
        if ids != PHASE_IDS:
            missing = [p for p in PHASE_IDS if p not in ids]
            if missing:
                raise self.fail("phases", f"missing phase(s): {', '.join(missing)}")
            raise self.fail(
                "phases", f"the phases must be in the model's order: {', '.join(PHASE_IDS)}"
            )

    def text(self, data: Mapping[str, Any], where: str, what: str) -> Text:
        """Read a {nl, en} text, either inline (data has nl/en) or as data[what]."""
        parts = data if what == "" else self.required(data, what, where)
        label = f"'{what}'" if what else "the text"
        parts = self.table(parts, where, label)
        values = {}
        for lang in LANGUAGES:
            lang_name = {"nl": "Dutch", "en": "English"}[lang]
            if lang not in parts:
                raise self.fail(where, f"the {lang_name} version ({lang}) of {label} is missing")
            value = parts[lang]
            if not isinstance(value, str):
                raise self.fail(
                    where,
                    f"the {lang_name} version ({lang}) of {label} must be text, "
                    f"not {_type_name(value)}",
                )
            if not value.strip():
                raise self.fail(where, f"the {lang_name} version ({lang}) of {label} is empty")
            values[lang] = value.strip()
        return Text(**values)


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def parse_questionnaire(
    data: Mapping[str, Any], source: str = "<questionnaire>", *, text: str | None = None
) -> Questionnaire:
    """Validate parsed TOML data and build a Questionnaire; raise QuestionnaireError.

    With the file's `text`, errors also name the line.
    """
    c = _Checker(source, text)
    c.table(data, "", "the file")
    qid = c.ident(data, "")
    version = c.required(data, "version", "")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise c.fail("", f"'version' must be a whole number of 1 or more, not {version!r}")
    title = c.text(data, "", "title")
    options = _parse_answer_set(c, data)
    phases = _parse_phases(c, data)
    _check_roles_per_phase(c, phases)
    return Questionnaire(
        id=qid,
        version=version,
        title=title,
        options=options,
        phases=phases,
        source=source,
        glossary=_parse_glossary(c, data),
    )


def _parse_glossary(c: _Checker, data: Mapping[str, Any]) -> tuple[GlossaryEntry, ...]:
    raw = c.array(data.get("glossary", []), "glossary", "'glossary'")
    entries = []
    for i, item in enumerate(raw, start=1):
        where = f"glossary entry {i}"
        item = c.table(item, where, "a glossary entry")
        entries.append(
            GlossaryEntry(term=c.text(item, where, "term"), meaning=c.text(item, where, "meaning"))
        )
    return tuple(entries)


def _check_words(c: _Checker, where: str, text: Text) -> None:
    """Writing rules that can be checked: at most MAX_WORDS words, no negations."""
    for lang in LANGUAGES:
        words = re.findall(r"[\w'’-]+", text.get(lang).lower())
        if len(words) > MAX_WORDS:
            raise c.fail(
                where, f"the {lang} text has {len(words)} words; keep a statement to {MAX_WORDS}"
            )
        negations = sorted(set(words) & NEGATIONS[lang] | {w for w in words if w.endswith("n't")})
        if negations:
            raise c.fail(
                where,
                f"the {lang} text uses a negation ({', '.join(negations)}); "
                "word the statement positively",
            )


def _role_kind_list(c: _Checker, value: Any, where: str, what: str) -> tuple[str, ...]:
    """A list of known role kinds (non-empty, no repeats)."""
    kinds = c.array(value, where, what)
    if not kinds:
        raise c.fail(where, f"{what} is empty; leave it out to show the statement to everyone")
    for kind in kinds:
        if kind not in ROLE_KINDS:
            raise c.fail(
                where, f"unknown role {kind!r} in {what}; the roles are: {', '.join(ROLE_KINDS)}"
            )
    if len(set(kinds)) != len(kinds):
        raise c.fail(where, f"{what} names a role twice")
    return tuple(kinds)


def _parse_steps(c: _Checker, raw: Mapping[str, Any], where: str) -> tuple[NextStep, ...]:
    items = c.array(raw.get("steps", []), where, "'steps'")
    if len(items) > MAX_STEPS_PER_STATEMENT:
        raise c.fail(
            where,
            f"has {len(items)} steps; give a statement at most {MAX_STEPS_PER_STATEMENT}",
        )
    steps = []
    for k, item in enumerate(items, start=1):
        place = f"{where}, step {k}"
        item = c.table(item, place, "a step")
        role = c.required(item, "role", place)
        if role not in ROLE_KINDS:
            raise c.fail(place, f"unknown role {role!r}; the roles are: {', '.join(ROLE_KINDS)}")
        text = c.text(item, place, "")
        for lang in LANGUAGES:
            if len(text.get(lang)) > MAX_STEP_CHARS:
                raise c.fail(
                    place,
                    f"the {lang} text has {len(text.get(lang))} characters; "
                    f"keep a step to {MAX_STEP_CHARS}",
                )
        steps.append(NextStep(role=role, text=text))
    return tuple(steps)


def _parse_statement(c: _Checker, rs: Mapping[str, Any], sid: str, pid: str, where: str):
    theme = rs.get("theme", "")
    if not isinstance(theme, str):
        raise c.fail(where, f"'theme' must be text, not {_type_name(theme)}")
    text = c.text(rs, where, "")
    _check_words(c, where, text)
    roles = _role_kind_list(c, rs["roles"], where, "'roles'") if "roles" in rs else ()
    help_text = c.text(rs, where, "help") if "help" in rs else None
    return Statement(
        id=sid,
        phase_id=pid,
        text=text,
        theme=theme,
        roles=roles,
        help=help_text,
        steps=_parse_steps(c, rs, where),
    )


def _check_roles_per_phase(c: _Checker, phases: Iterable[Phase]) -> None:
    """Every role kind must see enough statements of every phase to get a score there."""
    for phase in phases:
        for kind in ROLE_KINDS:
            shown = sum(1 for s in phase.statements if s.shown_to(kind))
            if shown < MIN_SHOWN_PER_ROLE:
                raise c.fail(
                    f"phase {phase.id!r}",
                    f"role {kind!r} would see {shown} statement(s) of this phase; "
                    f"every role needs at least {MIN_SHOWN_PER_ROLE} (add statements "
                    "for this role, or widen 'roles')",
                )


def _parse_answer_set(c: _Checker, data: Mapping[str, Any]) -> tuple[AnswerOption, ...]:
    scale = c.array(c.required(data, "scale", ""), "scale", "'scale'")
    values = []
    options = []
    for i, item in enumerate(scale, start=1):
        where = f"scale point {i}"
        item = c.table(item, where, "a scale point")
        value = c.required(item, "value", where)
        if not isinstance(value, int) or isinstance(value, bool):
            raise c.fail(where, f"'value' must be a whole number, not {_type_name(value)}")
        values.append(value)
        options.append(AnswerOption(code=str(value), label=c.text(item, where, "")))
    if tuple(values) != SCALE_VALUES:
        raise c.fail("scale", f"the scale must have the values 1 to 5 in order, found {values}")
    special = c.array(c.required(data, "special", ""), "special", "'special'")
    codes = []
    for i, item in enumerate(special, start=1):
        where = f"special answer {i}"
        item = c.table(item, where, "a special answer")
        code = c.required(item, "code", where)
        codes.append(code)
        options.append(AnswerOption(code=str(code), label=c.text(item, where, "")))
    if tuple(codes) != SPECIAL_CODES:
        raise c.fail(
            "special",
            f"the special answers must be 'dk' (don't know) and 'na' (not applicable), "
            f"found {codes}",
        )
    return tuple(options)


def _parse_phases(c: _Checker, data: Mapping[str, Any]) -> tuple[Phase, ...]:
    raw_phases = c.array(c.required(data, "phases", ""), "phases", "'phases'")
    seen_statements: dict[str, str] = {}
    phases = []
    for i, raw in enumerate(raw_phases, start=1):
        raw, pid, where = c.phase(raw, i, {p.id for p in phases})
        raw_statements = c.array(c.required(raw, "statements", where), where, "'statements'")
        statements = []
        for j, rs in enumerate(raw_statements, start=1):
            rs, sid, swhere = c.item(rs, where, j, "statement", seen_statements, pid)
            statements.append(_parse_statement(c, rs, sid, pid, swhere))
        if not MIN_STATEMENTS <= len(statements) <= MAX_STATEMENTS:
            raise c.fail(
                where,
                f"has {len(statements)} statements; a phase needs "
                f"{MIN_STATEMENTS} to {MAX_STATEMENTS}",
            )
        phases.append(
            Phase(
                id=pid,
                number=PHASE_IDS.index(pid) + 1,
                name=c.text(raw, where, "name"),
                key_question=c.text(raw, where, "key_question"),
                about=c.text(raw, where, "about"),
                statements=tuple(statements),
            )
        )
    ids = tuple(p.id for p in phases)
    if ids != PHASE_IDS:
        missing = [p for p in PHASE_IDS if p not in ids]
        if missing:
            raise c.fail("phases", f"missing phase(s): {', '.join(missing)}")
        raise c.fail("phases", f"the phases must be in the model's order: {', '.join(PHASE_IDS)}")
    return tuple(phases)


def read_toml(path: str | Path, name: str) -> dict[str, Any]:
    """Parse a UTF-8 TOML file (see read_toml_text)."""
    return read_toml_text(path, name)[0]


def read_toml_text(path: str | Path, name: str) -> tuple[dict[str, Any], str]:
    """Parse a UTF-8 TOML file; errors (QuestionnaireError) start with `name` and the line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise QuestionnaireError(f"{name}: file not found") from None
    except OSError as exc:
        raise QuestionnaireError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise QuestionnaireError(f"{name}: line {line}: the file is not UTF-8 text") from None
    import tomllib  # here: `list` and the web app's store import this module, rarely parse

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib words its messages as "... (at line L, column C)"; keep them, name the file.
        raise QuestionnaireError(f"{name}: not valid TOML: {exc}") from None
    return data, text


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire file; raise QuestionnaireError naming file and place."""
    name = Path(path).name
    data, text = read_toml_text(path, name)
    return parse_questionnaire(data, source=name, text=text)


@cache
def default_questionnaire() -> Questionnaire:
    """The questionnaire the app uses by default (validated once per process)."""
    return load_questionnaire(DEFAULT_QUESTIONNAIRE)


def available_questionnaires() -> dict[tuple[str, int], Path]:
    """Map (id, version) -> file for every questionnaire file in the questionnaires folder."""
    found: dict[tuple[str, int], Path] = {}
    for path in sorted(QUESTIONNAIRE_DIR.glob("*.toml")):
        q = _file_questionnaire(path)
        found[(q.id, q.version)] = path
    return found


def _file_questionnaire(path: Path) -> Questionnaire:
    """load_questionnaire(path), parsed again only when the file changed (its size,
    modification and change times or inode): the folder is listed on
    every results page (handvatten's later versions); parsing every file cost ~20 ms."""
    try:
        stat = path.stat()
    except OSError:
        return load_questionnaire(path)  # gone or unreadable: its own error, as before
    # ctime and inode too: a copy that keeps the modification time (cp -p, rsync -a, tar)
    # still changes them, and neither can be set back.
    return _parsed(path, stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino)


@lru_cache(maxsize=64)
def _parsed(path: Path, mtime_ns: int, size: int, ctime_ns: int, inode: int) -> Questionnaire:
    return load_questionnaire(path)


def validate_all() -> None:
    """Load every questionnaire file, so a broken one stops the app before it serves anyone."""
    for path in sorted(QUESTIONNAIRE_DIR.glob("*.toml")):
        load_questionnaire(path)


@cache
def questionnaire_for(qid: str, version: int) -> Questionnaire:
    """The questionnaire with this id and version (KeyError when no file has it)."""
    path = available_questionnaires().get((qid, version))
    if path is None:
        raise KeyError(f"{qid} v{version}")
    return _file_questionnaire(path)


# -- role kinds -------------------------------------------------------------------------------

# Role ids of the default roles that are a kind under another name.
ROLE_ALIASES: dict[str, str] = {"professional": "medewerker", "staf": "medewerker"}
_LEADING_KINDS = ("mt", "keteneigenaar", "ketenteam")


def role_kind(role_id: str | None, partner: str | None = "") -> str:
    """The role kind a participant's organisation role routes to (see the README).

    1. A role id that is a kind, or starts with one and a dash ("mt-zorg"), is that kind;
       the default roles professional and staf are medewerker.
    2. MT, chain owner and chain team keep their kind, whatever organisation they are from.
    3. Anyone else who chose a partner organisation on the join form (or the role partner)
       is a partner.
    4. Any other role is medewerker: the statements everyone can judge, plus theirs.
    """
    rid = (role_id or "").strip().lower()
    kind = ROLE_ALIASES.get(rid) or next(
        (k for k in ROLE_KINDS if rid == k or rid.startswith(f"{k}-")), None
    )
    if kind in _LEADING_KINDS:
        return kind
    if partner or kind == "partner":
        return "partner"
    return kind or "medewerker"
