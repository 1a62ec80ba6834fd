"""End to end on Telegram (the real PTB Application against the fake Bot API, the real router and
database): a partner's signal through triage to the terugkoppeling, and /regie in a group vs a direct chat.
Every assertion is on what the fake recorded: texts, keyboards, documents."""

from __future__ import annotations

from tests.adapters.telegram.telegram_support import buttons, running_bot
from tests.harness import Chat

PARTNER, MANAGER, TRIAGE_GROUP = 7501, 7502, -4501
SIGNAL_TEXT = "Fictief: buren melden al weken lawaai en een vervuilde woning."


async def test_a_signal_through_triage_in_the_group_to_the_terugkoppeling_in_a_dm(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", PARTNER)
        bot.link("procesmanager2", MANAGER)

        # the partner fills in /signaal in their direct chat, by typing and pressing inline buttons
        started = await bot.messages(PARTNER, "/signaal", 2)
        assert "(1/8) Naam van de betrokkene" in started[1]["text"]
        (birth,) = await bot.messages(PARTNER, "Eva Smit", 1)
        labels = [label for label, _ in buttons(birth)]
        assert "(2/8)" in birth["text"] and labels[:2] == ["vandaag 26-11", "morgen 27-11"]  # the date picker
        assert labels[-2:] == ["Overslaan", "Annuleren"]
        (others,) = await bot.press(PARTNER, birth, "Overslaan")
        (gemeente,) = await bot.press(PARTNER, others, "Overslaan")
        assert "(4/8) Gemeente" in gemeente["text"]
        (categories,) = await bot.messages(PARTNER, "Waterdam", 1)
        await bot.press(PARTNER, categories, "overlast", expect=0)  # toggled in place
        toggled = bot.last(PARTNER)
        assert "✔ overlast" in [label for label, _ in buttons(toggled)]
        (urgency,) = await bot.press(PARTNER, toggled, "Klaar")
        assert [label for label, _ in buttons(urgency)][:3] == ["normaal", "hoog", "acuut"]
        (description,) = await bot.press(PARTNER, urgency, "normaal")
        assert "(7/8) Korte omschrijving" in description["text"]
        (informed,) = await bot.messages(PARTNER, SIGNAL_TEXT, 1)
        (summary,) = await bot.press(PARTNER, informed, "nee")
        assert "Eva Smit" in summary["text"] and "overlast" in summary["text"]
        (received,) = await bot.press(PARTNER, summary, "Versturen")
        assert "Je signaal is ontvangen onder referentie S-" in received["text"]
        ref = received["text"].split("referentie ")[1].split(".")[0]

        # triage in the group: initials only, a button per outcome
        queue = await bot.messages(MANAGER, "/triage", 5, chat=TRIAGE_GROUP)
        assert queue[0]["text"].startswith("Triagewachtrij: 4 nieuwe signalen")
        (item,) = [m for m in queue if ref in m["text"]]
        assert "E.S." in item["text"] and "Eva" not in item["text"] and "lawaai" not in item["text"]
        assert all("Eva Smit" not in m["text"] for m in queue)
        assert len(buttons(item)) == 9 and all(len(data.encode()) <= 64 for _, data in buttons(item))
        (decided,) = await bot.press(MANAGER, item, "top-X")
        assert f"Signaal {ref}: top-X/casusoverleg" in decided["text"] and "VH-2026-0006" in decided["text"]
        assert "Eva" not in decided["text"]
        assert "→ <b>top-X/casusoverleg</b>" in bot.fake.messages[(TRIAGE_GROUP, item["message_id"])]["text"]

        # the terugkoppeling reaches the partner's direct chat through the outbox
        before = len(bot.fake.sent_messages(PARTNER))
        assert await bot.deliver() >= 1
        feedback = [m["text"] for m in bot.fake.sent_messages(PARTNER)[before:]]
    assert feedback == [
        f"Terugkoppeling op je signaal {ref}: top-X/casusoverleg. Er is casus VH-2026-0006 geopend;"
        " je bent deelnemer."
    ]
    assert bot.fake.sent_messages(TRIAGE_GROUP)[-1]["text"] == decided["text"]  # nothing else in the group


async def test_regie_in_a_group_shows_code_and_initials_and_in_a_dm_names_and_contact(chat: Chat) -> None:
    group, member = -4502, 7503
    async with running_bot(chat) as bot:
        bot.link("reclassering", member)
        in_group = await bot.messages(member, "/regie VH-2026-0001", 1, chat=group)
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(member)) == 1)
        (details,) = bot.fake.sent_messages(member)
        (direct,) = await bot.messages(member, "/regie VH-2026-0001", 1)
    (group_reply,) = in_group
    assert group_reply["text"].startswith("VH-2026-0001 (J.d.V.)")
    assert "privéchat" in group_reply["text"]
    for name in ("Fatima", "Anouk", "Jan de Vries", "Waterdam"):
        assert name not in group_reply["text"]
    assert buttons(group_reply) and buttons(group_reply)[0][1].startswith(
        "https://t.me/ketenbot_test?start=d-"
    )
    for text in (details["text"], direct["text"]):
        assert "Casusregie: Gemeente Waterdam — Fatima el Idrissi (via console)" in text
        assert "Anouk de Wit" in text
    assert buttons(direct) == []  # a direct chat needs no link to itself
    with chat.app.uow() as uow:
        reads = [e for e in uow.audit.search(name="regie") if e.platform == "telegram"]
        assert {e.chat_kind for e in reads} == {"direct", "group"}
