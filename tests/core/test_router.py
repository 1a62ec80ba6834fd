"""The router's middleware: bad input, handler failures, audit, authorisation."""

import logging

import pytest

from bot.core import Button, CommandGroup, Context, Incoming, Reply, t
from bot.core.access import NO_TARGET
from bot.core.router import Router
from tests.harness import Chat

boom = CommandGroup("boom")


@boom.command("boom", target=NO_TARGET)
def explode(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        uow.organisations.add("Half geschreven BV", "anders")  # written, flushed ...
        ctx.audit("boom", kind="write")
        raise RuntimeError("database on fire")  # ... and then the handler fails


@boom.command("pmonly", roles=["procesmanager"], target=NO_TARGET)
def pm_only(msg: Incoming, ctx: Context) -> Reply:
    return Reply(t("help.title"))


@boom.command("knoppen", target=NO_TARGET)
def with_buttons(msg: Incoming, ctx: Context) -> Reply:
    return Reply(t("help.title"), buttons=[Button("boom.pm", "PM"), Button("boom.all", "Iedereen")])


@boom.action("boom.pm", roles=["procesmanager"], target=NO_TARGET)
def press_pm(msg: Incoming, ctx: Context) -> Reply:
    return Reply(t("help.title"))


@boom.action("boom.all", target=NO_TARGET)
def press_all(msg: Incoming, ctx: Context) -> Reply:
    return Reply(t("help.title"))


def router_with_boom(chat: Chat) -> Router:
    from bot.app import GROUPS

    app = chat.app
    return Router(
        [*GROUPS, boom],
        uow_factory=app.uow,
        clock=app.clock,
        catalogue=app.catalogue,
        config=app.router.config,
    )


def test_handler_exception_becomes_a_friendly_message_with_reference_and_rolls_back(chat: Chat, caplog):
    router = router_with_boom(chat)
    with caplog.at_level(logging.ERROR, logger="ketenbot.router"):
        replies = router.handle(chat.incoming(user="procesmanager", text="/boom"))
    assert len(replies) == 1
    text = replies[0].text
    assert "Sorry, er ging iets mis" in text and "referentie" in text
    assert "Traceback" not in text and "database on fire" not in text
    reference = text.split("referentie ")[1].rstrip(".")
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)
    with chat.app.uow() as uow:
        names = [o.name for o in uow.organisations.list_all()]
        events = uow.audit.search(name="boom")
    assert "Half geschreven BV" not in names  # nothing half-written remains
    assert [(e.kind, e.outcome) for e in events] == [("command", "error")]  # the failure itself is audited


def test_role_check_refuses_other_roles(chat: Chat):
    router = router_with_boom(chat)
    reply = router.handle(chat.incoming(user="wijkagent", text="/pmonly"))
    assert "geen toegang tot /pmonly" in reply[0].text
    assert "Wat je met ketenbot" in router.handle(chat.incoming(user="procesmanager", text="/pmonly"))[0].text


def test_a_direct_chat_shows_only_the_buttons_the_reader_may_press_and_a_group_all(chat: Chat):
    """Issue 17: a partner is not shown a procesmanager's button in their direct chat; in a group everyone
    sees every button (whoever presses is checked by the gate)."""
    router = router_with_boom(chat)

    def ids(user: str, group: str | None = None) -> list[str]:
        [reply] = router.handle(chat.incoming(user=user, group=group, text="/knoppen"))
        return [b.id for b in reply.buttons]

    assert ids("wijkagent") == ["boom.all"]
    assert ids("procesmanager") == ["boom.pm", "boom.all"]
    assert ids("wijkagent", group="triage-groep") == ["boom.pm", "boom.all"]
    refused = router.handle(chat.incoming(user="wijkagent", group="triage-groep", action_id="boom.pm"))
    assert refused[0].refused


def test_every_command_is_audited_with_member_channel_and_outcome(chat: Chat):
    chat.say("/ik", user="wijkagent")
    chat.say("/taal xx", user="wijkagent")
    with chat.app.uow() as uow:
        member = uow.members.by_handle("wijkagent")
        assert member is not None
        events = uow.audit.search(member_id=member.id)
    kinds = [(e.kind, e.name, e.outcome, e.platform, e.chat_kind) for e in events]
    assert ("command", "ik", "ok", "console", "direct") in kinds
    assert ("command", "taal", "refused", "console", "direct") in kinds
    assert all(e.correlation_id for e in events)


def test_message_over_4000_characters_is_refused_and_the_form_survives(chat: Chat):
    chat.as_member("procesmanager")
    text = chat.say("x" * 4001)
    assert "te lang (4001 tekens; maximaal 4000)" in text


@pytest.mark.parametrize("bad", ["hallo\x00wereld", "\x1b[31mrood", "bel\x07"])
def test_control_characters_are_refused(chat: Chat, bad: str):
    assert "stuurtekens" in chat.say(bad, user="procesmanager")


def test_stale_button_is_explained(chat: Chat):
    reply = chat.press("nothing.here", "1", user="procesmanager")
    assert "werkt niet meer" in reply[0].text


def test_duplicate_command_registration_is_refused(chat: Chat):
    from bot.app import GROUPS

    again = CommandGroup("again")
    again.command("help")(pm_only)
    with pytest.raises(ValueError, match="registered twice"):
        Router(
            [*GROUPS, again],
            uow_factory=chat.app.uow,
            clock=chat.app.clock,
            catalogue=chat.app.catalogue,
            config=chat.app.router.config,
        )
