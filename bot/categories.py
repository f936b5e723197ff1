"""The Lindesk categories an order can be filed under, read from `lindesk_categories.json`."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

DEFAULT_FILE = Path(__file__).with_name("lindesk_categories.json")


class Categories(BaseModel):
    """Rubriker under Vård, Stöd och Omsorg > Välfärdsteknik, each with its underrubriker."""

    rubriker: dict[str, list[str]]

    def underrubriker(self, rubrik: str) -> list[str]:
        return self.rubriker.get(rubrik, [])


def load_categories(path: Path = DEFAULT_FILE) -> Categories:
    return Categories.model_validate(json.loads(path.read_text(encoding="utf-8")))
