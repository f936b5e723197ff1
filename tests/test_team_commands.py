"""The team's command words: forgiving about case, å/ä/ö and typos, strict enough not to catch answers."""

from __future__ import annotations

import pytest

from bot.domain import ChecklistItem, Devices
from dialogs.team.commands import (
    TeamCommand,
    UnclearSerials,
    Verb,
    booking_parts,
    checklist_item,
    devices,
    parse_team_command,
)


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("registrera teamkanal", TeamCommand(Verb.REGISTER)),
        ("Registrera Teamkanal!", TeamCommand(Verb.REGISTER)),
        ("registrera tamkanal", TeamCommand(Verb.REGISTER)),
        ("hjälp", TeamCommand(Verb.HELP)),
        ("ärenden", TeamCommand(Verb.LIST)),
        ("ARENDEN", TeamCommand(Verb.LIST)),
        ("Öppna ärenden", TeamCommand(Verb.LIST)),
        ("inventarielistan", TeamCommand(Verb.INVENTORY)),
        ("Ta VT-2026-0001", TeamCommand(Verb.TAKE, "VT-2026-0001")),
        ("visa vt-2026-42", TeamCommand(Verb.SHOW)),  # no reference: serials have four digits or more
        ("visa vt2026-0042", TeamCommand(Verb.SHOW, "VT-2026-0042")),
        (
            "Avslut VT-2026-0001  Allt klart, tack!  ",
            TeamCommand(Verb.CLOSE, "VT-2026-0001", "Allt klart, tack!"),
        ),
        (
            "makulerra VT-2026-0001 Brukaren avböjde",
            TeamCommand(Verb.CANCEL, "VT-2026-0001", "Brukaren avböjde"),
        ),
        ("klart VT-2026-0001 information", TeamCommand(Verb.TICK, "VT-2026-0001", "information")),
        ("boka VT-2026-0001 3 dec kl 10", TeamCommand(Verb.BOOK, "VT-2026-0001", "3 dec kl 10")),
        ("boka 3 dec kl 10", TeamCommand(Verb.BOOK)),  # the reference is missing
    ],
)
def test_commands_are_recognised_forgivingly(typed: str, command: TeamCommand) -> None:
    assert parse_team_command(typed) == command


@pytest.mark.parametrize(
    "answer",
    ["Åre", "ja", "mina ärenden", "status VT-2026-0001", "1 VT-2026-0001", "Tage", "Greta Johansson"],
)
def test_answers_and_other_commands_are_not_taken_for_team_commands(answer: str) -> None:
    assert parse_team_command(answer) is None


def test_the_contact_follows_the_time_when_given() -> None:
    assert booking_parts("3 dec kl 10 kontaktad dottern Anna") == ("3 dec kl 10", "dottern Anna")
    assert booking_parts("3/12 10.00 Kontaktat: brukaren") == ("3/12 10.00", "brukaren")
    assert booking_parts("3/12 10.00") == ("3/12 10.00", "")


@pytest.mark.parametrize(
    ("typed", "item"),
    [
        ("installerat", ChecklistItem.INSTALLED),
        ("Installerad", ChecklistItem.INSTALLED),
        ("registrerat i Safemate", ChecklistItem.REGISTERED),
        ("info", ChecklistItem.INFORMATION),
        ("inventarie larm A1", ChecklistItem.INVENTORY),
        ("allt", None),
        ("2", None),
    ],
)
def test_checklist_items_are_recognised(typed: str, item: ChecklistItem | None) -> None:
    assert checklist_item(typed)[0] is item


def test_serials_are_read_for_the_alarm_and_the_lock() -> None:
    assert devices("larm A-100 lås L-200") == Devices(alarm_serial="A-100", lock_serial="L-200")
    assert devices("Låsenhet: L-200, LARM: A-100") == Devices(alarm_serial="A-100", lock_serial="L-200")
    assert devices("las L-200") == Devices(lock_serial="L-200")
    assert devices("") is None
    with pytest.raises(UnclearSerials):
        devices("A-100")
