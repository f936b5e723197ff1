"""Messages about a filed order without a command word: a change with a value that fits, a pause."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.followup.fields import ChangeField, read_change
from bot.language.followup_commands import FollowUpVerb
from bot.language.implied_followups import implied_followup
from bot.language.pause_dates import read_pause

TODAY = date(2026, 12, 8)
DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "field", "values"),
    [
        ("ny portkod för VT-2026-0042: 4455", ChangeField.PORTKOD, {"portkod": "4455"}),
        ("Portkoden till VT-2026-0042 är ändrad till 4455", ChangeField.PORTKOD, {"portkod": "4455"}),
        ("VT-2026-0042 nytt telefonnummer 070-174 06 77", ChangeField.PHONE, {"phone": "+46701740677"}),
        ("Telefonnumret på VT-2026-0042 är nu 070-174 06 78", ChangeField.PHONE, {"phone": "+46701740678"}),
        ("vt-2026-0042 ny portkod ingen", ChangeField.PORTKOD, {"portkod": ""}),
        ("nytt nr till brukaren VT-2026-0042: 070-174 06 77", ChangeField.PHONE, {"phone": "+46701740677"}),
        (
            "VT-2026-0042 bytt telefonnummer, nya är 070-174 06 78",
            ChangeField.PHONE,
            {"phone": "+46701740678"},
        ),
        (
            "VT-2026-0042 brukaren har flyttat till Ågatan 3, 582 22 Linköping",
            ChangeField.ADDRESS,
            {"street": "Ågatan 3", "postnummer": "582 22", "ort": "Linköping"},
        ),
        ("VT-2026-0042 nyckeln är hämtad nu", ChangeField.KEY, {"key_collected": True}),
        ("VT-2026-0042 nyckeln e inte hämtad än, kommer imorgon", ChangeField.KEY, {"key_collected": False}),
        (
            "VT-2026-0042 vi har hämtat tagg till ytterdörren",
            ChangeField.OUTER_DOOR,
            {"outer_door_tag_needed": True, "outer_door_tag_collected": True},
        ),
    ],
)
def test_a_field_and_a_value_that_fits_is_a_change(text: str, field: ChangeField, values: dict) -> None:
    command = implied_followup(text, TODAY)
    assert command is not None and command.verb is FollowUpVerb.CHANGE and command.reference == "VT-2026-0042"
    change = read_change(command.argument, TODAY)
    assert change is not None and change.field is field and change.values == values


@pytest.mark.parametrize(
    ("text", "until"),
    [
        (
            "Hej! Brukaren på VT-2026-0042 ligger på sjukhus till 20 januari, kan ni vänta med larmet?",
            date(2027, 1, 20),
        ),
        (
            "Kan installationen för VT-2026-0042 skjutas upp till 15 januari? Hon är på korttids.",
            date(2027, 1, 15),
        ),
        ("VT-2026-0042 får vänta i två veckor, brukaren är på korttidsboende", date(2026, 12, 22)),
    ],
)
def test_a_word_for_waiting_with_a_date_is_a_pause(text: str, until: date) -> None:
    command = implied_followup(text, TODAY)
    assert command is not None and command.verb is FollowUpVerb.PAUSE
    assert read_pause(command.argument, TODAY).until == until


@pytest.mark.parametrize(
    "text",
    [
        "Hur går det med VT-2026-0042?",
        "Vilken portkod har VT-2026-0042?",
        "VT-2026-0042 installerades 3 december",
        "Portkoden till VT-2026-0042 är 12 34 56 78 90 12 34 56 78 90",  # no value that fits
        "ny portkod för VT-2026-0042",  # no value
        "Brukaren på VT-2026-0042 ligger på sjukhus",  # no date, no word for waiting
        "Vi väntar på VT-2026-0042 sedan 3 december",  # a date, but not ahead
        "ny portkod 4455",  # no order named
        "Har VT-2026-0042 fått larmet till Ågatan 3, 582 22 Linköping?",  # nothing said to be new
        "VT-2026-0042 ring mig på 070-174 06 50 om något",  # a number, but not said to be the brukare's
        "VT-2026-0042 portkoden funkar inte, ny kod 4455?",  # a fault to report first
        "Har ni hämtat nyckeln till VT-2026-0042?",  # a question says nothing new
    ],
)
def test_anything_less_is_not_read_as_a_change_or_a_pause(text: str) -> None:
    assert implied_followup(text, TODAY) is None


def test_no_status_question_and_no_opener_is_read_as_a_change_or_a_pause() -> None:
    status = json.loads((DATA / "status_phrases.json").read_text(encoding="utf-8"))
    openers = json.loads((DATA / "openers.json").read_text(encoding="utf-8"))
    texts = [entry["text"] for entry in [*status["phrases"], *openers]]
    assert [text for text in texts if implied_followup(text, TODAY) is not None] == []
