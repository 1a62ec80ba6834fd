"""``has_forbidden`` checks a whole text with one character class; ``forbidden`` is the rule per character.
The two must agree on every code point there is."""

from bot.core.hygiene import forbidden, has_forbidden


def test_the_pattern_and_the_rule_agree_on_every_code_point():
    disagree = [hex(point) for point in range(0x110000) if has_forbidden(chr(point)) != forbidden(chr(point))]
    assert disagree == []


def test_a_forbidden_character_anywhere_in_a_text_is_found():
    assert not has_forbidden("/regie VH-2026-0001\tmet tab\nen regel")
    assert has_forbidden("/regie VH-2026-0001\u202e")
    assert has_forbidden("Jan\x00")
    assert has_forbidden("\ud800 los")


def test_characters_that_hide_in_a_code_are_refused_but_emoji_joiners_and_pasted_line_breaks_are_not():
    assert has_forbidden("VH-2026\u200b-0001") and has_forbidden("\ufeff/help") and has_forbidden("a\u2060b")
    assert not has_forbidden("👩\u200d⚕️ zorg") and not has_forbidden("regel\u2028regel")
