"""A question kept in the dialog state as plain values (Ask) loads through the allowlist, asked as before."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from bot.store.state_codec import UntrustedState, dump_state, load_state
from dialogs.answer_prompt import Ask

CARD = {
    "type": "AdaptiveCard",
    "version": "1.4",
    "body": [{"type": "TextBlock", "text": "Sammanfattning av beställningen"}],
    "actions": [{"type": "Action.Submit", "title": "Skicka", "data": {"answer": "ja"}}],
}


def test_a_saved_question_is_asked_again_with_the_same_text_buttons_and_card() -> None:
    asked = Ask("confirmed", "Stämmer uppgifterna? Svara ja för att skicka.", ["ja"], CARD)
    loaded = load_state(dump_state({"options": asked}))
    assert isinstance(loaded, dict)
    again = loaded["options"].activity()
    first = asked.activity()
    assert loaded["options"].validations == "confirmed"
    assert again.text == first.text
    assert [action.value for action in again.suggested_actions.actions] == ["ja"]
    assert [attachment.content for attachment in again.attachments] == [CARD]


class _Smuggled:
    """Pickles as a call of something outside the allowlist, the way Ask pickles as a call of Ask."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_a_state_that_calls_something_outside_the_allowlist_is_refused_and_nothing_runs(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "ran"
    payload = pickle.dumps({"options": _Smuggled(marker)}, protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(UntrustedState):
        load_state(payload)
    assert not marker.exists()
