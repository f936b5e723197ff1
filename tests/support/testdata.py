"""Skatteverket's test personnummer (CC0, copied from shared/testdata) and PTS's fictional phones."""

from __future__ import annotations

from pathlib import Path

TESTDATA_FILE = Path(__file__).parents[1] / "data" / "testpersonnummer.txt"


def _read_test_numbers() -> list[str]:
    lines = TESTDATA_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


TEST_PERSONNUMMER = _read_test_numbers()
# PTS's series for fiction: 070-174 06 05 … 070-174 06 99 and 08-465 004 00 … 99.
FICTIONAL_MOBILES = [f"070-174 06 {n:02d}" for n in range(5, 100)]
FICTIONAL_LANDLINES = [f"08-465 004 {n:02d}" for n in range(100)]
