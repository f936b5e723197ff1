"""What one member of staff types for a whole order, with test personnummer and PTS's fictional phones."""

from __future__ import annotations

from tests.support.testdata import FICTIONAL_MOBILES, TEST_PERSONNUMMER


def order_answers(number: int) -> list[str]:
    """The messages of order `number`, from `beställ` to the confirming `ja` (a new user each time)."""
    pnr = TEST_PERSONNUMMER[number % len(TEST_PERSONNUMMER)]
    phone = FICTIONAL_MOBILES[number % len(FICTIONAL_MOBILES)]
    relative = FICTIONAL_MOBILES[(number + 1) % len(FICTIONAL_MOBILES)]
    return [
        "beställ",
        "ja",
        "ja",
        "ja",
        "Hemtjänst Ryd",
        "Karin Andersson",
        "070-174 06 10",
        "Greta Johansson",
        f"{pnr[:8]}-{pnr[8:]}",
        "Storgatan 12",
        "58223",
        "Linköping",
        phone,
        "1234",
        "ja",
        "ja",
        "närstående",
        "Anna Johansson",
        "dotter",
        relative,
        "nej",
        "1",
        "1",
        "ja",
    ]
