"""The demo organisation: a fictional municipality with four chains and an open workshop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ipm_model.questionnaire import Questionnaire
from ipm_model.store import DEFAULT_ROLES, Store, Workshop

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


class DemoExists(RuntimeError):
    """The demo organisation is already there (use reset to rebuild it)."""


@dataclass(frozen=True)
class DemoResult:
    organisation_id: int
    workshop: Workshop


def create_demo(
    store: Store, questionnaire: Questionnaire, *, reset: bool = False, today: date | None = None
) -> DemoResult:
    """Create the demo organisation with its open workshop DEMO; with reset, rebuild it."""
    existing = store.organisation_id(DEMO_ORGANISATION)
    if existing is not None:
        if not reset:
            raise DemoExists(DEMO_ORGANISATION)
        store.delete_organisation(existing)
    taken = store.workshop_by_code(DEMO_CODE)
    if taken is not None:
        # Another organisation's workshop has the code: stop before writing anything.
        raise DemoExists(f"the code {DEMO_CODE} is used by workshop '{taken.title}'")
    org_id = store.create_organisation(DEMO_ORGANISATION, is_demo=True)
    chain_ids = [store.add_chain(org_id, name) for name in DEMO_CHAINS]
    workshop = store.create_workshop(
        org_id,
        title="Ketenscan najaar (demo)",
        workshop_date=today or date.today(),
        chain_ids=chain_ids,
        questionnaire=questionnaire,
        roles=DEFAULT_ROLES,
        partners=DEMO_PARTNERS,
        min_group_size=3,
        code=DEMO_CODE,
    )
    return DemoResult(org_id, workshop)
