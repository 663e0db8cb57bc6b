"""The demo organisation: a fictional municipality with four chains, a history and a live round.

`create_demo` builds "Gemeente Lindewaard (demo)": four chains, three of them crossing into a
partner organisation, four closed measurement rounds over the previous 18 months and the open
workshop DEMO (dated today, without answers, so the answers visitors give are the ones shown).

The history is made by a small seeded model (`HistoryModel`), so the demo is the same every time
for the same `today`. Per chain and round:

- each chain has a maturity level per phase that moves over the 18 months (`ChainProfile`);
- 6 to 15 participants with a plausible mix of roles, some from the partner organisation;
- a participant's latent level per phase = chain level + personal offset + role effect;
- an answer = that level + statement effect + noise, rounded and clipped to 1..5; on a few
  statements per chain the group splits in two camps (real disagreement);
- "weet ik niet" more often for staff on strategic and for professionals on MT-level
  statements (and in borgen), "niet van toepassing" mostly for partners on statements about
  the municipality's own organisation;
- 10 to 20 % of the participants leave a short comment on a phase.

`write_history` writes generated rounds through the store (one transaction per round); the
benchmark `bench/build_history.py` uses the same model for large data sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from ipm_model.model import DEFAULT_ROLES, WORKSHOP_CLOSED, Workshop
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import Questionnaire, questionnaire_for, role_kind
from ipm_model.scoring import ambition_id
from ipm_model.storage.store import Store

DEMO_ORGANISATION = "Gemeente Lindewaard (demo)"
DEMO_CODE = "DEMO"
DEMO_CHAINS: tuple[str, ...] = (
    "Van aanvraag tot uitkering",
    "Van melding tot jeugdhulp",
    "Van schuld tot rust",
    "Van vergunning tot bouw",
)
DEMO_PARTNERS: tuple[str, ...] = (
    "Werkbedrijf Rivierland",
    "Jeugdzorg Lindewaard",
    "Stichting Schuldhulp Samen",
)
DEMO_SEED = 20240917
# The closed history rounds, in months before `today` (oldest first).
DEMO_ROUND_MONTHS: tuple[int, ...] = (18, 12, 6, 1)
DEMO_PARTICIPANTS: tuple[int, int] = (6, 15)
DEMO_MIN_GROUP_SIZE = 3

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


# Actions agreed in the chain conversation after a history round, per chain and round index:
# (phase, description, owner, weeks until due, status at the next round's review). The
# actions of the last round are still open, so the deck and the results page show the loop
# score -> action -> review.
DemoAction = tuple[str, str, str, int, str]
DEMO_ACTIONS: dict[str, tuple[tuple[DemoAction, ...], ...]] = {
    "Van aanvraag tot uitkering": (
        (
            ("inzicht", "Klantreis van aanvraag tot uitkering samen tekenen", "Fatima", 8, "done"),
            ("structuur", "Eén aanspreekpunt per aanvraag afspreken", "Joost", 12, "busy"),
        ),
        (("doen", "Wekelijks kort ketenoverleg over vastgelopen aanvragen", "Joost", 6, "done"),),
        (
            (
                "borgen",
                "Afspraken met Werkbedrijf vastleggen in een convenant",
                "Fatima",
                16,
                "busy",
            ),
        ),
        (("groeien", "Na elke klacht samen kijken wat we leren", "Noor", 10, "open"),),
    ),
    "Van melding tot jeugdhulp": (
        (("inzicht", "Doorlooptijd van melding tot hulp meten", "Sanne", 8, "done"),),
        (
            ("structuur", "Keteneigenaar voor jeugdhulp benoemen", "Wethouder", 6, "dropped"),
            ("doen", "Casusoverleg elke twee weken met Jeugdzorg", "Sanne", 4, "done"),
        ),
        (("structuur", "Regiegroep met Jeugdzorg Lindewaard opzetten", "Karim", 12, "busy"),),
        (("structuur", "Rollen en mandaten in de keten op papier zetten", "Karim", 8, "open"),),
    ),
    "Van schuld tot rust": (
        (
            (
                "toekomst",
                "Gezamenlijk doel: binnen vier weken een eerste gesprek",
                "Els",
                12,
                "done",
            ),
        ),
        (("versnellen", "Vroegsignalering met woningcorporaties starten", "Els", 16, "busy"),),
        (("doen", "Dashboard met wachttijden per partner maken", "Rob", 10, "done"),),
        (
            (
                "borgen",
                "Jaarlijkse evaluatie met Stichting Schuldhulp Samen plannen",
                "Rob",
                20,
                "open",
            ),
        ),
    ),
    "Van vergunning tot bouw": (
        (("inzicht", "Aantal vergunningen per week zichtbaar maken", "Tom", 6, "done"),),
        (("toekomst", "Doel voor doorlooptijd vergunningen afspreken", "Tom", 8, "dropped"),),
        (("structuur", "Vaste contactpersoon voor grote bouwprojecten", "Lisa", 10, "done"),),
        (("groeien", "Maandelijkse leersessie met de omgevingsdienst", "Lisa", 12, "open"),),
    ),
}


def write_demo_actions(store: Store, rounds: Sequence[Workshop], chains: Mapping[str, int]) -> int:
    """Record DEMO_ACTIONS per round and review each at the round after it; return the count."""
    made = 0
    for name, per_round in DEMO_ACTIONS.items():
        for index, (workshop, actions) in enumerate(zip(rounds, per_round, strict=False)):
            for phase_id, description, owner, weeks, reviewed in actions:
                due = date.fromisoformat(workshop.date) + timedelta(weeks=weeks)
                action_id = store.create_action(
                    chain_id=chains[name],
                    workshop_id=workshop.id,
                    phase_id=phase_id,
                    description=description,
                    owner=owner,
                    due_date=due,
                )
                made += 1
                if index + 1 < len(rounds):  # reviewed at the next round
                    store.update_action(
                        action_id,
                        chain_id=chains[name],
                        workshop_id=workshop.id,
                        phase_id=phase_id,
                        description=description,
                        owner=owner,
                        due_date=due,
                        status=reviewed,
                    )
    return made


class DemoExists(RuntimeError):
    """The demo organisation is already there (use reset to rebuild it)."""


@dataclass(frozen=True)
class DemoResult:
    """What `create_demo` made: the organisation, the live workshop and the closed history."""

    organisation_id: int
    workshop: Workshop
    history: tuple[Workshop, ...] = ()
    history_answers: int = 0


# -- the generative model ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProfile:
    """How mature one chain is per phase over time, and who takes part in it.

    `levels` maps a phase id to its latent level (1..5 scale) at the start, halfway and at
    the end of the history; rounds in between are interpolated. A phase the profile does not
    name gets 3.0 throughout.
    """

    name: str
    levels: Mapping[str, tuple[float, float, float]]
    partner: str = ""  # the partner organisation the chain crosses into ("" = internal chain)
    partner_share: float = 0.0  # share of the participants that comes from the partner
    disagreement: tuple[str, ...] = ()  # statement ids on which the group splits in two camps

    def level(self, phase_id: str, t: float) -> float:
        """The chain's level in a phase at time t (0 = first round, 1 = last round)."""
        points = self.levels.get(phase_id, (3.0, 3.0, 3.0))
        return float(np.interp(t, (0.0, 0.5, 1.0), points))

    def shifted(self, name: str, offsets: Mapping[str, float]) -> ChainProfile:
        """A copy under another name with every level of a phase moved by offsets[phase]."""
        levels = {p: tuple(v + offsets.get(p, 0.0) for v in pts) for p, pts in self.levels.items()}
        return ChainProfile(name, levels, self.partner, self.partner_share, self.disagreement)


def _levels(start: Sequence[float], mid: Sequence[float], end: Sequence[float]) -> dict:
    return {p: (s, m, e) for p, s, m, e in zip(PHASE_IDS, start, mid, end, strict=True)}


# Phase order: inzicht, toekomst, versnellen, structuur, doen, groeien, borgen.
DEMO_PROFILES: tuple[ChainProfile, ...] = (
    # Advanced: started early, steady gains, borgen lags behind.
    ChainProfile(
        "Van aanvraag tot uitkering",
        _levels(
            (3.7, 3.6, 3.4, 3.4, 3.2, 3.0, 2.7),
            (3.9, 3.8, 3.6, 3.7, 3.5, 3.3, 3.0),
            (4.1, 4.0, 3.8, 3.9, 3.8, 3.6, 3.4),
        ),
        partner="Werkbedrijf Rivierland",
        partner_share=0.25,
        disagreement=("structuur-mandate", "groeien-interests-open"),
    ),
    # The phase order problem: busy doing (doen) on a weak structure; structuur catches up
    # only slowly.
    ChainProfile(
        "Van melding tot jeugdhulp",
        _levels(
            (3.3, 3.0, 2.8, 2.0, 3.6, 2.9, 2.2),
            (3.5, 3.3, 3.0, 2.3, 3.8, 2.9, 2.4),
            (3.7, 3.5, 3.3, 2.8, 3.9, 3.2, 2.6),
        ),
        partner="Jeugdzorg Lindewaard",
        partner_share=0.3,
        disagreement=("doen-action-follow-up", "structuur-every-link", "groeien-direct-contact"),
    ),
    # Stagnating: modest gains, and groeien dips halfway (a new chain owner, a reorganisation).
    ChainProfile(
        "Van schuld tot rust",
        _levels(
            (3.1, 2.9, 2.7, 2.6, 2.5, 2.9, 2.2),
            (3.2, 3.0, 2.8, 2.8, 2.7, 2.3, 2.2),
            (3.3, 3.2, 3.0, 2.9, 2.8, 2.5, 2.4),
        ),
        partner="Stichting Schuldhulp Samen",
        partner_share=0.3,
        disagreement=("borgen-meeting-continues", "doen-floor-ideas"),
    ),
    # Started late and low, improves quickly; an internal chain (no partner).
    ChainProfile(
        "Van vergunning tot bouw",
        _levels(
            (2.5, 2.3, 2.2, 1.9, 1.9, 2.0, 1.6),
            (3.3, 3.1, 3.0, 2.9, 2.7, 2.6, 2.2),
            (3.8, 3.6, 3.5, 3.5, 3.3, 3.1, 2.8),
        ),
        disagreement=("structuur-data-on-time", "toekomst-customer-value"),
    ),
)

# Statements a role answers differently. Ids that a questionnaire does not have are ignored.
LINE_OF_SIGHT = frozenset(
    {
        "inzicht-mission-to-work",
        "toekomst-change-story",
        "toekomst-goals-own-work",
        "doen-own-contribution",
        "doen-floor-ideas",
        "inzicht-line-of-sight",
        "toekomst-support",
        "doen-role-clear",
    }
)
MT_LEVEL = frozenset(
    {
        "inzicht-chains-named",
        "inzicht-silo-costs",
        "inzicht-mt-decision",
        "toekomst-few-goals",
        "toekomst-internal-value",
        "versnellen-past-lessons",
        "versnellen-scale-up-plan",
        "structuur-chain-owner",
        "structuur-escalation",
        "borgen-annual-plan",
        "borgen-owner-handover",
        "borgen-review-chains",
        "inzicht-silo-costs-known",
        "inzicht-leaders-commit",
        "toekomst-clear-goals",
        "toekomst-value-per-link",
        "versnellen-lessons-used",
        "structuur-decision-rights",
        "borgen-in-planning-cycle",
        "borgen-continuity",
    }
)
STRATEGIC = frozenset(
    {
        "inzicht-mt-decision",
        "toekomst-shared-ambition",
        "toekomst-few-goals",
        "versnellen-first-chain",
        "versnellen-fitting-approach",
        "versnellen-scale-up-plan",
        "borgen-annual-plan",
        "borgen-review-chains",
        "inzicht-leaders-commit",
        "toekomst-chain-ambition",
        "toekomst-clear-goals",
        "versnellen-chain-choice-clear",
        "borgen-in-planning-cycle",
    }
)
# About the municipality's own organisation: partners often find them not applicable.
INTERNAL = frozenset(
    {
        "inzicht-chains-named",
        "inzicht-silo-costs",
        "inzicht-mt-decision",
        "toekomst-internal-value",
        "versnellen-past-lessons",
        "versnellen-strengths",
        "structuur-chain-owner",
        "structuur-escalation",
        "borgen-annual-plan",
        "borgen-owner-handover",
        "borgen-onboarding",
    }
)
# Statements that are easier or harder to agree with, whatever the chain.
STATEMENT_EFFECTS: Mapping[str, float] = {
    "inzicht-chains-named": 0.4,
    "inzicht-silo-costs": -0.2,
    "inzicht-shared-language": -0.3,
    "toekomst-few-goals": 0.2,
    "toekomst-goals-own-work": -0.3,
    "versnellen-first-chain": 0.3,
    "versnellen-scale-up-plan": -0.3,
    "structuur-chain-owner": 0.4,
    "structuur-meeting-rhythm": 0.3,
    "structuur-data-on-time": -0.4,
    "structuur-mandate": -0.2,
    "doen-improvement-board": 0.2,
    "doen-floor-ideas": -0.3,
    "groeien-skills-training": -0.3,
    "groeien-celebrate-success": -0.3,
    "borgen-onboarding": -0.4,
    "borgen-owner-handover": -0.3,
    "inzicht-chain-route": 0.3,
    "toekomst-clear-goals": 0.2,
    "structuur-owner-visible": 0.3,
    "structuur-handovers": -0.3,
    "doen-best-tactics": -0.2,
    "groeien-skills-support": -0.3,
    "borgen-continuity": -0.3,
}

ROLE_IDS: tuple[str, ...] = tuple(r.id for r in DEFAULT_ROLES)
# Role effect per phase (model order), added to the participant's latent level.
ROLE_PHASE_EFFECT: Mapping[str, tuple[float, ...]] = {
    "mt": (0.35, 0.35, 0.3, 0.15, 0.0, 0.05, 0.1),
    "keteneigenaar": (0.25, 0.25, 0.25, 0.2, 0.1, 0.1, 0.1),
    "ketenteam": (0.0, 0.0, 0.0, 0.1, 0.15, 0.1, 0.0),
    "professional": (-0.25, -0.2, -0.15, -0.1, 0.0, -0.05, -0.15),
    "staf": (0.0, 0.0, 0.0, -0.2, -0.1, 0.0, 0.0),
    "partner": (-0.1, -0.15, -0.1, -0.2, -0.1, -0.2, -0.15),
}
# Chance to be in the "agrees" camp on a statement where the group splits.
ROLE_HIGH_CAMP: Mapping[str, float] = {
    "mt": 0.8,
    "keteneigenaar": 0.8,
    "ketenteam": 0.55,
    "professional": 0.3,
    "staf": 0.5,
    "partner": 0.35,
}

# Item correlation: a person's answers within a phase share their phase level (person +
# person-phase offsets), so items of one phase correlate more (about 0.5 within a chain and
# round) than items of different phases (about 0.25, the person offset only).
ANSWER_NOISE_SD = 0.5
PERSON_SD = 0.35
PERSON_PHASE_SD = 0.4
CAMP_DISTANCE = 1.4
AMBITION_SHARE = 0.8  # share of the participants who give an ambition (when asked)
COMMENT_SHARE = 0.15

# Short comments per phase: (critical, positive). Plain Dutch, one idea each.
COMMENTS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "inzicht": (
        (
            "Op de werkvloer weten veel mensen niet wat 'de keten' is.",
            "Het MT praat over ketens, maar wij merken er nog weinig van.",
            "Iedere afdeling gebruikt andere woorden voor hetzelfde.",
        ),
        (
            "Sinds de sessie over onze opdracht snap ik beter waarom mijn werk ertoe doet.",
            "Het MT kan nu goed uitleggen welke ketens we hebben.",
        ),
    ),
    "toekomst": (
        (
            "De doelen hangen aan de muur, maar wat moet ik er zelf mee?",
            "Er zijn te veel doelen. Kies er een paar.",
            "Wat de klant eraan heeft, staat nergens.",
        ),
        (
            "De ambitie is helder en we hebben hem samen gemaakt.",
            "Ons team heeft de doelen vertaald naar ons eigen werk.",
        ),
    ),
    "versnellen": (
        (
            "We beginnen steeds opnieuw. Wat we vorige keer leerden, raakt kwijt.",
            "Niemand weet waarom juist deze keten eerst ging.",
        ),
        (
            "Goed dat we voortbouwen op het overleg dat er al was.",
            "De proef loopt goed; nu de volgende keten.",
        ),
    ),
    "structuur": (
        (
            "Wie mag er nu eigenlijk beslissen in het ketenteam?",
            "De cijfers zijn vaak pas na het ketengesprek klaar.",
            "Niet elke schakel zit aan tafel.",
        ),
        (
            "Het vaste ritme van het ketengesprek helpt echt.",
            "We weten nu bij wie we terechtkunnen als het vastloopt.",
        ),
    ),
    "doen": (
        (
            "Acties blijven liggen omdat niemand ze oppakt.",
            "Van mijn ideeën hoor ik nooit meer iets.",
        ),
        (
            "Het verbeterbord laat zien wat er gebeurt.",
            "We zoeken nu samen naar oorzaken in plaats van schuldigen.",
        ),
    ),
    "groeien": (
        (
            "We praten alleen over cijfers, nooit over hoe we samenwerken.",
            "Bij de partner ken ik nog steeds niemand persoonlijk.",
            "Successen vieren we eigenlijk nooit.",
        ),
        (
            "We benoemen vaker wat goed gaat. Dat geeft energie.",
            "Ik bel collega's uit de keten nu gewoon direct.",
        ),
    ),
    "borgen": (
        (
            "Als de keteneigenaar vertrekt, valt dit stil.",
            "Nieuwe collega's horen niets over de ketenaanpak.",
            "In drukke weken schiet het ketengesprek er als eerste bij in.",
        ),
        (
            "Het ketengesprek ging ook in de drukke zomer gewoon door.",
            "De ketendoelen staan nu in het jaarplan.",
        ),
    ),
}
# A comment with characters that markdown and HTML treat specially: pages must escape it.
SPECIAL_COMMENT = (
    "Doorlooptijd <8 weken halen we nog niet: >30% wacht op *één* formulier (bijlage_B & C_2)."
)
SPECIAL_COMMENT_PHASE = "structuur"


@dataclass(frozen=True)
class HistoryRound:
    """One closed round to generate: its date and where it lies in time (0..1)."""

    day: date
    t: float
    title: str


@dataclass
class HistoryModel:
    """The seeded answer model for one questionnaire. Same seed, same answers."""

    questionnaire: Questionnaire
    seed: int = DEMO_SEED
    participants: tuple[int, int] = DEMO_PARTICIPANTS
    ambition: bool = False  # also give a 12-month ambition per phase (most participants)
    _arrays: dict[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lo, hi = self.participants
        if not 1 <= lo <= hi:
            raise ValueError("participants must be a range (low, high) with 1 <= low <= high")
        statements = self.questionnaire.statements
        ids = [s.id for s in statements]
        phases = [p.id for p in self.questionnaire.phases]
        rng = np.random.default_rng([self.seed, 0])
        effect = rng.normal(0.0, 0.2, len(ids)) + np.array(
            [STATEMENT_EFFECTS.get(i, 0.0) for i in ids]
        )
        self._arrays = {
            "ids": ids,
            "phases": phases,
            "phase_idx": np.array([phases.index(s.phase_id) for s in statements]),
            "effect": effect,
            "line_of_sight": np.array([i in LINE_OF_SIGHT for i in ids]),
            "mt_level": np.array([i in MT_LEVEL for i in ids]),
            "strategic": np.array([i in STRATEGIC for i in ids]),
            "internal": np.array([i in INTERNAL for i in ids]),
            "borgen": np.array([s.phase_id == "borgen" for s in statements]),
            "role_phase": {
                r: np.array(
                    [
                        ROLE_PHASE_EFFECT[r][PHASE_IDS.index(p)] if p in PHASE_IDS else 0.0
                        for p in phases
                    ]
                )
                for r in ROLE_PHASE_EFFECT
            },
        }

    def roles_for(self, rng: np.random.Generator, n: int, profile: ChainProfile) -> list[tuple]:
        """A plausible mix of (role, partner) for a group of n people, in random order."""
        mt = 1 + int(n >= 10 and rng.random() < 0.4)
        owner = 1 if n >= 2 else 0
        mt = min(mt, n - owner)
        room = n - mt - owner
        staf = min(int(rng.integers(0, 3)), max(0, room - 4))
        room -= staf
        partner = 0
        if profile.partner:
            wanted = round(n * profile.partner_share + rng.normal(0.0, 0.6))
            partner = min(max(1, wanted), max(0, room - 3))
        room -= partner
        team = max(1, round(room * 0.4)) if room >= 2 else room
        people = (
            [("mt", "")] * mt
            + [("keteneigenaar", "")] * owner
            + [("staf", "")] * staf
            + [("ketenteam", "")] * team
            + [("professional", "")] * (room - team)
        )
        # The partner's own link in the chain team, the others as chain partners.
        for k in range(partner):
            role = "ketenteam" if k == 0 and partner >= 3 else "partner"
            people.append((role, profile.partner))
        order = rng.permutation(len(people))
        return [people[i] for i in order]

    def group(
        self,
        profile: ChainProfile,
        t: float,
        day: date,
        rng: np.random.Generator,
        *,
        extra_comment: tuple[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Finished participants of one chain in one round (items without chain_id).

        Each item: role, partner, answers {statement_id: "1".."5"/"dk"/"na"}, comments
        {phase_id: text}, finished_at (ISO text on `day`).
        """
        a = self._arrays
        lo, hi = self.participants
        n = int(rng.integers(lo, hi + 1))
        people = self.roles_for(rng, n, profile)
        roles = [r for r, _ in people]
        from_partner = np.array([bool(p) for _, p in people])
        base = np.array([profile.level(p, t) for p in a["phases"]])
        n_phases, n_statements = len(base), len(a["ids"])

        latent = (
            base[None, :]
            + rng.normal(0.0, PERSON_SD, (n, 1))
            + np.stack([a["role_phase"][r] for r in roles])
            + rng.normal(0.0, PERSON_PHASE_SD, (n, n_phases))
        )
        # Role masks as columns (n, 1), statement masks as rows (1, n_statements).
        is_role = {r: np.array([o == r for o in roles])[:, None] for r in ROLE_PHASE_EFFECT}
        partner_col = from_partner[:, None]
        row = {k: a[k][None, :] for k in ("line_of_sight", "mt_level", "strategic", "internal")}
        x = (
            latent[:, a["phase_idx"]]
            + a["effect"][None, :]
            - 0.5 * (is_role["professional"] & row["line_of_sight"])
            + rng.normal(0.0, ANSWER_NOISE_SD, (n, n_statements))
        )
        # Real disagreement: the group splits in a camp that agrees and one that does not.
        p_high = np.array([ROLE_HIGH_CAMP.get(r, 0.5) for r in roles])
        for sid in profile.disagreement:
            if sid in a["ids"]:
                j = a["ids"].index(sid)
                camp = np.where(rng.random(n) < p_high, CAMP_DISTANCE, -CAMP_DISTANCE)
                x[:, j] = latent[:, a["phase_idx"][j]] + camp + rng.normal(0.0, 0.4, n)
        values = np.clip(np.rint(x), 1, 5).astype(int)

        # Don't know (fewer as the approach gets known) and not applicable (mostly partners).
        p_dk = (
            0.02
            + 0.04 * a["borgen"][None, :]
            + 0.25 * (is_role["staf"] & row["strategic"])
            + 0.18 * (is_role["professional"] & row["mt_level"])
            + 0.05 * (is_role["ketenteam"] & row["mt_level"])
            + 0.08 * (partner_col & row["mt_level"])
        ) * (1.0 - 0.3 * t)
        q = self.questionnaire
        if q.routed:
            # Routed questionnaire: a partner sees only what a partner can judge, so n.v.t.
            # is as rare for partners as for anyone.
            p_na = np.full((n, n_statements), 0.003)
        else:
            p_na = np.where(partner_col, 0.02 + 0.2 * row["internal"], 0.003)
        u = rng.random((n, n_statements))
        codes = values.astype(str).astype(object)
        codes[u < p_na + p_dk] = "dk"
        codes[u < p_na] = "na"
        shown = np.array(
            [[s.shown_to(role_kind(r, p)) for s in q.statements] for r, p in people], dtype=bool
        ).reshape(n, n_statements)

        aims: list[dict[str, str]] = [{} for _ in range(n)]
        if self.ambition:
            # Ambition: about a point above where the person sees the chain now; a few skip.
            aim_rng = np.random.default_rng([self.seed, 99, int(t * 1000), n])
            target = np.clip(np.rint(latent + 0.9 + aim_rng.normal(0.0, 0.4, latent.shape)), 1, 5)
            gives = aim_rng.random(n) < AMBITION_SHARE
            aims = [
                {ambition_id(p): str(int(v)) for p, v in zip(a["phases"], target[i], strict=True)}
                if gives[i]
                else {}
                for i in range(n)
            ]
        minutes = np.sort(rng.integers(15, 150, n))[rng.permutation(n)]
        start = datetime.combine(day, time(9, 0), tzinfo=UTC)
        comment_draws = rng.random((n, 4))
        items = []
        used: set[str] = set()
        for i, (role, partner) in enumerate(people):
            comments = self._comments(latent[i], comment_draws[i], used)
            if extra_comment is not None and i == 0:
                comments[extra_comment[0]] = extra_comment[1]
            items.append(
                {
                    "role": role,
                    "partner": partner,
                    "answers": {
                        sid: code
                        for sid, code, seen in zip(a["ids"], codes[i], shown[i], strict=True)
                        if seen
                    }
                    | aims[i],
                    "comments": comments,
                    "finished_at": (start + timedelta(minutes=int(minutes[i]))).isoformat(
                        timespec="microseconds"
                    ),
                }
            )
        return items

    def _comments(self, latent: np.ndarray, draws: np.ndarray, used: set[str]) -> dict:
        """0, 1 or 2 comments, on the phase where this person's view is most marked."""
        if draws[0] >= COMMENT_SHARE:
            return {}
        phases = self._arrays["phases"]
        order = np.argsort(np.abs(latent - 3.0))[::-1]
        picked = [int(order[0])] + ([int(order[1])] if draws[1] < 0.25 else [])
        out = {}
        for k in picked:
            critical, positive = COMMENTS.get(phases[k], ((), ()))
            pool = [c for c in (critical if latent[k] < 3.0 else positive) if c not in used]
            if pool:
                text = pool[int(draws[2 + len(out)] * len(pool))]
                used.add(text)
                out[phases[k]] = text
        return out

    def rounds(
        self, profiles: Sequence[ChainProfile], history: Sequence[HistoryRound]
    ) -> list[list[list[dict[str, Any]]]]:
        """Generate every round: [round][chain] -> participant items (without chain_id).

        Each chain and round has its own random stream (seed, round, chain), so a chain's data
        do not depend on how many other chains there are. The last round's first chain carries
        SPECIAL_COMMENT.
        """
        out = []
        for r, rnd in enumerate(history):
            per_chain = []
            for c, profile in enumerate(profiles):
                rng = np.random.default_rng([self.seed, 1 + r, c])
                special = (
                    (SPECIAL_COMMENT_PHASE, SPECIAL_COMMENT)
                    if r == len(history) - 1 and c == 0
                    else None
                )
                per_chain.append(self.group(profile, rnd.t, rnd.day, rng, extra_comment=special))
            out.append(per_chain)
        return out


# -- dates and writing -------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _weekday(day: date) -> date:
    """Move a Saturday or Sunday to the next Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def history_rounds(
    today: date, months: Sequence[int] = DEMO_ROUND_MONTHS, title: str = "Ronde {n}"
) -> list[HistoryRound]:
    """Closed rounds `months` months before today (oldest first), on weekdays before today.

    t runs from 0 (first round) to 1 (last round) in proportion to the months between them;
    it does not depend on `today`, so the generated answers are the same on every day and
    only the dates move. `title` may use {n} (round number), {month} and {year}.
    """
    months = sorted(set(months), reverse=True)
    if not months:
        return []
    span = (months[0] - months[-1]) or 1
    rounds = []
    for i, m in enumerate(months):
        day = _weekday(months_before(today, m))
        day = min(day, today - timedelta(days=1))
        rounds.append(
            HistoryRound(
                day=day,
                t=(months[0] - m) / span,
                title=title.format(n=i + 1, month=MONTHS_NL[day.month - 1], year=day.year),
            )
        )
    return rounds


def write_history(
    store: Store,
    model: HistoryModel | Sequence[HistoryModel],
    organisation_id: int,
    chains: Sequence[tuple[int, ChainProfile]],
    history: Sequence[HistoryRound],
    *,
    partners: Sequence[str] = DEMO_PARTNERS,
    min_group_size: int = DEMO_MIN_GROUP_SIZE,
) -> tuple[list[Workshop], int]:
    """Create one closed workshop per round with generated participants; return them and the
    number of answers written. The store picks each workshop's join code.

    `model`: one model for every round, or one per round (e.g. older rounds on an older
    questionnaire version). Each round and chain keeps its own random stream either way.
    """
    chain_ids = [cid for cid, _ in chains]
    models = [model] * len(history) if isinstance(model, HistoryModel) else list(model)
    if len(models) != len(history):
        raise ValueError("give one model, or one model per round")
    per_model: dict[int, list] = {}
    generated = []
    for r, m in enumerate(models):
        if id(m) not in per_model:
            per_model[id(m)] = m.rounds([p for _, p in chains], history)
        generated.append(per_model[id(m)][r])
    workshops, answers = [], 0
    for rnd, per_chain, round_model in zip(history, generated, models, strict=True):
        workshop = store.create_workshop(
            organisation_id,
            title=rnd.title,
            workshop_date=rnd.day,
            chain_ids=chain_ids,
            questionnaire=round_model.questionnaire,
            roles=DEFAULT_ROLES,
            partners=partners,
            min_group_size=min_group_size,
            status=WORKSHOP_CLOSED,
        )
        items = [
            {**item, "chain_id": cid}
            for cid, group in zip(chain_ids, per_chain, strict=True)
            for item in group
        ]
        answers += store.load_finished_participants(workshop, items)
        workshops.append(workshop)
    return workshops, answers


def demo_models(questionnaire: Questionnaire, rounds: int) -> list[HistoryModel]:
    """One answer model per history round: the older rounds on version 1 of the
    questionnaire (when it is newer and version 1 exists), the latest round on `questionnaire`,
    so the version-safe trend shows in the demo."""
    latest = HistoryModel(questionnaire, ambition=True)
    try:
        first = questionnaire_for(questionnaire.id, 1) if questionnaire.version > 1 else None
    except KeyError:
        first = None
    if first is None:
        return [latest] * rounds
    older = HistoryModel(first)
    return [older] * (rounds - 1) + [latest]


def create_demo(
    store: Store,
    questionnaire: Questionnaire,
    *,
    reset: bool = False,
    today: date | None = None,
    history: bool = True,
    simulated: int = 0,
) -> DemoResult:
    """Create the demo organisation with its history and open workshop DEMO.

    With reset, an existing demo is deleted and rebuilt. With history=False only the chains
    and the open workshop are made. The history depends only on `today` (default: today).
    The open workshop gets `simulated` finished simulated participants per chain (with the
    history only; the hosted demo uses DEMO_SIMULATED), so a visitor alone sees a group.
    """
    today = today or date.today()
    existing = store.organisation_id(DEMO_ORGANISATION)
    if existing is not None and not reset:
        raise DemoExists(DEMO_ORGANISATION)
    taken = store.workshop_by_code(DEMO_CODE)
    if taken is not None and taken.organisation_id != existing:
        # Another organisation's workshop has the code: stop before changing anything.
        raise DemoExists(f"the code {DEMO_CODE} is used by workshop '{taken.title}'")
    if existing is not None:
        store.delete_organisation(existing)
    org_id = store.create_organisation(DEMO_ORGANISATION, is_demo=True)
    try:
        store.set_organisation_partners(org_id, DEMO_PARTNERS)
        chain_ids = [store.add_chain(org_id, name) for name in DEMO_CHAINS]
        rounds, answers = [], 0
        if history:
            profiles = {p.name: p for p in DEMO_PROFILES}
            rounds, answers = write_history(
                store,
                demo_models(questionnaire, len(DEMO_ROUND_MONTHS)),
                org_id,
                [(cid, profiles[name]) for cid, name in zip(chain_ids, DEMO_CHAINS, strict=True)],
                history_rounds(today, title="Ronde {n}: {month} {year}"),
            )
            write_demo_actions(store, rounds, dict(zip(DEMO_CHAINS, chain_ids, strict=True)))
        if history:
            create_demo_peers(store, questionnaire, today)
        workshop = store.create_workshop(
            org_id,
            title=f"Ketenscan {MONTHS_NL[today.month - 1]} {today.year} (demo)",
            workshop_date=today,
            chain_ids=chain_ids,
            questionnaire=questionnaire,
            roles=DEFAULT_ROLES,
            partners=DEMO_PARTNERS,
            min_group_size=DEMO_MIN_GROUP_SIZE,
            code=DEMO_CODE,
        )
        if history and simulated:
            simulate_participants(store, questionnaire, workshop, simulated)
        from ipm_model.storage.sandbox import mark_generated

        mark_generated(store, org_id)  # sandboxes copy only generated people
    except BaseException:
        store.delete_organisation(org_id)  # no half-built demo
        raise
    return DemoResult(org_id, workshop, tuple(rounds), answers)


# -- other organisations, for the peer benchmark --------------------------------------------------

# Fictional organisations of a consultancy's installation: enough (more than the benchmark's
# minimum of 5 others) for the demo's radar to show peer bands. Each has three chains with a
# maturity a little above or below the demo's and one closed round three months ago.
DEMO_PEERS: tuple[tuple[str, float], ...] = (
    ("Gemeente Noorderveld (demo)", -0.4),
    ("Gemeente Wilgendaal (demo)", 0.3),
    ("Waterschap De Vliet (demo)", -0.1),
    ("Zorggroep Oostland (demo)", 0.5),
    ("Gemeente Bergzicht (demo)", -0.6),
    ("Omgevingsdienst Randmeer (demo)", 0.1),
    ("Gemeente Havenstad (demo)", 0.2),
)
DEMO_PEER_MONTHS: tuple[int, ...] = (3,)


def create_demo_peers(store: Store, questionnaire: Questionnaire, today: date) -> list[int]:
    """(Re)create the fictional peer organisations; return their ids. Same `today`, same data."""
    made = []
    for number, (name, shift) in enumerate(DEMO_PEERS):
        existing = store.organisation_id(name)
        if existing is not None:
            store.delete_organisation(existing)
        org_id = store.create_organisation(name, is_demo=True)
        profiles = [
            p.shifted(f"{p.name} ({number})", dict.fromkeys(PHASE_IDS, shift + 0.1 * k))
            for k, p in enumerate(DEMO_PROFILES[:3])
        ]
        chains = [(store.add_chain(org_id, p.name.split(" (")[0]), p) for p in profiles]
        write_history(
            store,
            HistoryModel(questionnaire, seed=DEMO_SEED + 101 * (number + 1)),
            org_id,
            chains,
            history_rounds(today, DEMO_PEER_MONTHS, title="Ketenscan {month} {year}"),
            partners=(),
        )
        made.append(org_id)
    return made


# -- simulated participants in the open workshop -------------------------------------------------

# Enough finished people per chain that one visitor who finishes sees a group radar (the
# minimum group size is 3) and the projector can reveal at once.
DEMO_SIMULATED = 5


def simulate_participants(
    store: Store, questionnaire: Questionnaire, workshop: Workshop, per_chain: int
) -> int:
    """Finished simulated participants per chain of the open demo workshop; return answers.

    Drawn from the history model at its latest state with a fresh random seed on every
    build: knowing the source code does not tell anyone their answers, so the disclosure
    rule can count them like people and a real visitor who answers is hidden among them.
    They finished a few minutes before the workshop was made, so they come first in
    every group figure. Screens that show them say so (`storage.sandbox.simulated_counts`).
    """
    import secrets

    profiles = {p.name: p for p in DEMO_PROFILES}
    model = HistoryModel(questionnaire, seed=secrets.randbits(63))
    start = datetime.now(UTC) - timedelta(minutes=per_chain * len(workshop.chains) + 5)
    items = []
    for c, chain in enumerate(workshop.chains):
        profile = profiles.get(chain.name, DEMO_PROFILES[c % len(DEMO_PROFILES)])
        rng = np.random.default_rng([model.seed, 99, c])
        group = model.group(profile, 1.0, date.fromisoformat(workshop.date), rng)
        while len(group) < per_chain:  # the model makes 6 to 15; never fewer than asked
            group += model.group(profile, 1.0, date.fromisoformat(workshop.date), rng)
        for i, item in enumerate(group[:per_chain]):
            finished = start + timedelta(minutes=c * per_chain + i)
            items.append(
                {
                    **item,
                    "chain_id": chain.id,
                    "finished_at": finished.isoformat(timespec="microseconds"),
                }
            )
    return store.load_finished_participants(workshop, items)
