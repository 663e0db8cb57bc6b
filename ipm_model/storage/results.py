"""Reading a round's results (answers, comments, benchmarks, participation,
exports): the Store's queries. Gathering them is ipm_model.results."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ipm_model.db import NotAllowed
from ipm_model.model import (
    COMMENT_MAX_CHARS,
    RESUME_CODE_LENGTH,
    Workshop,
    clean_text,
    new_code,
    normalize_code,
)
from ipm_model.questionnaire import ANSWER_CODES
from ipm_model.storage.base import StoreBase

if TYPE_CHECKING:
    import pandas as pd


class ResultQueries(StoreBase):
    """Reading results: a group's answers and comments, benchmarks, participation, exports."""

    # -- reading results -----------------------------------------------------------------------

    def group_answers(
        self, workshop_id: int, chain_id: int, first: int | None = None
    ) -> pd.DataFrame:
        """Answers of the finished participants of one workshop and chain.

        `first`: only of the first so many to finish (the projector's batches).
        Columns: participant (pseudonym), role, partner, statement_id, value.
        """
        where, params = _first_finishers(workshop_id, chain_id, first)
        return self._frame(
            f"""SELECT p.pid AS participant, p.role, p.partner, a.statement_id, a.value
               FROM answer a JOIN participant p ON p.id = a.participant_id
               WHERE p.workshop_id = ? AND p.chain_id = ? AND p.finished_at IS NOT NULL
               {where}""",
            params,
            ["participant", "role", "partner", "statement_id", "value"],
        )

    def results_version(
        self, workshop_ids: Sequence[int], chain_id: int | None = None
    ) -> tuple[int, str]:
        """The data version of these workshops' results (optionally of one chain).

        (number of finished participants, last change by one of them): results only use
        finished participants, so a cache keyed by this is never stale, whichever app
        process wrote the change.
        """
        if not workshop_ids:
            return 0, ""
        marks = ", ".join("?" for _ in workshop_ids)
        where, params = f"workshop_id IN ({marks})", list(workshop_ids)
        if chain_id is not None:
            where += " AND chain_id = ?"
            params.append(chain_id)
        rows = self._query(
            f"""SELECT count(*) AS n, max(changed_at) AS last FROM participant
                WHERE {where} AND finished_at IS NOT NULL""",
            params,
        )
        return int(rows[0]["n"]), rows[0]["last"] or ""

    def finished_count(self, workshop_id: int, chain_id: int) -> int:
        rows = self._query(
            """SELECT count(*) AS n FROM participant WHERE workshop_id = ? AND chain_id = ?
               AND finished_at IS NOT NULL""",
            [workshop_id, chain_id],
        )
        return int(rows[0]["n"])

    def _frame(self, sql: str, params: Sequence[Any], columns: list[str]) -> pd.DataFrame:
        import pandas as pd

        with self._db() as db:
            cur = db.execute(sql, params)
            return pd.DataFrame(cur.fetchall(), columns=columns)

    RESULT_ANSWER_COLUMNS = (
        "workshop_id",
        "chain_id",
        "participant",
        "role",
        "partner",
        "statement_id",
        "value",
        "finish_order",
    )

    def result_answers(self, workshop_ids: Sequence[int]) -> pd.DataFrame:
        """Answers of finished participants in these workshops (RESULT_ANSWER_COLUMNS).

        One query; the frame is what scoring and the results pages aggregate. `finish_order`
        numbers the finished participants of each workshop and chain (1 = first to finish),
        for the disclosure rule's "first k finishers".
        """
        if not workshop_ids:
            return self._frame("SELECT 1 WHERE 1 = 0", [], list(self.RESULT_ANSWER_COLUMNS))
        marks = ", ".join("?" for _ in workshop_ids)
        return self._frame(
            f"""WITH p AS (SELECT id, workshop_id, chain_id, pid, role, partner,
                  ROW_NUMBER() OVER (PARTITION BY workshop_id, chain_id
                                     ORDER BY finished_at, id) AS finish_order
                  FROM participant
                  WHERE workshop_id IN ({marks}) AND finished_at IS NOT NULL)
                SELECT p.workshop_id, p.chain_id, p.pid, p.role, p.partner, a.statement_id,
                a.value, p.finish_order FROM answer a JOIN p ON p.id = a.participant_id""",
            list(workshop_ids),
            list(self.RESULT_ANSWER_COLUMNS),
        )

    def result_comments(
        self, workshop_id: int, chain_id: int, first: int | None = None
    ) -> pd.DataFrame:
        """Comments of finished participants of one workshop and chain: phase_id, text.

        `first`: only of the first so many to finish (the people a group figure covers).
        Ordered by phase and text (not by time or person), so nobody is singled out.
        """
        where, params = _first_finishers(workshop_id, chain_id, first)
        return self._frame(
            f"""SELECT c.phase_id, c.text FROM phase_comment c
               JOIN participant p ON p.id = c.participant_id
               WHERE p.workshop_id = ? AND p.chain_id = ? AND p.finished_at IS NOT NULL
               {where}
               ORDER BY c.phase_id, c.text""",
            params,
            ["phase_id", "text"],
        )

    BENCHMARK_ANSWER_COLUMNS = ("organisation_id", "min_group_size", *RESULT_ANSWER_COLUMNS)

    def benchmark_answers(
        self, questionnaire_id: str, version: int, without: int | None = None
    ) -> pd.DataFrame:
        """Answers for the peer benchmark (BENCHMARK_ANSWER_COLUMNS): per chain of every
        organisation that takes part, only its latest closed round on this questionnaire
        version. No names: organisations and chains are ids. `without`: leave that
        organisation's rows out (its peer bands never use them; the rounds are chosen
        over every organisation all the same)."""
        others = "" if without is None else "WHERE r.organisation_id <> ?"
        return self._frame(
            f"""WITH r AS (SELECT w.id AS workshop_id, w.organisation_id, w.min_group_size,
                  wc.chain_id, ROW_NUMBER() OVER (PARTITION BY wc.chain_id
                                                  ORDER BY w.date DESC, w.id DESC) AS latest
                  FROM workshop w JOIN workshop_chain wc ON wc.workshop_id = w.id
                  JOIN organisation o ON o.id = w.organisation_id
                  WHERE w.status = 'closed' AND o.benchmark_opt_out = 0
                  AND o.id NOT IN (SELECT organisation_id FROM sandbox)
                  AND w.questionnaire_id = ? AND w.questionnaire_version = ?
                  AND EXISTS (SELECT 1 FROM participant x WHERE x.workshop_id = w.id
                              AND x.chain_id = wc.chain_id AND x.finished_at IS NOT NULL)),
                p AS (SELECT p.id, p.workshop_id, p.chain_id, p.pid, p.role, p.partner,
                  ROW_NUMBER() OVER (PARTITION BY p.workshop_id, p.chain_id
                                     ORDER BY p.finished_at, p.id) AS finish_order
                  FROM participant p JOIN r ON r.workshop_id = p.workshop_id
                  AND r.chain_id = p.chain_id AND r.latest = 1
                  WHERE p.finished_at IS NOT NULL)
                SELECT r.organisation_id, r.min_group_size, p.workshop_id, p.chain_id, p.pid,
                p.role, p.partner, a.statement_id, a.value, p.finish_order
                FROM answer a JOIN p ON p.id = a.participant_id
                JOIN r ON r.workshop_id = p.workshop_id AND r.chain_id = p.chain_id
                {others}""",
            [questionnaire_id, int(version), *([] if without is None else [int(without)])],
            list(self.BENCHMARK_ANSWER_COLUMNS),
        )

    def benchmark_version(
        self, questionnaire_id: str, version: int, without: int | None = None
    ) -> tuple[Any, ...]:
        """What the benchmark depends on: closed rounds on this version, their last change,
        and the opt-outs (a cache keyed by it is never stale). `without`: an organisation
        whose own rounds are left out of it (its peer bands leave it out: a change in its
        own rounds does not move the key of the bands it sees)."""
        others = "" if without is None else "AND w.organisation_id <> ?"
        rows = self._query(
            f"""SELECT count(p.id) AS n, max(p.changed_at) AS last,
               (SELECT coalesce(sum(benchmark_opt_out * id), 0) FROM organisation) AS out1,
               (SELECT coalesce(sum(benchmark_opt_out * id * id), 0) FROM organisation) AS out2
               FROM participant p JOIN workshop w ON w.id = p.workshop_id
               WHERE w.status = 'closed' AND w.questionnaire_id = ?
               AND w.questionnaire_version = ? AND p.finished_at IS NOT NULL {others}""",
            [questionnaire_id, int(version), *([] if without is None else [int(without)])],
        )
        row = rows[0]
        return int(row["n"]), row["last"] or "", int(row["out1"]), int(row["out2"])

    def answer_seconds(self, workshop_id: int) -> pd.Series:
        """Seconds from joining to finishing per finished participant (index: pseudonym)."""
        import pandas as pd

        frame = self._frame(
            """SELECT pid, created_at, finished_at FROM participant
               WHERE workshop_id = ? AND finished_at IS NOT NULL""",
            [workshop_id],
            ["participant", "created_at", "finished_at"],
        )
        start = pd.to_datetime(frame["created_at"], utc=True, errors="coerce", format="ISO8601")
        end = pd.to_datetime(frame["finished_at"], utc=True, errors="coerce", format="ISO8601")
        return pd.Series(
            (end - start).dt.total_seconds().to_numpy(), index=frame["participant"], dtype=float
        )

    def participation(self, workshop_id: int) -> pd.DataFrame:
        """Per chain of a workshop: joined and finished counts (chain_id, joined, finished)."""
        return self._frame(
            """SELECT wc.chain_id, count(p.id) AS joined, count(p.finished_at) AS finished
               FROM workshop_chain wc LEFT JOIN participant p
               ON p.workshop_id = wc.workshop_id AND p.chain_id = wc.chain_id
               WHERE wc.workshop_id = ? GROUP BY wc.chain_id, wc.position
               ORDER BY wc.position""",
            [workshop_id],
            ["chain_id", "joined", "finished"],
        )

    def load_finished_participants(
        self,
        workshop: Workshop,
        participants: Sequence[dict[str, Any]],
    ) -> int:
        """Write many finished participants with their answers in one transaction.

        Each item: chain_id, role, partner, answers {statement_id: value}, comments
        {phase_id: text} (optional), finished_at (ISO text). For demo history, imports and
        benchmarks; the rules of the live flow (open workshop) do not apply. Returns the
        number of answers written. Nothing is written when any item is invalid.
        """
        chain_ids = {c.id for c in workshop.chains}
        role_ids = {r.id for r in workshop.roles}
        rows: list[tuple] = []
        with self._write() as db:
            for item in participants:
                if item["chain_id"] not in chain_ids or item["role"] not in role_ids:
                    raise NotAllowed("chain or role not offered by the workshop")
                finished = item["finished_at"]
                cur = db.execute(
                    """INSERT INTO participant (pid, token, resume_code, workshop_id, chain_id,
                       role, partner, current_step, created_at, finished_at, changed_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, 8, ?, ?, ?) RETURNING id""",
                    [
                        "p" + secrets.token_hex(6),
                        secrets.token_urlsafe(16),
                        new_code(RESUME_CODE_LENGTH),
                        workshop.id,
                        item["chain_id"],
                        item["role"],
                        item.get("partner", ""),
                        finished,
                        finished,
                        finished,
                    ],
                )
                pid = cur.fetchone()[0]
                for sid, value in item["answers"].items():
                    if value not in ANSWER_CODES:
                        raise NotAllowed(f"unknown answer value {value!r}")
                    rows.append((pid, sid, value, finished))
                for phase_id, text in (item.get("comments") or {}).items():
                    text, _ = clean_text(text, COMMENT_MAX_CHARS)
                    if text:
                        db.execute(
                            "INSERT INTO phase_comment VALUES (?, ?, ?, ?)",
                            [pid, phase_id, text, finished],
                        )
            db.executemany("INSERT INTO answer VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    EXPORT_ANSWER_COLUMNS = (
        "workshop_code",
        "workshop_date",
        "chain",
        "role",
        "partner",
        "participant",
        "phase_id",
        "statement_id",
        "value",
        "answered_at",
    )

    def export_answers(
        self, questionnaire_phase_of: dict[str, str], workshop_code: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every answer as one flat row (see EXPORT_ANSWER_COLUMNS); never tokens."""
        where, params = "1 = 1", []
        if workshop_code is not None:
            where, params = "w.code = ?", [normalize_code(workshop_code)]
        rows = self._query(
            f"""SELECT w.code AS workshop_code, w.date AS workshop_date, c.name AS chain,
                p.role, p.partner, p.pid AS participant, a.statement_id, a.value, a.answered_at
                FROM answer a JOIN participant p ON p.id = a.participant_id
                JOIN workshop w ON w.id = p.workshop_id JOIN chain c ON c.id = p.chain_id
                WHERE {where} ORDER BY w.date, w.code, c.name, p.pid, a.statement_id""",
            params,
        )
        for r in rows:
            r["phase_id"] = questionnaire_phase_of.get(r["statement_id"], "")
            yield {k: r[k] for k in self.EXPORT_ANSWER_COLUMNS}

    def counts(self) -> dict[str, int]:
        """Row counts per table (for checks and the command line)."""
        tables = (
            "organisation",
            "chain",
            "workshop",
            "participant",
            "answer",
            "phase_comment",
            "action",
        )
        with self._db() as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _first_finishers(workshop_id: int, chain_id: int, first: int | None) -> tuple[str, list]:
    """The SQL filter (on participant `p`) and parameters for one workshop and chain, and with
    `first` only the first so many to finish (the people a group figure covers)."""
    params: list = [workshop_id, chain_id]
    if first is None:
        return "", params
    where = """AND p.id IN (SELECT id FROM participant WHERE workshop_id = ?
               AND chain_id = ? AND finished_at IS NOT NULL
               ORDER BY finished_at, id LIMIT ?)"""
    return where, [*params, workshop_id, chain_id, int(first)]
