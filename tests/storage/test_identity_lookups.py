"""The joined lookups the hot path uses answer exactly like the one-at-a-time ones."""

from datetime import UTC, datetime, timedelta

from storage.db import make_engine
from storage.uow import UnitOfWork

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_regie_holders_carry_the_preferred_identity_and_skip_blocked_ones(database_url):
    engine = make_engine(database_url)
    with UnitOfWork(engine) as uow:
        organisation = uow.organisations.add("Gemeente Waterdam", "gemeente")
        assert organisation.id is not None
        ids = []
        for n in range(3):
            member = uow.members.add(f"Deelnemer {n}", organisation.id, ["partner"], at=T0)
            assert member.id is not None
            ids.append(member.id)
        first, second, third = ids
        uow.identities.link(first, "console", "een", display_name=None, direct_chat_id=None, at=T0)
        uow.identities.link(
            first, "telegram", "1", display_name=None, direct_chat_id="1", at=T0 + timedelta(1)
        )
        uow.identities.link(second, "console", "twee", display_name=None, direct_chat_id=None, at=T0)
        uow.identities.link(
            second, "slack", "U2", display_name=None, direct_chat_id="D2", at=T0 + timedelta(1)
        )
        uow.identities.mark_unreachable("slack", "U2", T0 + timedelta(2))  # blocked the bot there
        uow.commit()

        found = {}
        for member_id in (first, second, third):  # one case per member, the member holding casusregie
            case = uow.cases.open(track="topx", initials="T.", at=T0, year=2026, opened_by=None)
            assert case.id is not None
            assert uow.regie.holders(case.id) == {}
            uow.regie.assign(case.id, "casusregie", member_id, organisation.id, T0)
            uow.regie.assign(case.id, "procesregie", first, organisation.id, T0)
            holders = uow.regie.holders(case.id)
            assert holders["casusregie"].member_name == f"Deelnemer {ids.index(member_id)}"
            assert holders["casusregie"].organisation_name == "Gemeente Waterdam"
            assert holders["procesregie"].address == ("telegram", "1")
            found[member_id] = holders["casusregie"].address
            one = uow.identities.preferred(member_id)
            assert found[member_id] == ((one.platform, one.external_id) if one else None)
        assert found == {first: ("telegram", "1"), second: ("console", "twee"), third: None}
    engine.dispose()
