"""What the operator reads when the encryption key is missing or wrong: how to make one, where to keep it,
and what losing it means. The CLI speaks Dutch (the operators are Dutch); storage raises the reason only."""

from __future__ import annotations

from storage.crypto import KEY_SETTING, EncryptionKeyError

KEEP_IT = (
    "Bewaar de sleutel ook buiten deze machine (in de wachtwoordkluis of het sleutelbeheer van je "
    "organisatie), nooit in git of in een chat. Raak je hem kwijt, dan zijn de opgeslagen persoonsgegevens "
    "niet meer te lezen: er is geen herstel."
)

MAKE_ONE = (
    f"Maak er één met `ketenbot privacy new-key` en zet de regel {KEY_SETTING}=<sleutel> in .env naast de "
    "bot (of in de omgeving van de dienst, bijvoorbeeld een systemd EnvironmentFile met alleen leesrecht "
    "voor de bot)."
)


def explain_key_error(error: EncryptionKeyError) -> str:
    """A few lines in Dutch; the first says what is wrong, the rest what to do."""
    if error.reason == "missing":
        return (
            f"{KEY_SETTING} is niet gezet: ketenbot start niet, want persoonsgegevens worden versleuteld "
            f"opgeslagen.\n{MAKE_ONE}\n{KEEP_IT}"
        )
    if error.reason == "malformed":
        return (
            f"{KEY_SETTING} is ongeldig: verwacht id:base64(32 bytes), meerdere gescheiden door komma's "
            f"(k2:NIEUW,k1:OUD).\n{MAKE_ONE}"
        )
    if error.reason == "unknown_key":
        return (
            f"{KEY_SETTING} mist sleutel '{error.key_id}' die de opgeslagen gegevens nodig hebben. Zet die "
            "sleutel (uit je kluis) achter de huidige; een nieuwe sleutel maakt deze gegevens niet leesbaar."
        )
    if error.reason == "wrong_key":
        return (
            f"{KEY_SETTING}: sleutel '{error.key_id}' is onjuist (de opgeslagen gegevens zijn er niet mee te "
            "ontsleutelen). Zet de sleutel terug die bij deze database hoort (uit je kluis)."
        )
    return f"{KEY_SETTING} is niet ingesteld voor deze database: ketenbot raakt geen persoonsgegevens aan."
