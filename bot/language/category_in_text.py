"""The Lindesk category a message names in words ("larm och digital låsenhet"), when it names exactly one."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.categories import Categories
from bot.language.words import fold

_CUES = tomllib.loads((Path(__file__).parent / "categories.toml").read_text(encoding="utf-8"))["cues"]
CUES: dict[tuple[str, str], tuple[str, ...]] = {
    (cue["rubrik"], underrubrik): tuple(cue["phrases"]) for underrubrik, cue in _CUES.items()
}


def category_in(text: str, categories: Categories) -> dict[str, str]:
    """{'rubrik': …, 'underrubrik': …} when exactly one known category is named, else {}."""
    folded = f" {fold(text)} ".replace(" trygghetslarm ", " larm ")  # 'trygghetslarm och lås'
    named = [
        (rubrik, underrubrik)
        for (rubrik, underrubrik), phrases in CUES.items()
        if underrubrik in categories.underrubriker(rubrik) and _names(folded, phrases)
    ]
    if len(named) != 1:
        return {}
    rubrik, underrubrik = named[0]
    return {"rubrik": rubrik, "underrubrik": underrubrik}


def _names(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in folded for phrase in phrases)
