"""CSV files for Swedish spreadsheets: semicolons, a byte-order mark for å, ä, ö, and no formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The rows under `header`, each value that a spreadsheet would run as a formula quoted as text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_safe(value) for value in row] for row in rows)
    return "\ufeff" + out.getvalue()


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
