"""The one rule that decides which group figures may be shown (anonymity).

Every view, export, report and breakdown asks this module (through `ipm_model.results`);
nothing else decides what a grant may see. The promise: no individual's answer or phase
score, and no figure of fewer than the minimum group size of people, can be worked out from
any combination of the figures one grant can see.

Three parts:

1. **Who counts in a round** (`disclosed_size`). A chain's group in a round is always the
   first k people to finish, with k on a fixed ladder: minimum, minimum + step, minimum +
   2·step, … where step = max(batch, minimum). Projector, participant result, results pages,
   exports and reports all use the same k, so two figures of the same chain differ by at
   least `minimum` people: nobody's score is one subtraction away, not while the round runs
   and not after it closes. The price: up to minimum − 1 late finishers are left out until
   enough others finish; every screen says how many are counted.

2. **Which cells may be shown** (`safe_cells`). A cell is a group of people behind one figure
   (a chain, a role or partner within it; per phase only the people with a score). A cell
   needs at least `minimum` people, and adding it to the cells already shown must not make a
   small group derivable: think of every shown cell as a row of a 0/1 matrix over people;
   people in exactly the same cells form an "atom", and everything derivable from the shown
   sums is a combination of atoms. The cell is refused when it puts an atom (or a union of
   atoms) of 1..minimum−1 people in the row space. Cells are accepted greedily in the order
   given, so callers list the most useful cells first (the chain, then roles, then partners).
   Cells shown at an earlier rung of the same round count as shown: `ipm_model.results`
   replays a round rung by rung (`ladder_rungs`) and decides each rung's cells after the
   earlier ones; a chain's own growing cells per phase go through `nested_shown`.

3. **Pooling only what is shown.** Figures over several groups (all chains of a round, a
   period of rounds) pool only cells that are shown themselves, so they are sums of shown
   rows and reveal nothing new (`ipm_model.results` does the pooling).

4. **Leaving careless answers out** (`leave_out`). A facilitator may leave out a round's
   flagged participants (same answer everywhere, implausibly fast) — all of them at once,
   never one by one. The chain's figure then covers the first k of the *not* flagged
   finishers, k on the same ladder (re-laddered), so it never is "the group minus one".
   Both figures may be seen over the round's life (the switch is reversible), so every set
   a chain's figure has covered or could have covered, with and without leaving out, at
   every moment of the round, is one family; a leave-out set joins it only when no group of
   1..minimum−1 people follows from the family (the check of part 2). Otherwise the last
   set that did join is shown (or, before any did, the figure stays with everyone). The
   family is worked out again from the finish order and the flags, so the rule does not
   depend on when the switch was used. Breakdowns with leaving out are decided after the
   breakdowns without it and the whole family (`safe_cells(..., shown=...)`).

What this does not cover (see SECURITY.md): one person joining twice to pad a group, and the
change of one person's answers after finishing, which shows as a change of a group figure.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

DEFAULT_BATCH = 3
# Unions of small atoms checked per cell; beyond this many small atoms only single atoms and
# pairs are checked (a safe shortcut: such a cell is then refused when in doubt).
_MAX_SMALL_ATOMS = 16
_TOLERANCE = 1e-9


def ladder_step(minimum: int, batch: int = DEFAULT_BATCH) -> int:
    """People between two group figures of one chain: never fewer than the minimum."""
    return max(1, batch, minimum)


def disclosed_size(finished: int, minimum: int, batch: int = DEFAULT_BATCH) -> int | None:
    """How many of the first finishers a chain's group figure covers (None: too few).

    The largest rung of minimum, minimum + step, minimum + 2·step, … that `finished` reaches.
    """
    minimum = max(1, int(minimum))
    if finished < minimum:
        return None
    step = ladder_step(minimum, batch)
    return minimum + (int(finished) - minimum) // step * step


def ladder_rungs(finished: int, minimum: int, batch: int = DEFAULT_BATCH) -> list[int]:
    """Every rung a chain's figure has stood on with `finished` finishers, oldest first
    (minimum, minimum + step, …, disclosed_size); empty while too few finished."""
    top = disclosed_size(finished, minimum, batch)
    if top is None:
        return []
    return list(range(max(1, int(minimum)), top + 1, ladder_step(minimum, batch)))


def nested_shown(cells: Sequence[Collection[Hashable]], minimum: int) -> list[bool]:
    """Which of growing cells (each holding the one before, e.g. a chain's people with a
    score in one phase at each rung) may be shown, in order: safe_cells for nested cells,
    without linear algebra. Shown nested cells reveal exactly their differences, so a cell
    is shown when it has the minimum and differs from the last shown one by 0 or at least
    the minimum."""
    decided, accepted = [], []
    for cell in cells:
        cell = frozenset(cell)
        last = accepted[-1] if accepted else frozenset()
        if last <= cell:
            extra = len(cell - last)
            ok = len(cell) >= minimum and (extra == 0 or extra >= minimum)
        else:  # not nested after all (answers changed): the general check
            ok = len(cell) >= minimum and not exposed_groups([*accepted, cell], minimum)
        if ok:
            accepted.append(cell)
        decided.append(ok)
    return decided


def waiting_for(finished: int, minimum: int, batch: int = DEFAULT_BATCH) -> int:
    """How many more must finish before the group figure grows (or first shows)."""
    size = disclosed_size(finished, minimum, batch)
    if size is None:
        return minimum - finished
    return size + ladder_step(minimum, batch) - finished


def _atoms(cells: Sequence[Collection[Hashable]]) -> tuple[np.ndarray, list[frozenset]]:
    """The cells as a 0/1 matrix over atoms (people in exactly the same cells), and the atoms."""
    signature: dict[Hashable, list[int]] = {}
    for index, cell in enumerate(cells):
        for person in cell:
            signature.setdefault(person, []).append(index)
    atoms: dict[tuple[int, ...], list[Hashable]] = {}
    for person, cells_of_person in signature.items():
        atoms.setdefault(tuple(cells_of_person), []).append(person)
    matrix = np.zeros((len(cells), len(atoms)))
    for column, key in enumerate(atoms):
        matrix[list(key), column] = 1.0
    return matrix, [frozenset(people) for people in atoms.values()]


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis (as columns) of the vectors x with matrix @ x = 0."""
    if matrix.size == 0:
        return np.eye(matrix.shape[1])
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > _TOLERANCE * max(1.0, singular.max(initial=0.0))).sum())
    return vt[rank:].T


def exposed_groups(cells: Sequence[Collection[Hashable]], minimum: int) -> list[frozenset]:
    """Groups of 1..minimum−1 people whose sum follows from the cells' sums (empty: safe)."""
    if not cells:
        return []
    matrix, atoms = _atoms(cells)
    small = [a for a, people in enumerate(atoms) if len(people) < minimum]
    if not small:
        return []
    null = _null_space(matrix)
    longest = minimum - 1 if len(small) <= _MAX_SMALL_ATOMS else min(2, minimum - 1)
    found = []
    for r in range(1, longest + 1):
        for combo in combinations(small, r):
            group = frozenset().union(*(atoms[a] for a in combo))
            # In the row space exactly when orthogonal to every null-space vector.
            if len(group) < minimum and np.abs(null[list(combo)].sum(axis=0)).max(initial=0) < 1e-7:
                found.append(group)
    return found


def safe_cells(
    cells: Sequence[Collection[Hashable]],
    minimum: int,
    shown: Sequence[Collection[Hashable]] = (),
) -> list[bool]:
    """Which cells may be shown, deciding in the order given (see the module docstring);
    `shown`: cells that are (or were) shown anyway, decided before these."""
    shown = list(shown)
    decided = []
    for cell in cells:
        ok = len(cell) >= minimum and not exposed_groups([*shown, cell], minimum)
        if ok:
            shown.append(cell)
        decided.append(ok)
    return decided


@dataclass(frozen=True)
class LeaveOut:
    """A chain's figure with its flagged finishers left out (positions: 1 = first finisher).

    counted: the positions the figure covers, or None when leaving out is not (yet) safe
    and the figure stays with the first disclosed_size finishers; family: every set the
    chain's figure has covered or could have covered, with and without leaving out.
    """

    counted: frozenset[int] | None
    family: tuple[frozenset[int], ...]
    # Each time the figure with leaving out changed: (finisher position, the positions it
    # covers from then on, len(family) then), so breakdowns can replay the round.
    changes: tuple[tuple[int, frozenset[int], int], ...] = ()


def leave_out(flagged: Sequence[bool], minimum: int, batch: int = DEFAULT_BATCH) -> LeaveOut:
    """The people a chain's figure covers when its flagged finishers are left out.

    `flagged`: per finisher in finish order, whether they are flagged. Replays the round
    finisher by finisher (see part 4 of the module docstring).
    """
    family: list[frozenset[int]] = []
    counted: frozenset[int] | None = None
    kept: list[int] = []
    changes: list[tuple[int, frozenset[int], int]] = []
    step = ladder_step(minimum, batch)
    for position, is_flagged in enumerate(flagged, start=1):
        size = disclosed_size(position, minimum, batch)
        if size is not None and (everyone := frozenset(range(1, size + 1))) not in family:
            family.append(everyone)
        if is_flagged:
            continue
        kept.append(position)
        size = disclosed_size(len(kept), minimum, batch)
        candidate = frozenset(kept[:size]) if size else None
        if candidate is None or candidate == counted:
            continue
        # The next rung of the figure with everyone will be shown whatever happens; sets
        # chosen now must stay safe with it (later rungs only add whole steps of people).
        rung = disclosed_size(position, minimum, batch) or 0
        following = frozenset(range(1, (rung + step if rung else minimum) + 1))
        if candidate in family or not exposed_groups([*family, following, candidate], minimum):
            if candidate not in family:
                family.append(candidate)
            counted = candidate
            changes.append((position, candidate, len(family)))
    return LeaveOut(counted, tuple(family), tuple(changes))
