import hashlib
import logging
from datetime import timedelta

import pytest
from sqlmodel import select

from handlers.onboarding.invites import MAX_FAILURES_GLOBAL, code_hashes, create_invite, normalise_code
from storage.models import AuditEvent, Role
from tests.harness import Chat

REFUSED = "Met deze uitnodigingscode kun je je niet aanmelden"


def test_new_colleague_joins_with_an_invite_code(chat: Chat):
    chat.as_member("nieuwe-collega").verify_dialog(
        [
            ("/help", "/aanmelden CODE"),
            (
                f"/aanmelden {chat.invite_code}",
                "Je code klopt: je bent aangemeld bij Gemeente Waterdam als partner. Nog één vraag:",
            ),
            ("Noor van Dijk", "Welkom, Noor van Dijk! Je bent aangemeld bij Gemeente Waterdam als partner."),
            ("/ik", "Organisatie: Gemeente Waterdam"),
        ]
    )
    with chat.app.uow() as uow:
        member = uow.members.by_handle("nieuwe-collega")
        assert member is not None and member.id is not None
        assert uow.members.roles_of(member.id) == {"partner"}
        assert member.name == "Noor van Dijk"


def test_the_name_is_asked_and_an_empty_or_abusive_one_is_refused_with_the_form_kept(chat: Chat):
    """Issue 17: the name is asked, not taken from the chat handle; the answer is cleaned like a display
    name, and an unusable one is refused in Dutch while the question stays open."""
    chat.as_member("noor_1990")
    joined = chat.say(f"/aanmelden {chat.invite_code}")
    assert "hoe heet je?" in joined and "(1/1) Je voor- en achternaam" in joined
    assert "Je chatprofiel zegt 'noor_1990': typ ja om die naam te gebruiken." in joined
    for typed, refusal in [
        ("   ", "Dit veld is verplicht."),
        ("-", "Dit veld is verplicht."),  # the form engine's "skip" word
        ("...", "Dat is geen bruikbare naam."),
        ("@procesmanager", "Dat is geen bruikbare naam."),
        ('<a href="https://evil.example">Klik</a>', "Dat is geen bruikbare naam."),
        ("Ketenbot", "Dat is geen bruikbare naam."),
        ("x" * 121, "Dat is te lang (121 tekens; maximaal 120)."),
    ]:
        answer = chat.say(typed)
        assert refusal in answer and "(1/1) Je voor- en achternaam" in answer, (typed, answer)
    assert "onzichtbare stuurtekens" in chat.say("Noor\u202e Bakker")  # the router refuses; form kept
    assert "Welkom, Noor Bakker!" in chat.say("  Noor   Bakker ")  # cleaned: whitespace collapsed
    with chat.app.uow() as uow:
        member = uow.members.by_handle("noor_1990")
        assert member is not None and member.name == "Noor Bakker"
    assert "Je profiel: Noor Bakker" in chat.say("/ik")


def test_ja_takes_the_name_the_profile_offered_and_ik_naam_asks_again(chat: Chat):
    chat.as_member("Sanne de Boer")
    chat.say(f"/aanmelden {chat.invite_code}")
    assert "Welkom, Sanne de Boer!" in chat.say("ja")
    assert "(1/1) Je voor- en achternaam" in chat.say("/ik naam")
    assert "Dat is geen bruikbare naam." in chat.say("12345")
    assert chat.say("Sanne Visser") == "Je naam is nu Sanne Visser."


def test_join_alias_and_lowercase_code_with_spaces_work(chat: Chat):
    code = chat.invite_code.lower().replace("-", " ")
    chat.as_member("collega2").verify_dialog([(f"/join {code}", "Je code klopt")])


def test_telegram_start_with_code_from_deep_link_joins(chat: Chat):
    chat.as_member("collega3").verify_dialog([(f"/start {chat.invite_code}", "Je code klopt")])


def test_invite_codes_are_stored_as_an_hmac_with_the_server_key_not_a_plain_sha256(chat: Chat):
    with chat.app.uow() as uow:
        invites = uow.invites.list_all()
        expected = code_hashes(uow, chat.invite_code)[0]
    plain = hashlib.sha256(normalise_code(chat.invite_code).encode()).hexdigest()
    assert invites and all(chat.invite_code not in i.code_hash for i in invites)
    assert invites[0].code_hash == expected
    assert all(i.code_hash != plain for i in invites)  # a stolen database alone cannot test guesses


def test_a_used_code_is_refused(chat: Chat):
    chat.send(f"/aanmelden {chat.invite_code}", user="eerste")
    chat.as_member("tweede").verify_dialog([(f"/aanmelden {chat.invite_code}", REFUSED)])


def test_wrong_expired_and_revoked_codes_are_refused(chat: Chat):
    now = chat.clock.now()
    with chat.app.uow() as uow:
        org = uow.organisations.by_name("GGZ Rivierland")
        assert org is not None and org.id is not None
        expired_code, _ = create_invite(uow, org.id, Role.PARTNER, now=now - timedelta(days=8))
        revoked_code, revoked = create_invite(uow, org.id, Role.PARTNER, now=now)
        revoked.revoked_at = now
        uow.commit()
    chat.send(f"/aanmelden {chat.invite_code}", user="eerste")
    answers = [
        chat.say(f"/aanmelden {code}", user="iemand")
        for code in ("ABCDE-FGHJK", expired_code, revoked_code, chat.invite_code)
    ]
    assert len(set(answers)) == 1 and REFUSED in answers[0]  # wrong, expired, revoked, used: one answer
    with chat.app.uow() as uow:
        details = [
            e.detail
            for e in uow.session.exec(select(AuditEvent).where(AuditEvent.name == "aanmelden")).all()
            if e.detail and e.detail.startswith("invite refused")
        ]
    assert details == [f"invite refused: {r}" for r in ("wrong", "expired", "revoked", "used")]


def test_default_expiry_is_seven_days(chat: Chat):
    with chat.app.uow() as uow:
        org = uow.organisations.by_name("Woonstede")
        assert org is not None and org.id is not None
        code, invite = create_invite(uow, org.id, Role.PARTNER, now=chat.clock.now())
        uow.commit()
    assert invite.expires_at - invite.created_at == timedelta(days=7)
    chat.clock.advance(timedelta(days=7, minutes=1))
    chat.as_member("laat").verify_dialog([(f"/aanmelden {code}", REFUSED)])


def test_more_than_five_wrong_codes_an_hour_are_refused_without_checking(chat: Chat):
    chat.as_member("raden")
    for attempt in range(5):
        assert REFUSED in chat.say(f"/aanmelden WRONG-{attempt:05d}")
    # the sixth try is refused even with the right code
    assert "Te veel verkeerde codes" in chat.say(f"/aanmelden {chat.invite_code}")
    with chat.app.uow() as uow:
        assert uow.members.by_handle("raden") is None
    chat.clock.advance(timedelta(hours=1, minutes=1))
    assert "Je code klopt" in chat.say(f"/aanmelden {chat.invite_code}")


def test_many_identities_guessing_together_hit_a_network_wide_limit_and_the_log_says_so(
    chat: Chat, caplog: pytest.LogCaptureFixture
):
    for attempt in range(MAX_FAILURES_GLOBAL):  # each identity stays under its own limit of five
        assert REFUSED in chat.say(f"/aanmelden WRONG-{attempt:05d}", user=f"rader{attempt // 4}")
    with caplog.at_level(logging.WARNING):
        answer = chat.say(f"/aanmelden {chat.invite_code}", user="nog-een-rader")
    assert "Aanmelden met een code kan even niet" in answer  # even the right code waits
    assert any("invite redemption paused" in r.getMessage() for r in caplog.records)
    with chat.app.uow() as uow:
        assert uow.members.by_handle("nog-een-rader") is None
    chat.clock.advance(timedelta(minutes=16))
    assert "Je code klopt" in chat.say(f"/aanmelden {chat.invite_code}", user="nog-een-rader")


def test_unknown_identity_gets_only_the_onboarding_hint(chat: Chat):
    for text in ("/help", "/ik", "/regie VH-2026-0001", "hallo", "/onzin"):
        replies = chat.send(text, user="onbekend")
        assert len(replies) == 1
        assert "/aanmelden CODE" in replies[0].text
        assert "/ik" not in replies[0].text and "Rivierland" not in replies[0].text


def test_unknown_identity_in_a_group_chat_is_not_answered_for_plain_text(chat: Chat):
    assert chat.send("goedemorgen allemaal", user="onbekend", group="triage-groep") == []


def test_revoked_member_is_treated_as_unknown(chat: Chat):
    with chat.app.uow() as uow:
        member = uow.members.by_handle("wijkagent")
        assert member is not None
        uow.members.revoke(member, chat.clock.now())
        uow.commit()
    assert "/aanmelden CODE" in chat.say("/ik", user="wijkagent")


def test_bare_join_shows_usage(chat: Chat):
    chat.as_member("nieuw").verify_dialog([("/aanmelden", "Gebruik: /aanmelden CODE")])
