"""The form engine: typed fields, validation that keeps the form, state in the database, /stop, modals."""

from datetime import date
from typing import Any

import pytest

from bot.core import CommandGroup, Context, Field, Form, Incoming, Option, Reply, UserError, t
from bot.core.access import NO_TARGET
from bot.core.router import Router
from storage.models import Organisation
from tests.harness import Chat, make_chat

demo = CommandGroup("demoform")


def not_in_past(day: date, ctx: Context) -> None:
    if day < ctx.clock.today():
        raise UserError("dates.bad_date", text=day.isoformat())


def save(values: dict[str, Any], ctx: Context) -> Reply:
    with ctx.uow as uow:
        uow.organisations.add(values["name"], "anders")
        ctx.audit("demoform", kind="write")
        uow.commit()
    cats = ",".join(values["categories"])
    return Reply(
        f"saved {values['name']} {values['day'].isoformat()} {values['urgency']} {cats} "
        f"{values['knows']} {values['note']}"
    )


FORM = demo.form(
    Form(
        id="demo.new",
        title=t("help.title"),
        fields=[
            Field.text("name", t("help.ik"), max_length=20),
            Field.date("day", t("help.ik"), check=not_in_past),
            Field.choice("urgency", t("help.ik"), [Option("normaal", "normaal"), Option("acuut", "acuut")]),
            Field.multichoice(
                "categories", t("help.ik"), [Option("overlast", "overlast"), Option("jeugd", "jeugd")]
            ),
            Field.yesno("knows", t("help.ik")),
            Field.longtext("note", t("help.ik"), required=False),
        ],
        on_submit=save,
        target=NO_TARGET,
    )
)


@demo.command("demo", target=NO_TARGET)
def start(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        replies = ctx.forms.start(FORM.id, ctx)
        uow.commit()
    return replies


def install(chat: Chat) -> Chat:
    from bot.app import GROUPS

    app = chat.app
    app.router = Router(
        [*GROUPS, demo],
        uow_factory=app.uow,
        clock=app.clock,
        catalogue=app.catalogue,
        config=app.router.config,
    )
    return chat


def org_names(chat: Chat) -> list[str]:
    with chat.app.uow() as uow:
        return [o.name for o in uow.organisations.list_all()]


def test_a_form_walks_through_typed_fields_with_buttons_and_submits_once(chat: Chat):
    install(chat).as_member("procesmanager")
    assert "(1/6)" in chat.say("/demo")
    assert "(2/6)" in chat.say("Stichting Test")
    assert "(3/6)" in chat.say("03-12-2026")
    out = chat.press("form.choose", "acuut")
    assert "(4/6)" in out[0].text
    chat.press("form.choose", "jeugd")
    chat.say("1")  # typed number toggles 'overlast'
    assert "(5/6)" in chat.press("form.done")[0].text
    assert "(6/6)" in chat.say("ja")
    summary = chat.say("-")  # optional field skipped
    assert "controleer je gegevens" in summary and "Stichting Test" in summary and "03-12-2026" in summary
    done = chat.press("form.submit")
    assert done[0].text == "saved Stichting Test 2026-12-03 acuut jeugd,overlast True None"
    again = chat.press("form.submit")  # a double tap creates nothing more
    assert "geen formulier open" in again[0].text
    assert org_names(chat).count("Stichting Test") == 1


def test_bad_answers_keep_the_form_on_the_same_field(chat: Chat):
    install(chat).as_member("procesmanager")
    chat.say("/demo")
    too_long = chat.say("x" * 25)
    assert "te lang (25 tekens; maximaal 20)" in too_long and "(1/6)" in too_long
    chat.say("Naam BV")
    impossible = chat.say("31-02-2026")
    assert "bestaat niet" in impossible or "31-02-2026" in impossible
    assert "(2/6)" in impossible
    past = chat.say("01-01-2020")
    assert "(2/6)" in past
    assert "(3/6)" in chat.say("morgen")


def test_a_message_over_the_limit_leaves_the_half_filled_form_intact(chat: Chat):
    install(chat).as_member("procesmanager")
    chat.say("/demo")
    chat.say("Bewaard BV")
    assert "te lang" in chat.say("y" * 4001)
    assert "(3/6)" in chat.say("05-12-2026")  # continues where it was


def test_form_progress_survives_a_restart(database_url: str):
    first = install(make_chat(database_url))
    first.as_member("procesmanager")
    first.say("/demo")
    first.say("Herstart BV")
    first.app.engine.dispose()
    # a new process: new app, same database
    from bot.app import build_app

    second = install(make_chat(database_url, demo=False))
    second.app = build_app(second.app.settings, clock=second.clock)
    install(second).as_member("procesmanager")
    assert "(3/6)" in second.say("04-12-2026")


def test_stop_cancels_the_form_and_nothing_is_saved(chat: Chat):
    install(chat).as_member("procesmanager")
    chat.say("/demo")
    chat.say("Geannuleerd BV")
    assert "geannuleerd" in chat.say("/stop")
    assert "Typ /help" in chat.say("03-12-2026")  # no form anymore
    assert "Geannuleerd BV" not in org_names(chat)
    assert "Er stond geen formulier open" in chat.say("/annuleer")


def test_submit_all_reports_each_bad_field_and_saves_nothing(chat: Chat):
    install(chat).as_member("procesmanager")
    out = chat.submit(
        "demo.new",
        {
            "name": "",
            "day": "31-02-2026",
            "urgency": "zeer",
            "categories": "jeugd",
            "knows": "ja",
            "note": "",
        },
    )
    errors = out[0].form.errors if out[0].form else {}
    assert set(errors) == {"name", "day", "urgency"}
    assert "verplicht" in errors["name"]
    good = chat.submit(
        "demo.new",
        {
            "name": "Modal BV",
            "day": "04-12-2026",
            "urgency": "normaal",
            "categories": "jeugd, overlast",
            "knows": "nee",
            "note": "let op",
        },
    )
    assert good[0].text == "saved Modal BV 2026-12-04 normaal jeugd,overlast False let op"


@pytest.mark.parametrize("answer", ["ja", "Ja", "j", "yes", "1"])
def test_yes_no_accepts_common_answers(sqlite_chat: Chat, answer: str):
    install(sqlite_chat).as_member("procesmanager")
    for step in ("/demo", "Ja BV", "03-12-2026", "normaal", "jeugd", "klaar"):
        sqlite_chat.say(step)
    assert "(6/6)" in sqlite_chat.say(answer)


def test_organisation_rows_are_untouched_when_a_form_is_cancelled(sqlite_chat: Chat):
    install(sqlite_chat).as_member("procesmanager")
    with sqlite_chat.app.uow() as uow:
        before = len(uow.organisations.list_all())
    sqlite_chat.say("/demo")
    sqlite_chat.press("form.cancel")
    with sqlite_chat.app.uow() as uow:
        assert len(uow.organisations.list_all()) == before
        assert isinstance(uow.organisations.list_all()[0], Organisation)
