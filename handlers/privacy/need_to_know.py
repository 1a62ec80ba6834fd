"""Need-to-know, one rule (docs/privacy.md): who may learn that a person is known to the network.

1. That a person is known in a case, and that case's code, is told only to a deelnemer of that case:
   ``/regie NAAM``, the procesmanagers' copy of an informatieverzoek (``/info``) and the triage queue's
   "mogelijk bekend" hint all filter through ``known_to``; nobody else learns it from the bot.
2. A partner who asks (``/info``) learns only what a procesmanager answers ("bekend, neem contact op met
   ..." or "niet bekend"), never a case code.
3. Anything that names a person, and every name search, is answered in the asker's direct chat only: from
   a group the group gets one line that says where the answer is (``answer_in_direct``), never the answer;
   forms that ask for personal data run in the direct chat (``form_in_direct``).
4. A deputy (``/afwezig``) receives an absent member's message only when they are a deelnemer of every case
   it is about (``storage/outbox/forwarding.py``); the deelnemer rule itself lives in storage
   (``storage/cases/deelnemers.py``) so the outbox can apply it: ``known_to`` and the outbox agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.core import ChatKind, Context, Reply, Target, t
from bot.core.direct import offer_direct
from handlers.privacy.policy import in_group
from storage.cases.tables import Case


def known_to(ctx: Context, cases: Sequence[Case], member_id: int, organisation_id: int) -> list[Case]:
    """The cases (of a person found by name or code) this member may be told about: deelnemer only."""
    return [
        case
        for case in cases
        if case.id is not None and ctx.uow.cases.is_participant(case.id, member_id, organisation_id)
    ]


def answer_in_direct(ctx: Context, replies: Sequence[Reply]) -> list[Reply]:
    """In a direct chat: the replies. From a group: one line there, the replies in the direct chat."""
    if not in_group(ctx):
        return list(replies)
    offer = offer_direct(ctx)
    return [
        Reply(t("privacy.answered_in_direct"), buttons=[offer] if offer else []),
        *(replace(reply, target=Target.DIRECT) for reply in replies),
    ]


def run_in_direct(ctx: Context) -> list[Reply]:
    """From a group, a command whose answer or refusal could name a person, a category or justice data
    (``/casus CODE persoon ...``) is not run there: the group gets one line and a button that runs it in
    the asker's direct chat (``bot/core/direct.py``), where its answer and any refusal go."""
    offer = offer_direct(ctx)
    return [Reply(t("privacy.run_in_direct"), buttons=[offer] if offer else [])]


def form_in_direct(ctx: Context, start: Callable[[Context], list[Reply]]) -> list[Reply]:
    """Start a form that asks for personal data in the member's direct chat, also when asked in a group:
    the form's progress is kept for the direct chat, and its questions go there."""
    if not in_group(ctx):
        return start(ctx)
    incoming = ctx.incoming
    identity = ctx.uow.identities.find(incoming.platform, incoming.user_id)
    direct_id = (identity.direct_chat_id if identity else None) or incoming.user_id
    ctx.incoming = replace(incoming, chat_id=direct_id, chat_kind=ChatKind.DIRECT)
    try:
        replies = start(ctx)
    finally:
        ctx.incoming = incoming
    return [Reply(t("privacy.form_in_direct")), *(replace(r, target=Target.DIRECT) for r in replies)]
