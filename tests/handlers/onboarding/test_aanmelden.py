from datetime import timedelta

from handlers.onboarding.invites import create_invite, hash_code
from storage.models import Role
from tests.harness import Chat


def test_new_colleague_joins_with_an_invite_code(chat: Chat):
    chat.as_member("nieuwe-collega").verify_dialog(
        [
            ("/help", "/aanmelden CODE"),
            (
                f"/aanmelden {chat.invite_code}",
                "Welkom, nieuwe-collega! Je bent aangemeld bij Gemeente Waterdam als partner.",
            ),
            ("/ik", "Organisatie: Gemeente Waterdam"),
        ]
    )
    with chat.app.uow() as uow:
        member = uow.members.by_handle("nieuwe-collega")
        assert member is not None and member.id is not None
        assert uow.members.roles_of(member.id) == {"partner"}


def test_join_alias_and_lowercase_code_with_spaces_work(chat: Chat):
    code = chat.invite_code.lower().replace("-", " ")
    chat.as_member("collega2").verify_dialog([(f"/join {code}", "Welkom")])


def test_telegram_start_with_code_from_deep_link_joins(chat: Chat):
    chat.as_member("collega3").verify_dialog([(f"/start {chat.invite_code}", "Welkom")])


def test_invite_codes_are_stored_hashed(chat: Chat):
    with chat.app.uow() as uow:
        invites = uow.invites.list_all()
    assert invites and all(chat.invite_code not in i.code_hash for i in invites)
    assert invites[0].code_hash == hash_code(chat.invite_code)


def test_a_used_code_is_refused(chat: Chat):
    chat.send(f"/aanmelden {chat.invite_code}", user="eerste")
    chat.as_member("tweede").verify_dialog([(f"/aanmelden {chat.invite_code}", "al gebruikt")])


def test_wrong_expired_and_revoked_codes_are_refused(chat: Chat):
    now = chat.clock.now()
    with chat.app.uow() as uow:
        org = uow.organisations.by_name("GGZ Rivierland")
        assert org is not None and org.id is not None
        expired_code, _ = create_invite(uow, org.id, Role.PARTNER, now=now - timedelta(days=8))
        revoked_code, revoked = create_invite(uow, org.id, Role.PARTNER, now=now)
        revoked.revoked_at = now
        uow.commit()
    chat.as_member("iemand").verify_dialog(
        [
            ("/aanmelden ABCDE-FGHJK", "klopt niet"),
            (f"/aanmelden {expired_code}", "verlopen"),
            (f"/aanmelden {revoked_code}", "ingetrokken"),
        ]
    )


def test_default_expiry_is_seven_days(chat: Chat):
    with chat.app.uow() as uow:
        org = uow.organisations.by_name("Woonstede")
        assert org is not None and org.id is not None
        code, invite = create_invite(uow, org.id, Role.PARTNER, now=chat.clock.now())
        uow.commit()
    assert invite.expires_at - invite.created_at == timedelta(days=7)
    chat.clock.advance(timedelta(days=7, minutes=1))
    chat.as_member("laat").verify_dialog([(f"/aanmelden {code}", "verlopen")])


def test_more_than_five_wrong_codes_an_hour_are_refused_without_checking(chat: Chat):
    chat.as_member("raden")
    for attempt in range(5):
        assert "klopt niet" in chat.say(f"/aanmelden WRONG-{attempt:05d}")
    # the sixth try is refused even with the right code
    assert "Te veel verkeerde codes" in chat.say(f"/aanmelden {chat.invite_code}")
    with chat.app.uow() as uow:
        assert uow.members.by_handle("raden") is None
    chat.clock.advance(timedelta(hours=1, minutes=1))
    assert "Welkom" in chat.say(f"/aanmelden {chat.invite_code}")


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
