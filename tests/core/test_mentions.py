"""A member's mention is shown the way the reader's platform can use it; nobody can type one."""

from __future__ import annotations

from bot.adapters.slack.markup import escape, fallback_text
from bot.adapters.telegram.markup import escape as telegram_escape
from bot.core.mentions import mention, resolve
from tests.harness import Chat

SLACK, CONSOLE, TELEGRAM = (
    mention("slack", "U910"),
    mention("console", "procesmanager"),
    mention("telegram", "7503"),
)
TEXT = f"Fatima ({SLACK}), Anouk ({CONSOLE}), Eva ({TELEGRAM})"


def test_each_platform_shows_what_its_reader_can_use() -> None:
    assert resolve(TEXT, "console") == "Fatima (via Slack), Anouk (@procesmanager), Eva (via Telegram)"
    on_telegram = resolve(TEXT, "telegram")
    assert telegram_escape(on_telegram) == (
        'Fatima (via Slack), Anouk (via console), Eva (<a href="tg://user?id=7503">via Telegram</a>)'
    )
    on_slack = resolve(TEXT, "slack")
    assert escape(on_slack) == "Fatima (<@U910>), Anouk (via console), Eva (via Telegram)"
    assert fallback_text(on_slack).startswith("Fatima (<@U910>)")


def test_only_a_user_id_becomes_a_telegram_mention_and_typed_links_stay_text() -> None:
    for forged in ("-1001234", "12 onclick=x", '1"><b>x</b>'):
        assert telegram_escape(resolve(mention("telegram", forged), "telegram")) == "via Telegram"
    typed = '<a href="tg://user?id=7503">bel mij</a>'
    assert telegram_escape(typed) == '&lt;a href="tg://user?id=7503"&gt;bel mij&lt;/a&gt;'


def test_only_a_real_slack_id_becomes_a_slack_mention() -> None:
    forged = mention("slack", "!channel")
    assert escape(resolve(forged, "slack")) == "via Slack"
    assert escape("<@U910> <!channel>") == "&lt;@U910&gt; &lt;!channel&gt;"  # typed: shown literally


def test_the_markers_cannot_be_typed(chat: Chat) -> None:
    assert "stuurtekens" in chat.say(f"/info {mention('slack', 'U910')}", user="procesmanager")
