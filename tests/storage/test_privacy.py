"""Retention, export and erasure on the demo data (SQLite and Postgres)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from handlers.reports.model import Quarter, build_report
from storage.cases.tables import Case, Signal, Subject
from storage.models import AuditEvent
from storage.privacy.retention import (
    REMOVED,
    RetentionPolicy,
    SubjectHasActiveCase,
    UnknownSubject,
    erase_subject,
    export_subject,
    purge,
)
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")


def subject_ids(chat: Chat, name: str) -> list[int]:
    with chat.app.uow() as uow:
        rows = uow.session.exec(select(Subject)).all()  # names are encrypted: compared after reading
        return sorted(s.id for s in rows if s.id is not None and s.name == name)


def test_purge_anonymises_closed_cases_past_their_term_and_keeps_the_figures(chat: Chat):
    now = chat.clock.now()
    quarters = [Quarter(2026, n) for n in (1, 2, 3, 4)]
    with chat.app.uow() as uow:
        before = [build_report(uow.session, q, TZ) for q in quarters]
        assert purge(uow.session, RetentionPolicy(), now).cases_anonymised == []  # 24 months: not yet
        dry = purge(uow.session, RetentionPolicy(closed_case_months=2), now, dry_run=True)
        assert dry.cases_anonymised == ["VH-2026-0005"]
        assert uow.session.exec(select(Case).where(Case.code == "VH-2026-0005")).one().anonymised_at is None
        longer = RetentionPolicy(closed_case_months=2, closed_case_months_by_track={"radicalisering": 60})
        assert purge(uow.session, longer, now).cases_anonymised == []
        done = purge(uow.session, RetentionPolicy(closed_case_months=2), now)
        uow.commit()
    assert done.cases_anonymised == ["VH-2026-0005"]
    with chat.app.uow() as uow:
        case = uow.session.exec(select(Case).where(Case.code == "VH-2026-0005")).one()
        subjects = uow.session.exec(select(Subject).where(Subject.case_id == case.id)).all()
        signal = uow.session.exec(select(Signal).where(Signal.case_id == case.id)).one()
        after = [build_report(uow.session, q, TZ) for q in quarters]
    assert case.anonymised_at == now and case.initials == "-"
    assert [(s.name, s.birth_date, s.name_key) for s in subjects] == [(REMOVED, None, "")]
    assert signal.description == REMOVED and signal.outcome == "radicalisering"
    assert before == after  # anonymised cases keep their figures


def test_purge_deletes_audit_rows_older_than_the_term(chat: Chat):
    now = chat.clock.now()
    with chat.app.uow() as uow:
        for age in (365 * 6, 365 * 4):
            uow.audit.add(
                at=now - timedelta(days=age),
                member_id=None,
                platform="cli",
                chat_kind="-",
                kind="admin",
                name="old",
                case_id=None,
                outcome="ok",
                detail=None,
                correlation_id=None,
            )
        uow.commit()
    with chat.app.uow() as uow:
        assert purge(uow.session, RetentionPolicy(audit_years=5), now).audit_rows_deleted == 1
        uow.commit()
    with chat.app.uow() as uow:
        left = uow.session.exec(select(AuditEvent).where(AuditEvent.name == "old")).all()
    assert [row.at for row in left] == [now - timedelta(days=365 * 4)]


def test_export_gathers_every_record_of_one_person(chat: Chat):
    chat.say("/casus VH-2026-0001", user="wijkagent")
    first = subject_ids(chat, "Jan de Vries")[0]
    with chat.app.uow() as uow:
        data = export_subject(uow.session, first)
    assert [s["name"] for s in data["subjects"]] == ["Jan de Vries", "Jan de Vries"]  # case + later signal
    assert {s["birth_date"] for s in data["subjects"]} == {"1985-03-12"}
    assert len(data["signals"]) == 2 and [c["code"] for c in data["cases"]] == ["VH-2026-0001"]
    assert any(e["name"] == "casus" for e in data["cases"][0]["access_log"])
    with chat.app.uow() as uow, pytest.raises(UnknownSubject):
        export_subject(uow.session, 99999)


def test_erase_is_refused_while_a_case_is_active_unless_forced(chat: Chat):
    jan = subject_ids(chat, "Jan de Vries")[0]
    now = chat.clock.now()
    with chat.app.uow() as uow:
        with pytest.raises(SubjectHasActiveCase) as refused:
            erase_subject(uow.session, jan, now)
        assert refused.value.codes == ["VH-2026-0001"]
        erased = erase_subject(uow.session, jan, now, force=True)
        uow.commit()
    assert len(erased) == 2
    assert subject_ids(chat, "Jan de Vries") == []
    ahmed = subject_ids(chat, "Ahmed el Amrani")[0]  # closed case: no force needed
    with chat.app.uow() as uow:
        erase_subject(uow.session, ahmed, now)
        uow.commit()
        with pytest.raises(UnknownSubject):
            erase_subject(uow.session, ahmed, now)  # nothing left that identifies anyone
