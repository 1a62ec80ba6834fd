"""``ketenbot poll start`` and ``ketenbot admin member grant ID --role management``."""

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from storage.models import Role
from storage.network.poll import PollRound
from tests.harness import Chat

runner = CliRunner()


@pytest.fixture
def cli_env(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", chat.app.settings.database_url)
    return chat


def test_poll_start_asks_every_active_member(cli_env: Chat):
    result = cli_env.cli(["poll", "start", "--weeks", "2"])
    assert result.exit_code == 0, result.output
    assert "Peiling 1 gestart: 10 leden krijgen de vragen." in result.output
    with cli_env.app.uow() as uow:
        (poll_round,) = uow.session.exec(select(PollRound)).all()
    assert poll_round.members == 10
    assert len([m for m in cli_env.deliver() if "Vraag 1 van 3" in m.text]) == 10


def test_member_grant_gives_the_management_role(cli_env: Chat):
    with cli_env.app.uow() as uow:
        member = uow.members.by_handle("ggz")
        assert member is not None and member.id is not None
        member_id = member.id
    result = cli_env.cli(["admin", "member", "grant", str(member_id), "--role", "management"])
    assert result.exit_code == 0, result.output
    with cli_env.app.uow() as uow:
        assert Role.MANAGEMENT in uow.members.roles_of(member_id)
    assert cli_env.cli(["admin", "member", "grant", "9999", "--role", "management"]).exit_code != 0
    reply = cli_env.say("/opschalen VH-2026-0001 bestuur GGZ Rivierland geen behandelplan")
    assert "management van GGZ Rivierland (Lotte Bakker)" in reply
