"""End to end: the real PTB Application against the fake Bot API, ketenbot's router on SQLite and Postgres."""

from __future__ import annotations

from bot.core.types import ChatKind
from tests.adapters.telegram.telegram_support import running_bot
from tests.harness import Chat

NEW_USER, MEMBER, GROUP = 7001, 7002, -4001


async def test_deep_link_onboarding_links_the_identity(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        call = await bot.say(NEW_USER, f"/start {chat.invite_code}", first_name="Noor", language_code="nl")
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(NEW_USER)) >= 2)  # and the question
        assert "Je code klopt" in call.params["text"] and "Gemeente Waterdam" in call.params["text"]
        assert "Je chatprofiel zegt" in call.params["text"] and "Noor" in call.params["text"]  # offered
        assert "(1/1) Je voor- en achternaam" in bot.fake.sent_messages(NEW_USER)[1]["text"]
        welcome = await bot.say(NEW_USER, "ja")
        assert "Welkom, Noor!" in welcome.params["text"] and welcome.params["parse_mode"] == "HTML"
        profile = await bot.say(NEW_USER, "/ik")
        assert f"telegram:{NEW_USER}" in profile.params["text"]
        again = await bot.say(NEW_USER, f"/start {chat.invite_code}")
        assert "Noor" in again.params["text"]  # already linked: no second member
    with chat.app.uow() as uow:
        identity = uow.identities.find("telegram", str(NEW_USER))
        assert identity is not None and identity.direct_chat_id == str(NEW_USER)
        member = uow.members.get(identity.member_id)
        assert member is not None and member.name == "Noor"


async def test_unknown_user_gets_a_hint_in_english_when_their_telegram_is_english(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        call = await bot.say(NEW_USER, "/ik", language_code="en")
    assert "invite code" in call.params["text"] and "/join" in call.params["text"]
    assert "uitnodig" not in call.params["text"].lower()


async def test_user_text_is_escaped_so_no_markup_or_links_get_through(chat: Chat) -> None:
    name = '<a href="https://evil.example">Klik</a> & <b>co'
    async with running_bot(chat) as bot:
        call = await bot.say(NEW_USER, f"/start {chat.invite_code}", first_name=name)  # the name offered
    text = call.params["text"]
    assert '&lt;a href="https://evil.example"&gt;Klik&lt;/a&gt; &amp; &lt;b&gt;co' in text
    assert "<a" not in text and "<b>" not in text
    assert call.params["link_preview_options"] == {"is_disabled": True}


async def test_commands_answer_in_the_chat_they_came_from_direct_and_group(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("voorzitter", MEMBER)
        direct = await bot.say(MEMBER, "/ik")
        group = await bot.say(MEMBER, "/ik@ketenbot_test", chat=GROUP, title="MDO Rivierland")
        silent_before = len(bot.fake.calls)
        await bot.fake.push_message(NEW_USER, GROUP, "gewoon een bericht", chat_type="group")
        await bot.say(MEMBER, "/help", chat=GROUP)  # processed after the plain text
    assert direct.params["chat_id"] == MEMBER and "Marieke Hoekstra" in direct.params["text"]
    assert group.params["chat_id"] == GROUP and "Marieke Hoekstra" in group.params["text"]
    group_sends = [c for c in bot.fake.calls[silent_before:] if c.method == "sendMessage"]
    assert len(group_sends) == 1 and "/ik" in group_sends[0].params["text"]  # plain text in a group: silence
    with chat.app.uow() as uow:
        events = uow.audit.search(name="ik")
        assert {e.chat_kind for e in events if e.platform == "telegram"} == {ChatKind.DIRECT, ChatKind.GROUP}


async def test_set_my_commands_in_dutch_and_english(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        dutch = bot.fake.commands_for("nl")
        english = bot.fake.commands_for("en")
        default = bot.fake.commands_for("")
    assert dutch is not None and english is not None
    names = [c["command"] for c in dutch]
    assert "help" in names and "ik" in names and "taal" in names
    assert "start" not in names and "aanmelden" not in names  # hidden commands stay out of the menu
    assert names == [c["command"] for c in english] and default == dutch
    described = {c["command"]: c["description"] for c in dutch}
    described_en = {c["command"]: c["description"] for c in english}
    assert described["help"] != described_en["help"]
    assert all(c["description"] and not c["description"].startswith("help.") for c in dutch + english)
