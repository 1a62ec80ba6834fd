"""End to end on Slack: ``/ketenbot info <name>`` (informatieverzoek) by a partner; the dispatcher brings it
to the procesmanager's direct messages with Bekend / Niet bekend buttons; a press answers it (the request is
updated in place) and the asker gets only "bekend, neem contact op met ..." or "niet bekend", never case
content; the answer cancels the escalation."""

from __future__ import annotations

from datetime import timedelta

from tests.adapters.slack.slack_bot import SlackBot, buttons_of, running_bot
from tests.fakes.slack_api import Call
from tests.harness import Chat

PARTNER, MANAGER = "U900", "U910"  # woonstede (no deelnemer of VH-2026-0001), procesmanager (procesregie)
SECRETS = ("VH-2026", "J.d.V.", "Woonplek", "Schuldhulp", "topx", "actief", "Fatima", "GGZ")


async def ask(bot: SlackBot, query: str) -> tuple[str, Call]:
    """The partner asks; the dispatcher delivers; the ref and the request in the procesmanager's DM."""
    await bot.command(f"info {query}", user=PARTNER, channel=f"D{PARTNER}")
    [sent] = await bot.replies(f"D{PARTNER}")
    assert "is doorgezet naar de procesmanagers" in sent and "26-11-2026 17:00" in sent
    ref = sent.split()[2]
    assert ref.startswith("I-"), sent
    await bot.deliver_outbox()
    [request] = [
        c for c in bot.fake.posted(f"D{MANAGER}") if f"Informatieverzoek {ref} " in str(c.params["text"])
    ]
    return ref, request


def to_partner(bot: SlackBot) -> list[str]:
    return [str(c.params["text"]) for c in bot.fake.posted(f"D{PARTNER}")]


async def test_known_reaches_the_asker_with_whom_to_call_and_no_case_content(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("woonstede", PARTNER)
        bot.link("procesmanager", MANAGER)
        ref, request = await ask(bot, "Jan de Vries")
        number = ref.removeprefix("I-")
        text = str(request.params["text"])
        assert "'Jan de Vries'" in text and "Bekend in: VH-2026-0001" in text  # the procesmanager may see it
        assert [(b["action_id"], b["value"]) for b in buttons_of(request)] == [
            ("info.known", number),
            ("info.unknown", number),
        ]

        update = await bot.press(MANAGER, request, "info.known", number)
        assert update.params["ts"] == request.response["ts"]  # the request, updated in place
        assert f"Je antwoord op {ref} is naar de vrager gestuurd." in update.params["text"]
        assert buttons_of(update) == []  # answered: nothing left to press twice

        await bot.deliver_outbox()
        answers = [t for t in to_partner(bot) if t.startswith(f"Antwoord op {ref}")]
        assert answers == [
            f"Antwoord op {ref} ('Jan de Vries'): bekend bij het Veiligheidshuis, neem contact op met "
            f"Anouk de Wit (Zorg- en Veiligheidshuis Rivierland, <@{MANAGER}>)."
        ]
        everything = "\n".join(to_partner(bot))
        for secret in SECRETS:
            assert secret not in everything

        chat.clock.advance(timedelta(hours=8))  # past the deadline: the escalation was cancelled
        await bot.deliver_outbox()
        assert not [c for c in bot.fake.posted(f"D{MANAGER}") if "NOG OPEN" in str(c.params["text"])]


async def test_not_known_is_all_the_asker_learns_and_a_second_answer_is_refused(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("woonstede", PARTNER)
        bot.link("procesmanager", MANAGER)
        ref, request = await ask(bot, "Pieter Fictief")
        number = ref.removeprefix("I-")
        assert "Geen open casus gevonden waarvan jij deelnemer bent." in str(request.params["text"])

        update = await bot.press(MANAGER, request, "info.unknown", number)
        assert "naar de vrager gestuurd" in update.params["text"]
        again = await bot.press(MANAGER, request, "info.known", number)  # a stale copy of the buttons
        assert f"Informatieverzoek {ref} is al beantwoord." in again.params["text"]
        assert again.method == "chat.postEphemeral"  # a refused press leaves the message as it is

        await bot.deliver_outbox()
        assert [t for t in to_partner(bot) if t.startswith("Antwoord op")] == [
            f"Antwoord op {ref} ('Pieter Fictief'): niet bekend bij het Veiligheidshuis."
        ]
