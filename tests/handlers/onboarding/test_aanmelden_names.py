"""Black-box findings on the name a member goes by: a whole ``aanmelden.name`` form, submitted with no
/aanmelden running, renamed any member to anyone's name (impersonation); a name could equal a colleague's;
"x" was a name; /stop at the name question claimed nothing was saved; /aanmelden in a group answered there."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.console.inbound import parse_jsonl
from bot.core import Field, Form, Reply, t
from bot.core.forms import FieldKind
from tests.harness import Chat

NO_FORM = "Er staat geen formulier open (misschien al verstuurd of geannuleerd)."
TAKEN = "Er is al een deelnemer die"
GROUP = "triage-groep"


def jsonl_form(chat: Chat, user: str, form: str, values: dict[str, Any]) -> str:
    line = json.dumps({"user": user, "form": form, "values": values})
    return "\n".join(m.text for m in chat.app.router.handle(parse_jsonl(line)))


def name_of(chat: Chat, handle: str) -> str:
    with chat.app.uow() as uow:
        member = uow.members.by_handle(handle)
        assert member is not None
        return member.name


def test_a_follow_up_form_is_not_taken_whole_unless_it_is_open_for_this_member(chat: Chat) -> None:
    for _ in range(2):  # the finding: it worked twice, and said "Welkom" each time
        answer = jsonl_form(chat, "wijkagent", "aanmelden.name", {"name": "Sander Vos"})
        assert answer == NO_FORM
    assert jsonl_form(chat, "wijkagent", "ik.naam", {"name": "Anna Smit"}) == NO_FORM
    assert name_of(chat, "wijkagent") == "Bram Kuipers"
    # names of people in a case are asked in the direct chat only: no whole form from anywhere else
    person = {"case": "VH-2026-0001", "name": "Els de Vries"}
    assert jsonl_form(chat, "procesmanager", "casus.person", person) == NO_FORM
    # opened by /ik naam, the same whole form is taken (a Slack modal)
    chat.say("/ik naam", user="wijkagent")
    assert jsonl_form(chat, "wijkagent", "ik.naam", {"name": "Bram  Kuiper"}) == "Je naam is nu Bram Kuiper."


def test_the_follow_up_forms_are_declared_and_server_set_fields_require_it(chat: Chat) -> None:
    follow_ups = {form.id for form in chat.app.router.forms.forms.values() if form.follow_up_only}
    assert follow_ups == {
        "aanmelden.name",
        "ik.naam",
        "casus.person",
        "casus.person_hg",
        "triage.reason",
        "overleg.change",
        "overleg.substitute",
    }
    with pytest.raises(ValueError, match="follow_up_only"):
        Form("x.y", t("x"), [Field.server_set("id", t("x"), FieldKind.INTEGER)], lambda v, c: Reply("-"))


def test_another_members_name_is_refused_at_aanmelden_and_at_ik_naam(chat: Chat) -> None:
    newcomer = chat.as_member("nieuwe-collega")
    newcomer.say(f"/aanmelden {chat.invite_code}")
    refused = newcomer.say("  sander   VOS ")
    assert f"{TAKEN} sander VOS heet." in refused and "(1/1) Je voor- en achternaam" in refused
    assert "Welkom, Sander Vos-de Wit!" in newcomer.say("Sander Vos-de Wit")
    chat.as_member("wijkagent")
    chat.say("/ik naam")
    assert f"{TAKEN} Sander Vos heet." in chat.say("Sander Vos")
    assert f"{TAKEN} sander vos-de wit heet." in chat.say("sander vos-de wit")
    assert chat.say("bram kuipers") == "Je naam is nu bram kuipers."  # one's own name is no one else's
    assert name_of(chat, "procesmanager2") == "Sander Vos"


def test_a_profile_name_of_another_member_is_not_the_stand_in_name(chat: Chat) -> None:
    typed = chat.incoming(user="tg-4711", text=f"/aanmelden {chat.invite_code}")
    incoming = replace(typed, user_name="Sander Vos")
    joined = "\n".join(m.text for m in chat.app.router.handle(incoming))
    assert "Je code klopt" in joined
    assert name_of(chat, "tg-4711") == "tg-4711"
    assert TAKEN in chat.say("ja", user="tg-4711")  # the offer is checked like a typed name


def test_a_name_needs_two_letters_and_stop_tells_the_truth(chat: Chat) -> None:
    newcomer = chat.as_member("nieuwe-collega")
    newcomer.say(f"/aanmelden {chat.invite_code}")
    assert "Een naam heeft minstens 2 letters." in newcomer.say("x")
    assert "Een naam heeft minstens 2 letters." in newcomer.say("J.")
    assert newcomer.say("/stop") == (
        "Je blijft aangemeld als nieuwe-collega; typ /ik naam om je naam te wijzigen."
    )
    assert name_of(chat, "nieuwe-collega") == "nieuwe-collega"
    newcomer.say("/ik naam")
    assert newcomer.say("Jo") == "Je naam is nu Jo."  # one word is a name: not everyone has two


def test_aanmelden_in_a_group_continues_in_the_direct_chat(chat: Chat) -> None:
    replies = chat.send(f"/aanmelden {chat.invite_code}", user="nieuwe-collega", group=GROUP)
    in_group = [r.text for r in replies if r.chat_id == GROUP]
    direct = "\n".join(r.text for r in replies if r.chat_id != GROUP)
    assert in_group == [
        "Ga verder in je privéchat met ketenbot; daar vraag ik je naam."
        " Deze code is nu gebruikt en werkt voor niemand anders."
    ]
    assert "Je code klopt" in direct and "Je voor- en achternaam" in direct
    assert "Welkom, Noor van Dijk!" in chat.say("Noor van Dijk", user="nieuwe-collega")
    # the code the group saw is spent
    again = chat.say(f"/aanmelden {chat.invite_code}", user="meelezer", group=GROUP)
    assert again.startswith("Met deze uitnodigingscode kun je je niet aanmelden")
