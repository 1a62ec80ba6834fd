"""Closing and reopening a case (``/casus CODE sluiten|heropenen REDEN``): what happens to its reminders.

Closing cancels, in the same transaction, every reminder of the case still pending in the outbox: the release
ladder and the unexpected-release re-alert of its detentions, the trajectberaad prompt, nazorg notices, the
huisverbod ladder, the reminders of a bestuur escalation, action deadlines, and open regie handovers (which
are cancelled themselves). Messages already sent stay as they were. Reopening brings none of them back: a
date given again (``/detentie CODE datum``, ``/huisverbod CODE datum``) rebuilds that ladder from then on.
"""

from __future__ import annotations

from datetime import datetime

from handlers.network.opschalen import KIND as BESTUUR_KIND
from handlers.release.unexpected import UNEXPECTED_KIND
from handlers.reminders import DEADLINE_KIND, HUISVERBOD_KIND, RELEASE_KIND
from schedules.rules import key_prefix
from storage.cases.tables import HandoverStatus, RegieKind
from storage.uow import UnitOfWork

# key kinds written as literals where they are queued (handlers/release/unexpected.py, nazorg.py, regie.py)
TRAJECTBERAAD_KIND = "trajectberaad"
NAZORG_KIND = "nazorg"
HANDOVER_KIND = "handover"


def reminder_prefixes(uow: UnitOfWork, case_id: int) -> list[str]:
    """The outbox key prefixes of everything scheduled about this case."""
    prefixes: list[str] = []
    for detention in uow.detentions.of_case(case_id):
        assert detention.id is not None
        prefixes += [key_prefix(RELEASE_KIND, detention.id), key_prefix(TRAJECTBERAAD_KIND, detention.id)]
        prefixes += [key_prefix(UNEXPECTED_KIND, r.id or 0) for r in uow.nazorg.releases_of(detention.id)]
        prefixes += [key_prefix(NAZORG_KIND, item.id or 0) for item in uow.nazorg.checklist(detention.id)]
    prefixes += [key_prefix(HUISVERBOD_KIND, h.id or 0) for h in uow.huisverboden.of_case(case_id)]
    prefixes += [key_prefix(BESTUUR_KIND, e.id or 0) for e in uow.escalations.for_case(case_id)]
    prefixes += [
        key_prefix(DEADLINE_KIND, a.id or 0) for a in uow.actions.of_case(case_id) if a.done_at is None
    ]
    return prefixes


def cancel_case_reminders(uow: UnitOfWork, case_id: int, now: datetime) -> int:
    """Cancel what is still pending for a case that closes; returns how many messages were cancelled."""
    cancelled = sum(uow.outbox.cancel_prefix(prefix) for prefix in reminder_prefixes(uow, case_id))
    for kind in RegieKind:
        for handover in uow.regie.pending_handovers(case_id, kind):
            uow.regie.answer(handover, HandoverStatus.CANCELLED, now)
            cancelled += uow.outbox.cancel_prefix(key_prefix(HANDOVER_KIND, handover.id or 0))
    return cancelled
