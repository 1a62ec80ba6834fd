from tests.harness import Chat


def test_language_switch_is_kept_and_validated(chat: Chat):
    chat.as_member("ggz").verify_dialog(
        [
            ("/taal en", "Your language is now English."),
            ("/ik", "Your profile: Lotte Bakker"),
            ("/taal fr", "I don't know the language 'fr'"),
            ("/language nl", "Je taal is nu Nederlands."),
        ]
    )


def test_bare_taal_shows_usage(chat: Chat):
    chat.as_member("ggz").verify_dialog([("/taal", "Gebruik: /taal nl of /taal en")])
