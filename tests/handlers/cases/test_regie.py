# Tests of parsing and rendering alone run on SQLite only (sqlite_chat); whatever the database decides
# (visibility, races, the outbox, form state, the bad inputs of issue 4) runs on SQLite and Postgres (chat).
from datetime import timedelta

from sqlmodel import select

from storage.cases.tables import RegieHandover
from storage.models import OutboxMessage
from tests.harness import Chat


def outbox_keys(chat: Chat, prefix: str) -> dict[str, str]:
    with chat.app.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage)).all()
        return {r.dedupe_key: r.status for r in rows if r.dedupe_key.startswith(prefix)}


def test_regie_names_both_holders_and_how_to_reach_them(chat: Chat):
    text = chat.say("/regie VH-2026-0001", user="reclassering")
    assert "Casusregie: Gemeente Waterdam — Fatima el Idrissi (@regisseur)" in text
    assert "Procesregie: Zorg- en Veiligheidshuis Rivierland — Anouk de Wit (@procesmanager)" in text
    assert "Casusregie: nog niemand" in chat.say("/regie VH-2026-0003", user="wijkagent")


def test_unknown_and_foreign_codes_read_the_same(chat: Chat):
    foreign = chat.say("/regie VH-2026-0001", user="woonstede")
    unknown = chat.say("/regie VH-2026-0009", user="woonstede")
    assert unknown == "Casus VH-2026-0009 niet gevonden of geen toegang."
    assert foreign == unknown.replace("0009", "0001")


def test_procesmanagers_search_by_name_and_get_only_codes_they_may_see(chat: Chat):
    assert "VH-2026-0001 (J.d.V.)" in chat.say("/regie Jan de Vries", user="procesmanager")
    assert "VH-2026-0001 (J.d.V.)" in chat.say("/regie VRIES", user="procesmanager")
    assert "Geen casussen gevonden" in chat.say("/regie Jan de Vries", user="procesmanager2")
    assert "VH-2026-0002 (M.J., N.J., R.J.)" in chat.say("/regie jansen", user="procesmanager2")
    assert "is geen casuscode" in chat.say("/regie Jan de Vries", user="wijkagent")


def test_group_chat_shows_code_and_initials_and_sends_details_privately(sqlite_chat: Chat):
    chat = sqlite_chat
    replies = chat.send("/regie VH-2026-0001", user="wijkagent", group="triage-groep")
    assert replies[0].text.startswith("VH-2026-0001 (J.d.V.)") and "Fatima" not in replies[0].text
    assert replies[1].user_id == "wijkagent" and replies[1].chat_id is None and "Fatima" in replies[1].text


def test_handover_accepted_changes_regie_keeps_history_and_tells_the_deelnemers(chat: Chat):
    chat.deliver()
    proposed = chat.say("/regie VH-2026-0001 overdragen @reclassering", user="procesmanager")
    assert (
        "Joost van Leeuwen krijgt de vraag de casusregie van VH-2026-0001 (J.d.V.) over te nemen" in proposed
    )
    question = [m for m in chat.deliver() if m.user_id == "reclassering"]
    assert len(question) == 1 and "Anouk de Wit vraagt of jij de casusregie" in question[0].text
    accept = next(b for b in question[0].buttons if b.id == "regie.accept")
    assert "Je hebt nu de casusregie" in chat.press("regie.accept", accept.value, user="reclassering")[0].text
    told = {m.user_id: m.text for m in chat.deliver()}
    assert set(told) == {"procesmanager", "wijkagent", "regisseur"}
    assert "ligt nu bij Joost van Leeuwen (Reclassering Nederland)" in told["wijkagent"]
    history = chat.say("/regie VH-2026-0001 historie", user="wijkagent")
    assert "casusregie: Fatima el Idrissi, van 28-09-2026 tot 26-11-2026" in history
    assert "casusregie: Joost van Leeuwen, van 26-11-2026 tot nu" in history
    assert "Casusregie: Reclassering Nederland — Joost van Leeuwen" in chat.say(
        "/regie VH-2026-0001", user="ggz"
    )
    again = chat.press("regie.accept", accept.value, user="reclassering")[0].text
    assert "al afgehandeld (geaccepteerd)" in again


def test_an_unanswered_handover_is_resent_after_two_working_days_and_flagged_to_procesregie(chat: Chat):
    chat.deliver()
    chat.say("/regie VH-2026-0001 overdragen @wijkagent", user="regisseur")  # casusregie holder proposes
    chat.deliver()
    chat.clock.advance(timedelta(days=3, hours=-1))  # Thursday 10:00 -> Sunday 09:00: not yet
    assert chat.deliver() == []
    chat.clock.advance(timedelta(days=1, hours=1))  # Monday 10:00: two working days
    later = {m.user_id: m.text for m in chat.deliver()}
    assert "Herinnering: dit voorstel staat al twee werkdagen open" in later["wijkagent"]
    assert "na twee werkdagen nog niet beantwoord" in later["procesmanager"]


def test_answering_cancels_the_reminder_and_a_decline_tells_the_proposer(chat: Chat):
    chat.deliver()
    chat.say("/regie VH-2026-0001 overdragen @wijkagent", user="procesmanager")
    question = next(m for m in chat.deliver() if m.user_id == "wijkagent")
    decline = next(b for b in question.buttons if b.id == "regie.decline")
    assert (
        "Je hebt de casusregie van VH-2026-0001 (J.d.V.) afgewezen"
        in chat.press("regie.decline", decline.value, user="wijkagent")[0].text
    )
    keys = outbox_keys(chat, f"handover:{decline.value}:")
    assert keys[f"handover:{decline.value}:remind"] == "cancelled"
    assert keys[f"handover:{decline.value}:flag"] == "cancelled"
    assert [m.text for m in chat.deliver()] == [
        "Bram Kuipers heeft de casusregie van VH-2026-0001 afgewezen."
    ]
    chat.clock.advance(timedelta(days=7))
    assert chat.deliver_own() == []


def test_handover_refusals(chat: Chat):
    with chat.app.uow() as uow:
        lotte = uow.members.by_handle("ggz")
        assert lotte is not None
        uow.members.revoke(lotte, chat.clock.now())
        uow.commit()
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/regie VH-2026-0001 overdragen @woonstede", "Daan Peters is geen deelnemer van VH-2026-0001"),
            ("/regie VH-2026-0001 overdragen @ggz", "@ggz is geen deelnemer"),
            ("/regie VH-2026-0001 overdragen @regisseur", "Fatima el Idrissi heeft de casusregie al"),
            ("/regie VH-2026-0001 overdragen @regisseur procesregie", "kan alleen naar een procesmanager"),
            ("/regie VH-2026-0001 overdragen", "Gebruik: /regie"),
            ("/regie VH-2026-0005 overdragen @regisseur", "niet gevonden of geen toegang"),
        ]
    )
    assert "Alleen wie de regie" in chat.say("/regie VH-2026-0001 overdragen @reclassering", user="wijkagent")


def test_only_the_proposed_member_can_answer(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.say("/regie VH-2026-0001 overdragen @reclassering", user="procesmanager")
    handover_id = max(int(k.split(":")[1]) for k in outbox_keys(chat, "handover:"))
    refused = chat.press("regie.accept", str(handover_id), user="wijkagent")[0].text
    assert "niet aan jou gericht" in refused
    assert "niet aan jou gericht" in chat.press("regie.accept", "abc", user="wijkagent")[0].text


def test_a_handover_proposed_twice_is_one_proposal_and_says_to_whom_it_is_open(chat: Chat):
    chat.deliver()
    chat.say("/regie VH-2026-0001 overdragen @wijkagent", user="procesmanager")
    chat.clock.advance(timedelta(days=1))
    again = chat.say("/regie VH-2026-0001 overdragen @wijkagent", user="procesmanager")
    assert again == (
        "Er staat al een voorstel open om de casusregie van VH-2026-0001 over te dragen aan Bram Kuipers"
        " (sinds 26-11-2026); er is geen tweede verstuurd. Wacht op het antwoord, of draag over aan iemand"
        " anders: dat trekt het open voorstel in."
    )
    with chat.app.uow() as uow:
        proposals = uow.session.exec(select(RegieHandover)).all()
        assert [p.status for p in proposals] == ["pending"]
    assert len([m for m in chat.deliver() if m.user_id == "wijkagent"]) == 1  # one question, not two
    assert set(outbox_keys(chat, "handover:").values()) == {"sent", "pending"}
    assert len(outbox_keys(chat, "handover:")) == 3  # propose, remind, flag: once
    # someone else: the open proposal is withdrawn, and the reply says so
    other = chat.say("/regie VH-2026-0001 overdragen @reclassering", user="procesmanager")
    assert "Het open voorstel aan Bram Kuipers is ingetrokken." in other
    question = next(m for m in chat.deliver() if m.user_id == "reclassering")
    assert "vraagt of jij de casusregie" in question.text
