"""What the export shows of a person's cases beyond their plan and timeline (``ketenbot privacy export``):
detentions with nazorg, unexpected releases, huisverboden, scenario, escalations, code rood, meetings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.cases.tables import Signal
from storage.meetings.tables import AgendaItem, Meeting
from storage.network.escalation import CodeRood, Escalation
from storage.release.detention import Detention, Huisverbod
from storage.release.nazorg import CaseScenario, NazorgItem, UnexpectedRelease


def _plain(row: object, names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def case_records(session: Session, case_id: int) -> dict[str, Any]:
    """The records of a case beyond its plan and timeline: detention and nazorg, huisverbod, scenario,
    escalations, code rood, meetings it was on the agenda of."""
    detentions = session.exec(select(Detention).where(Detention.case_id == case_id)).all()
    detention_ids = [d.id for d in detentions if d.id is not None]
    signal_ids = [s.id for s in session.exec(select(Signal).where(Signal.case_id == case_id)).all()]
    agenda = session.exec(select(AgendaItem).where(AgendaItem.case_id == case_id)).all()
    meetings = [m for m in (session.get(Meeting, a.meeting_id) for a in agenda) if m is not None]
    return {
        "detentions": [
            {
                **_plain(d, ("facility", "kind", "started_on", "release_on", "released", "created_at")),
                "nazorg": [
                    _plain(i, ("item", "status"))
                    for i in session.exec(select(NazorgItem).where(NazorgItem.detention_id == d.id)).all()
                ],
            }
            for d in detentions
        ],
        "unexpected_releases": [
            _plain(u, ("recorded_at", "picked_up_at"))
            for u in session.exec(
                select(UnexpectedRelease).where(col(UnexpectedRelease.detention_id).in_(detention_ids))
            ).all()
        ],
        "huisverboden": [
            _plain(h, ("started_on", "extended", "created_at", "decided_at"))
            for h in session.exec(select(Huisverbod).where(Huisverbod.case_id == case_id)).all()
        ],
        "scenario": [
            _plain(s, ("text", "updated_at"))
            for s in session.exec(select(CaseScenario).where(CaseScenario.case_id == case_id)).all()
        ],
        "escalations": [
            _plain(e, ("reason", "created_at", "acknowledged_at"))
            for e in session.exec(select(Escalation).where(Escalation.case_id == case_id)).all()
        ],
        "code_rood": [
            _plain(c, ("signal_id", "planned_at"))
            for c in session.exec(select(CodeRood).where(col(CodeRood.signal_id).in_(signal_ids))).all()
        ],
        "meetings": [_plain(m, ("kind", "start_at", "place", "status", "cancel_reason")) for m in meetings],
    }
