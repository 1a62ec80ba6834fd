"""Every state, outcome and kind stored as text has a label in both languages (else chat shows a raw key)."""

import pytest

from bot.app import load_catalogue
from storage.cases.tables import (
    CaseEventKind,
    CaseStatus,
    HandoverStatus,
    RegieKind,
    SignalCategory,
    TriageOutcome,
    Urgency,
)

KEYS = [
    *(f"signal.category.{c}" for c in SignalCategory),
    *(f"signal.urgency.{u}" for u in Urgency),
    *(f"triage.outcome.{o}" for o in TriageOutcome),
    *(f"case.status.{s}" for s in CaseStatus),
    *(f"regie.kind.{k}" for k in RegieKind),
    *(f"regie.handover.{h}" for h in HandoverStatus),
    *(f"case.event.{e}" for e in CaseEventKind),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_enum_value_has_a_label(language):
    catalogue = load_catalogue()
    assert [k for k in KEYS if not catalogue.has(k, language)] == []
