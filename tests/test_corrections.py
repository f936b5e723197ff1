"""Corrections in free text: which field, the new value read by the usual readers, and what is not one."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import texts
from bot.language.corrections import parse_correction
from tests.support.testdata import FICTIONAL_MOBILES, TEST_PERSONNUMMER

TODAY = date(2026, 12, 8)
PNR = TEST_PERSONNUMMER[4]
PHONE = FICTIONAL_MOBILES[30]
E164 = "+46" + PHONE.replace("-", "").replace(" ", "")[1:]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (f"ändra telefon till {PHONE}", {"phone": E164}),
        (f"Ändra brukarens telefonnummer till {PHONE}", {"phone": E164}),
        (f"byt mobilnummer till {PHONE}", {"phone": E164}),
        (f"telefonnumret ska vara {PHONE}", {"phone": E164}),
        (f"ändra mitt nummer till {PHONE}", {"orderer_phone": E164}),
        ("fel portkod, den är 4321", {"portkod": "4321"}),
        ("PORTKODEN ÄR FEL, SKA VARA 12#4", {"portkod": "12#4"}),
        ("fel på portkoden, den ska vara 4321 inte 1234", {"portkod": "4321"}),
        ("andra portkod till ingen", {"portkod": ""}),
        ("postnumret ska vara 582 24", {"postnummer": "582 24"}),
        ("rätta postnr till 58224", {"postnummer": "582 24"}),
        ("ändra ort till Ljungsbro", {"ort": "Ljungsbro"}),
        ("ändra namn till Greta Holm", {"brukare_name": "Greta Holm"}),
        (f"fel personnummer, det är {PNR}", {"personnummer": PNR}),
        (
            "ändra adressen till Ekvägen 3, 582 46 Linköping",
            {"street": "Ekvägen 3", "postnummer": "582 46", "ort": "Linköping"},
        ),
        (
            f"byt kontakt till sonen Erik Berg {PHONE}",
            {"contacts": [{"kind": "närstående", "name": "Erik Berg", "relation": "son", "phone": E164}]},
        ),
    ],
)
def test_a_correction_names_the_field_and_reads_the_value(text: str, values: dict[str, object]) -> None:
    correction = parse_correction(text, TODAY)
    assert correction is not None
    assert correction.error is None
    assert correction.values == values


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("ändra adress", ("street", "postnummer", "ort")),
        ("ändra telefon", ("phone",)),
        ("ändra portkoden", ("portkod",)),
        ("byt kontakter", ("contacts",)),
    ],
)
def test_a_correction_without_a_value_asks_the_field_again(text: str, fields: tuple[str, ...]) -> None:
    correction = parse_correction(text, TODAY)
    assert correction is not None
    assert (correction.fields, correction.values, correction.error) == (fields, {}, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("ändra telefon till 12", texts.ERR_PHONE),
        (f"fel personnummer, det är {PNR[:11]}{(int(PNR[11]) + 1) % 10}", texts.ERR_PNR_CHECKSUM),
        ("postnumret ska vara 5822", texts.ERR_POSTNUMMER),
        ("byt kontakt till sonen Erik", texts.ERR_CONTACT_FULL_NAME),
    ],
)
def test_a_wrong_new_value_is_refused_with_what_is_expected(text: str, error: str) -> None:
    correction = parse_correction(text, TODAY)
    assert correction is not None
    assert correction.values == {}
    assert correction.error == error


@pytest.mark.parametrize(
    "text",
    [
        "Nya gatan 5",
        "Storgatan 12",
        "Hemtjänst Ryd",
        "dotter",
        "ingen",
        "ja",
        "1234",
        f"telefon {PHONE}",
        "ändra",
        "jag vill ändra något",
        "hur ändrar man en beställning?",
        "Brukaren har telefon men ingen portkod",
    ],
)
def test_answers_and_sentences_are_not_corrections(text: str) -> None:
    assert parse_correction(text, TODAY) is None


@given(st.text(max_size=600))
def test_any_text_is_read_without_raising(text: str) -> None:
    correction = parse_correction(text, TODAY)
    assert correction is None or correction.fields
