import pytest

from storage.names import initials, name_key, surname_key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Jan de Vries", "jan vries"),
        ("JAN  DE   VRIES", "jan vries"),
        ("jan van der Berg", "jan berg"),
        ("Jan van den Berg", "jan berg"),
        ("Anna ter Horst", "anna horst"),
        ("Piet in 't Veld", "piet veld"),
        ("Piet in ’t Veld", "piet veld"),
        ("Zoë Öztürk-Çelik", "zoe ozturk celik"),
        ("Renée  Dekker ", "renee dekker"),
        ("123", ""),
    ],
)
def test_name_keys_ignore_case_diacritics_tussenvoegsels_and_spacing(typed, key):
    assert name_key(typed) == key


def test_surname_key_is_the_last_identifying_word():
    assert surname_key("Jan van der Berg") == "berg"
    assert surname_key("vries") == "vries"


def test_initials_keep_tussenvoegsels_in_lower_case():
    assert initials("Jan de Vries") == "J.d.V."
    assert initials("Kees van den Berg") == "K.v.d.B."
    assert initials("Zoë Öztürk") == "Z.O."
    assert initials("") == "?"
