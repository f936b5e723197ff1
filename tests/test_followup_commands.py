"""Commands about a filed order: the phrase corpus, the change shapes read by corrections, what is not one."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.language.corrections import parse_correction
from bot.language.followup_commands import (
    PHRASES,
    REFERENCE_NEEDED,
    FollowUpCommand,
    FollowUpVerb,
    parse_followup,
)
from bot.language.words import fold
from dialogs.team.commands import BEFORE_REFERENCE
from tests.support.testdata import FICTIONAL_MOBILES

CORPUS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "followup_phrases.json").read_text(encoding="utf-8")
)
PHRASES_TO_READ: list[dict[str, Any]] = CORPUS["phrases"]
TODAY = date(2026, 12, 8)
REFERENCE = "VT-2026-0042"
NORMALISED = re.compile(r"^(VT-\d{4}-\d{4,})?$")


def _expected(entry: dict[str, Any]) -> FollowUpCommand | None:
    if entry["verb"] is None:
        return None
    return FollowUpCommand(FollowUpVerb[entry["verb"].upper()], entry["reference"], entry["argument"])


@pytest.mark.parametrize("entry", PHRASES_TO_READ, ids=[entry["text"][:40] for entry in PHRASES_TO_READ])
def test_phrase(entry: dict[str, Any]) -> None:
    assert parse_followup(entry["text"]) == _expected(entry)


def test_the_corpus_covers_every_verb_and_enough_phrases() -> None:
    assert len(PHRASES_TO_READ) >= 80
    verbs = {entry["verb"] for entry in PHRASES_TO_READ}
    assert verbs == {verb.name.lower() for verb in FollowUpVerb} | {None}
    assert sum(entry["verb"] is None for entry in PHRASES_TO_READ) >= 25


def test_every_verb_has_its_own_word() -> None:
    for verb in FollowUpVerb:
        assert PHRASES[tuple(fold(verb.value).split())] is verb


def test_the_lead_feeds_a_change_to_the_correction_reader() -> None:
    command = parse_followup("Jag vill ändra telefonnumret på VT-2026-0042 till 070-174 06 99")
    assert command is not None
    correction = parse_correction("ändra " + command.argument, TODAY)
    assert correction is not None
    assert correction.values == {"phone": "+46701740699"}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("ändra VT-2026-0042 telefon 070-174 06 99", {"phone": "+46701740699"}),
        ("VT-2026-0042: ändra telefon till 070-174 06 99", {"phone": "+46701740699"}),
        ("byt telefonnummer på VT-2026-0042 till 070-174 06 99", {"phone": "+46701740699"}),
        ("uppdatera VT-2026-0042 med nytt nummer 070-174 06 99", {"phone": "+46701740699"}),
        ("Kan ni ändra mobilnumret för ärendet VT-2026-0042 till 070-174 06 99?", {"phone": "+46701740699"}),
        ("rätta VT-2026-0042 ny portkod 9876", {"portkod": "9876"}),
        ("Hej! Kan ni ändra portkoden på ärendet VT-2026-0042 till 2580?", {"portkod": "2580"}),
        ("ändra på VT-2026-0042: portkoden är 1234", {"portkod": "1234"}),
        ("andra vt-2026-0042 postnummer 58224", {"postnummer": "582 24"}),
        (
            "Korrigera adressen för VT-2026-0042 till Storgatan 3, 582 24 Linköping",
            {"street": "Storgatan 3", "postnummer": "582 24", "ort": "Linköping"},
        ),
    ],
)
def test_change_shapes_are_read_by_the_correction_reader(text: str, values: dict[str, object]) -> None:
    command = parse_followup(text)
    assert command is not None
    assert command.verb is FollowUpVerb.CHANGE
    assert command.reference == REFERENCE
    correction = parse_correction("ändra " + command.argument, TODAY)
    assert correction is not None
    assert correction.values == values


@pytest.mark.parametrize("words", sorted(set(BEFORE_REFERENCE) - {"makulera"}))
def test_the_teams_own_commands_are_not_follow_ups(words: str) -> None:
    """(`makulera` from staff is their cancellation; the team's handler takes it from the team.)"""
    assert parse_followup(f"{words} VT-2026-0042 brukaren tackade nej") is None
    assert parse_followup(f"{words} VT-2026-0042") is None


@pytest.mark.parametrize("phrase", sorted(" ".join(words) for words in REFERENCE_NEEDED))
def test_some_words_need_a_reference(phrase: str) -> None:
    assert parse_followup(phrase) is None
    command = parse_followup(f"{phrase} VT-2026-0042")
    assert command is not None
    assert command.verb is FollowUpVerb.CANCEL


@pytest.mark.parametrize(
    ("verb", "spoken"),
    [(verb, " ".join(words)) for words, verb in PHRASES.items() if words not in REFERENCE_NEEDED],
)
def test_every_phrase_names_its_verb_before_the_reference(verb: FollowUpVerb, spoken: str) -> None:
    command = parse_followup(f"{spoken} VT-2026-0042 Brukaren är bortrest")
    assert command == FollowUpCommand(verb, REFERENCE, "Brukaren är bortrest")


def test_argument_keeps_a_question_mark_only_in_messages() -> None:
    asked = parse_followup("fråga VT-2026-0042 har ni en ny kod?")
    cancelled = parse_followup("kan ni avbeställa VT-2026-0042 pga flytt?")
    assert asked is not None and asked.argument == "har ni en ny kod?"
    assert cancelled is not None and cancelled.argument == "pga flytt"


@pytest.mark.parametrize("phone", FICTIONAL_MOBILES[-3:])
def test_the_reference_is_normalised(phone: str) -> None:
    command = parse_followup(f"ÄNDRA vt20260042 telefon {phone}")
    assert command == FollowUpCommand(FollowUpVerb.CHANGE, REFERENCE, f"telefon {phone}")


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text: str) -> None:
    command = parse_followup(text)
    if command is not None:
        assert NORMALISED.match(command.reference)
        assert command.argument == command.argument.strip()


@given(
    st.sampled_from(["avbeställ", "pausa", "meddela", "svar", "historik"]),
    st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzåäö ,"), max_size=60),
)
def test_argument_is_what_follows_the_reference(verb: str, rest: str) -> None:
    command = parse_followup(f"{verb} VT-2026-0042 Brukaren {rest}")
    assert command is not None
    assert command.reference == REFERENCE
    assert command.argument == f"Brukaren {rest}".rstrip(" ,")
