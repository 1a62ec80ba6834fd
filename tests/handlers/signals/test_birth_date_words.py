"""A birth date lies in the past: its prompt and its refusal give an example from the past, never 'morgen';
a date field about the future (the overleg's 'Herhalen tot en met') keeps suggesting 'morgen'."""

from tests.harness import Chat


def test_the_birth_date_prompt_and_refusal_do_not_suggest_morgen(sqlite_chat: Chat):
    chat = sqlite_chat.as_member("wijkagent")
    chat.say("/signaal")
    prompt = chat.say("Eva Smit")
    assert "(2/8) Geboortedatum" in prompt and "bijvoorbeeld 12-03-1985" in prompt
    assert "morgen" not in prompt
    refusal = chat.say("ergens in maart")
    assert "Ik begrijp de datum 'ergens in maart' niet" in refusal and "morgen" not in refusal


def test_the_person_form_of_casus_refuses_a_bad_birth_date_without_morgen(sqlite_chat: Chat):
    values = {"case": "VH-2026-0002", "name": "Lisa Jansen", "birth_date": "ergens", "role": "kind_getuige"}
    sqlite_chat.say("/casus VH-2026-0002 persoon toevoegen", user="procesmanager2")  # a follow-up: open it
    bad = sqlite_chat.submit("casus.person_hg", values, user="procesmanager2")
    assert bad[0].form is not None
    error = sqlite_chat.app.catalogue.render(bad[0].form.errors["birth_date"], "nl")
    assert "Ik begrijp de datum 'ergens' niet" in error and "morgen" not in error


def test_a_date_in_the_future_still_suggests_morgen(sqlite_chat: Chat):
    chat = sqlite_chat.as_member("wijkagent")
    assert "'morgen'" in chat.say("/afwezig ooit 31-12-2026 @procesmanager")
