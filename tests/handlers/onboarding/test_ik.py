from tests.harness import Chat


def test_whoami_shows_profile_roles_and_identities(chat: Chat):
    chat.as_member("voorzitter").verify_dialog(
        [
            ("/ik", "Je profiel: Marieke Hoekstra"),
            ("/whoami", "Rollen: partner, voorzitter"),
            ("/ik", "console:voorzitter"),
        ]
    )
