"""Meetings, their per-occurrence changes, invitees (RSVP), agenda and attendance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import col, select

from storage.cases.tables import Case, Signal, SignalStatus
from storage.meetings.tables import (
    AgendaItem,
    Attendance,
    Invitee,
    Meeting,
    MeetingChange,
    MeetingKind,
    MeetingStatus,
    OccurrenceAnswer,
    Rsvp,
)
from storage.models import Member
from storage.repositories import Repository


class MeetingRepository(Repository):
    def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        self.session.flush()
        return meeting

    def get(self, meeting_id: int) -> Meeting | None:
        return self.session.get(Meeting, meeting_id)

    def save(self, meeting: Meeting) -> None:
        self.session.add(meeting)
        self.session.flush()

    def triage_series(self) -> Sequence[Meeting]:
        """Every planned triage-overleg (a series or a one-off), oldest first: when the network triages."""
        statement = select(Meeting).where(
            Meeting.kind == MeetingKind.TRIAGE, Meeting.status == MeetingStatus.PLANNED
        )
        return self.session.exec(statement.order_by(col(Meeting.start_at), col(Meeting.id))).all()

    def upcoming_for(self, member_id: int, since: datetime, *, limit: int = 20) -> Sequence[Meeting]:
        """Planned meetings the member chairs or is invited to that may still have an occurrence after
        ``since`` (a day of slack for time zones and running meetings; callers expand the occurrences)."""
        invited = select(Invitee.meeting_id).where(Invitee.member_id == member_id)
        statement = (
            select(Meeting)
            .where(
                Meeting.status == MeetingStatus.PLANNED,
                (col(Meeting.chair_id) == member_id) | col(Meeting.id).in_(invited),
                (col(Meeting.start_at) >= since - timedelta(days=1))
                | (col(Meeting.until) >= (since - timedelta(days=1)).date()),
            )
            .order_by(col(Meeting.start_at))
            .limit(limit)
        )
        return self.session.exec(statement).all()

    # -- per-occurrence changes -----------------------------------------------------------------------

    def changes(self, meeting_id: int) -> Sequence[MeetingChange]:
        statement = select(MeetingChange).where(MeetingChange.meeting_id == meeting_id)
        return self.session.exec(statement.order_by(col(MeetingChange.original_start_at))).all()

    def set_change(
        self,
        meeting_id: int,
        original_start_at: datetime,
        at: datetime,
        *,
        new_start_at: datetime | None = None,
        cancelled: bool = False,
        reason: str | None = None,
    ) -> MeetingChange:
        statement = select(MeetingChange).where(
            MeetingChange.meeting_id == meeting_id, MeetingChange.original_start_at == original_start_at
        )
        change = self.session.exec(statement).first() or MeetingChange(
            meeting_id=meeting_id, original_start_at=original_start_at, changed_at=at
        )
        change.new_start_at = new_start_at
        change.cancelled = cancelled
        change.reason = reason
        change.changed_at = at
        self.session.add(change)
        self.session.flush()
        return change

    def clear_changes(self, meeting_id: int) -> None:
        """A whole series moved: per-occurrence changes and answers keyed by the old starts are void."""
        for change in self.changes(meeting_id):
            self.session.delete(change)
        for answer in self.occurrence_answers(meeting_id):
            self.session.delete(answer)
        self.session.flush()

    # -- invitees -------------------------------------------------------------------------------------

    def invite(self, meeting_id: int, member_ids: Iterable[int]) -> list[Invitee]:
        existing = {i.member_id for i in self.invitees(meeting_id)}
        added = []
        for member_id in dict.fromkeys(member_ids):
            if member_id in existing:
                continue
            invitee = Invitee(meeting_id=meeting_id, member_id=member_id)
            self.session.add(invitee)
            added.append(invitee)
        self.session.flush()
        return added

    def invitees(self, meeting_id: int) -> Sequence[Invitee]:
        statement = select(Invitee).where(Invitee.meeting_id == meeting_id).order_by(col(Invitee.id))
        return self.session.exec(statement).all()

    def invitee(self, meeting_id: int, member_id: int) -> Invitee | None:
        statement = select(Invitee).where(Invitee.meeting_id == meeting_id, Invitee.member_id == member_id)
        return self.session.exec(statement).first()

    def answer(self, invitee: Invitee, rsvp: Rsvp, at: datetime, substitute_id: int | None = None) -> bool:
        """Record an answer; False when it is the answer already on record (a double tap)."""
        if invitee.rsvp == rsvp and invitee.substitute_id == substitute_id:
            return False
        result = self.session.execute(
            update(Invitee)
            .where(col(Invitee.id) == invitee.id, col(Invitee.revision) == invitee.revision)
            .values(rsvp=rsvp, substitute_id=substitute_id, answered_at=at, revision=invitee.revision + 1)
        )
        if int(result.rowcount) != 1:  # type: ignore[attr-defined]
            return False
        self.session.refresh(invitee)
        return True

    # -- answers per occurrence -----------------------------------------------------------------------

    def occurrence_answers(self, meeting_id: int) -> Sequence[OccurrenceAnswer]:
        statement = select(OccurrenceAnswer).where(OccurrenceAnswer.meeting_id == meeting_id)
        return self.session.exec(statement.order_by(col(OccurrenceAnswer.original_start_at))).all()

    def answer_occurrence(
        self,
        invitee: Invitee,
        original_start_at: datetime,
        rsvp: Rsvp,
        at: datetime,
        substitute_id: int | None = None,
    ) -> bool:
        """Record an answer for one occurrence; False when it is the answer already on record (a double
        tap). Raises the invitee's revision too (compare-and-set), so two taps at once record one answer
        and the rebuilt reminders get new keys."""
        statement = select(OccurrenceAnswer).where(
            OccurrenceAnswer.meeting_id == invitee.meeting_id,
            OccurrenceAnswer.member_id == invitee.member_id,
            OccurrenceAnswer.original_start_at == original_start_at,
        )
        row = self.session.exec(statement).first()
        current = (row.rsvp, row.substitute_id) if row else (invitee.rsvp, invitee.substitute_id)
        if current == (rsvp, substitute_id):
            return False
        result = self.session.execute(
            update(Invitee)
            .where(col(Invitee.id) == invitee.id, col(Invitee.revision) == invitee.revision)
            .values(revision=invitee.revision + 1)
        )
        if int(result.rowcount) != 1:  # type: ignore[attr-defined]
            return False
        self.session.refresh(invitee)
        row = row or OccurrenceAnswer(
            meeting_id=invitee.meeting_id,
            member_id=invitee.member_id,
            original_start_at=original_start_at,
            rsvp=rsvp,
            answered_at=at,
        )
        row.rsvp = rsvp
        row.substitute_id = substitute_id
        row.answered_at = at
        self.session.add(row)
        self.session.flush()
        return True

    def members(self, member_ids: Iterable[int]) -> dict[int, Member]:
        ids = list(set(member_ids))
        if not ids:
            return {}
        rows = self.session.exec(select(Member).where(col(Member.id).in_(ids))).all()
        return {m.id: m for m in rows if m.id is not None}

    # -- agenda ---------------------------------------------------------------------------------------

    def add_agenda(self, meeting_id: int, case_ids: Iterable[int]) -> None:
        for case_id in dict.fromkeys(case_ids):
            self.session.add(AgendaItem(meeting_id=meeting_id, case_id=case_id))
        self.session.flush()

    def agenda(self, meeting_id: int) -> Sequence[Case]:
        statement = (
            select(Case)
            .join(AgendaItem, col(AgendaItem.case_id) == col(Case.id))
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(Case.code))
        )
        return self.session.exec(statement).all()

    def triage_agenda(self, cutoff: datetime, *, limit: int = 50) -> Sequence[Signal]:
        """The signals a triage-overleg discusses: in before the cut-off and still new, or decided since."""
        statement = (
            select(Signal)
            .where(
                col(Signal.created_at) < cutoff,
                (col(Signal.status) == SignalStatus.NEW) | (col(Signal.decided_at) >= cutoff),
            )
            .order_by(col(Signal.created_at), col(Signal.id))
            .limit(limit)
        )
        return self.session.exec(statement).all()

    # -- attendance -----------------------------------------------------------------------------------

    def record_attendance(
        self, meeting_id: int, occurrence: datetime, present: dict[int, bool], by: int, at: datetime
    ) -> None:
        statement = select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.occurrence_start_at == occurrence
        )
        rows = {row.member_id: row for row in self.session.exec(statement).all()}
        for member_id, here in present.items():
            row = rows.get(member_id) or Attendance(
                meeting_id=meeting_id,
                occurrence_start_at=occurrence,
                member_id=member_id,
                present=here,
                recorded_by=by,
                recorded_at=at,
            )
            row.present = here
            row.recorded_by = by
            row.recorded_at = at
            self.session.add(row)
        self.session.flush()

    def attendance_figures(self, since: datetime, until: datetime) -> tuple[int, int]:
        """(present, recorded) over occurrences in [since, until): the stuurgroep report's figure."""
        statement = select(
            func.count(), func.coalesce(func.sum(func.cast(col(Attendance.present), _int_type())), 0)
        ).where(col(Attendance.occurrence_start_at) >= since, col(Attendance.occurrence_start_at) < until)
        total, present = self.session.exec(statement).one()
        return int(present), int(total)


def _int_type() -> type:
    from sqlalchemy import Integer

    return Integer
