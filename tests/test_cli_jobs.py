"""Issue 17: every scheduled job runs whatever adapters are configured (the console included), and
``ketenbot jobs list`` / ``ketenbot jobs run NAME`` show and run one now, in Dutch, on the injected clock."""

from __future__ import annotations

import io
import logging
import threading
from datetime import datetime, timedelta

import pytest
import time_machine
import typer.testing
from sqlmodel import select

from storage.job_runs import holder_of
from storage.models import AuditEvent
from tests.harness import Chat
from tests.stale_cases import finish_all_actions

DEADLINE = 60.0  # seconds: generous for a busy machine; the wait ends as soon as the job is done


class _JobDone(logging.Handler):
    """Sets ``done`` when the job runner logs that ``name`` finished (schedules/once.py)."""

    def __init__(self, name: str) -> None:
        super().__init__(logging.INFO)
        self.name_done = f"{name} for "
        self.done = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(self.name_done) and message.endswith(": done"):
            self.done.set()


class _StdinUntil(io.RawIOBase):
    """A console's stdin that stays open (no line) until ``event`` is set, then ends (EOF)."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        assert self.event.wait(DEADLINE), "the scheduled job did not run"
        return 0


def test_run_with_only_the_console_runs_the_daily_purge_on_its_schedule(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
):
    """`ketenbot run` without Telegram or Slack is the console; at 03:30 local the purge runs (it used to
    be scheduled by the Telegram/Slack runtime only)."""
    watcher = _JobDone("purge")
    jobs_log = logging.getLogger("ketenbot.jobs")
    jobs_log.addHandler(watcher)
    try:
        # the machine's clock at the purge's local time (the scheduler reads it; the bot's clock is the
        # harness's); frozen, so the cron trigger is due the moment the scheduler starts, however slow
        with time_machine.travel(datetime.fromisoformat("2026-11-26T03:30:00+01:00"), tick=False):
            stdin = io.BufferedReader(_StdinUntil(watcher.done))
            # CliRunner only takes text or bytes as stdin: hand it the stream that waits for the job
            monkeypatch.setattr(typer.testing, "make_input_stream", lambda _input, _charset: stdin)
            result = chat.cli(["run"], env={"TELEGRAM_BOT_TOKEN": "", "SLACK_BOT_TOKEN": ""})
    finally:
        jobs_log.removeHandler(watcher)
    assert result.exit_code == 0, result.output
    assert watcher.done.is_set()
    run = holder_of(chat.app.engine, "purge", "2026-11-26")  # the day's lease, as on a multi-instance bot
    assert run is not None and run.finished_at is not None
    with chat.app.uow() as uow:
        purges = uow.session.exec(select(AuditEvent).where(AuditEvent.name == "privacy.purge")).all()
    assert len(purges) == 1


def test_jobs_list_names_every_scheduled_job_in_dutch(chat: Chat):
    listed = chat.cli(["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert [line.split()[0] for line in lines] == ["purge", "stale_digest", "partner_poll"]
    assert "elke dag 03:30" in lines[0] and "werkdagen 08:00" in lines[1] and "werkdagen 09:00" in lines[2]
    assert "peiling" in lines[2]
    helped = chat.cli(["jobs", "--help"])
    assert "Geplande taken" in helped.output and "Draai één geplande taak nu" in helped.output


def test_jobs_run_sends_the_stale_digest_now_on_the_injected_clock(chat: Chat):
    chat.deliver()
    finish_all_actions(chat, "VH-2026-0001", chat.clock.now() - timedelta(weeks=3, days=1))
    ran = chat.cli(["jobs", "run", "stale_digest"])
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.strip() == "stale_digest: klaar — overzichten klaargezet: 2"
    sent = sorted(chat.deliver(), key=lambda m: m.user_id or "")
    assert [m.user_id for m in sent] == ["procesmanager", "procesmanager2"]
    assert "VH-2026-0001 (J.d.V.)" in sent[0].text
    again = chat.cli(["jobs", "run", "stale_digest"])  # safe to repeat: nothing is sent twice
    assert again.stdout.strip() == "stale_digest: klaar — overzichten klaargezet: 0"
    assert chat.deliver() == []


def test_jobs_run_purge_and_poll_say_what_they_did(chat: Chat):
    purged = chat.cli(["jobs", "run", "purge"])
    assert purged.exit_code == 0, purged.output
    assert purged.stdout.startswith("purge: klaar — geanonimiseerd: casussen ")
    polled = chat.cli(["jobs", "run", "partner_poll"], env={"KETENBOT_POLL_MONTH": "0"})
    assert polled.stdout.strip() == "partner_poll: klaar — geen ronde gestart (nu niet aan de beurt)"


def test_jobs_run_an_unknown_name_lists_the_names(chat: Chat):
    refused = chat.cli(["jobs", "run", "opruimen"])
    assert refused.exit_code == 2
    assert refused.output.strip() == "onbekende taak 'opruimen'; kies uit: purge, stale_digest, partner_poll"


def _rounds(chat: Chat) -> int:
    from storage.network.poll import PollRound

    with chat.app.uow() as uow:
        return len(uow.session.exec(select(PollRound)).all())


def test_jobs_run_partner_poll_outside_the_poll_month_is_refused_naming_the_month(chat: Chat):
    """Issue 17: by hand in November with KETENBOT_POLL_MONTH=10 it started this year's poll."""
    refused = chat.cli(["jobs", "run", "partner_poll"], env={"KETENBOT_POLL_MONTH": "10"})
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        "partner_poll: de peiling hoort in oktober (KETENBOT_POLL_MONTH=10) en het is nu november: er is "
        "geen ronde gestart. Wil je toch nu een ronde, gebruik dan --forceer (dat komt in het auditlog)."
    )
    assert _rounds(chat) == 0
    assert [m for m in chat.deliver() if m.dedupe_key and m.dedupe_key.startswith("poll:")] == []
    in_month = chat.cli(["jobs", "run", "partner_poll"], env={"KETENBOT_POLL_MONTH": "11"})
    assert in_month.exit_code == 0, in_month.output
    assert in_month.stdout.strip() == "partner_poll: klaar — nieuwe ronde, leden gevraagd: 10"
    with chat.app.uow() as uow:
        forced = uow.session.exec(select(AuditEvent).where(AuditEvent.name == "jobs.partner_poll")).all()
    assert forced == []  # in its month nothing was forced


@pytest.mark.parametrize("flag", ["--forceer", "--force"])
def test_jobs_run_partner_poll_forced_outside_the_month_runs_and_is_audited(chat: Chat, flag: str):
    # December's poll in November: before the month, so only the force starts it
    forced = chat.cli(["jobs", "run", "partner_poll", flag], env={"KETENBOT_POLL_MONTH": "12"})
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.strip() == "partner_poll: klaar — nieuwe ronde, leden gevraagd: 10"
    assert _rounds(chat) == 1
    with chat.app.uow() as uow:
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.name == "jobs.partner_poll")).all()
    assert [(e.platform, e.kind, e.outcome) for e in events] == [("cli", "admin", "ok")]
    assert events[0].detail == "forced outside its season (2026-11-26)"
    again = chat.cli(["jobs", "run", "partner_poll", flag], env={"KETENBOT_POLL_MONTH": "12"})
    assert again.stdout.strip() == (  # black-box finding: it said "nu niet aan de beurt"
        "partner_poll: klaar — geen ronde gestart: er loopt al een ronde (sinds 26-11-2026 10:00, "
        "open tot 24-12-2026 10:00)"
    )
    assert _rounds(chat) == 1  # forced or not: one round a year
    chat.clock.set(chat.clock.now() + timedelta(weeks=5))  # the round has closed; this year's was held
    later = chat.cli(["jobs", "run", "partner_poll", flag], env={"KETENBOT_POLL_MONTH": "12"})
    assert later.stdout.strip() == (
        "partner_poll: klaar — geen ronde gestart: de ronde van dit jaar is al gehouden (gestart 26-11-2026)"
    )
    assert _rounds(chat) == 1
