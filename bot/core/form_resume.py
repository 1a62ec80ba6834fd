"""Starting a form while a half-filled one is open in the same chat (issue 17, loose ends item 4).

The same form: the member is asked "doorgaan of opnieuw beginnen?" (buttons, or the typed words); nothing is
thrown away until they choose ``opnieuw``. The start's prefilled values wait in the form state under
``RESTART`` until then. Another form: the member is told which form is open and how to stop it. A form that
was started but not answered yet holds nothing to lose and is simply replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.i18n import t
from bot.core.types import Button, Reply

PREFILLED = "_prefilled"  # form values: the fields a handler filled in before the member was asked
RESTART = "_restart"  # the initial values of a start that waits for "doorgaan of opnieuw?"
RESUME_WORDS = frozenset({"doorgaan", "verder", "continue", "resume"})
RESTART_WORDS = frozenset({"opnieuw", "opnieuw beginnen", "restart", "start over"})


def has_answers(values: Mapping[str, Any]) -> bool:
    """Whether the member answered anything yet (prefilled values and markers do not count)."""
    given = set(values.get(PREFILLED, ()))
    return any(name not in (PREFILLED, RESTART) and name not in given for name in values)


def choice_of(raw: str | None) -> str | None:
    """``resume``, ``restart`` or None for what the member typed or pressed."""
    word = (raw or "").strip().lower()
    if word in RESUME_WORDS:
        return "resume"
    if word in RESTART_WORDS:
        return "restart"
    return None


def resume_question(title: Any, choose_action: str, cancel_action: str) -> Reply:
    return Reply(
        t("form.resume_or_restart", title=title),
        buttons=[
            Button(choose_action, t("form.resume_button"), "doorgaan"),
            Button(choose_action, t("form.restart_button"), "opnieuw"),
            Button(cancel_action, t("form.cancel_button")),
        ],
    )
