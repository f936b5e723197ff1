"""`python -m bench.parsing`: µs to read an incoming activity (msrest, from_json) and check its reference."""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.activity_json import from_json
from bench.processes import ROOT
from dialogs.alarm_bot import reference_fingerprint

CORPUS_FILE = ROOT / "tests" / "data" / "activities.json"  # what Teams, the Emulator and web chat send
CORPUS: dict[str, dict[str, Any]] = json.loads(CORPUS_FILE.read_text("utf-8"))


def microseconds(work: Callable[[], object], number: int) -> float:
    """The best of five runs of `number` calls, per call."""
    return min(timeit.repeat(work, number=number, repeat=5)) / number * 1e6


def serialised_reference(activity: Activity) -> str:
    """What every turn did before: the reference through msrest, as a JSON fingerprint."""
    reference = TurnContext.get_conversation_reference(activity).serialize()
    reference.pop("activityId", None)
    return json.dumps(reference, sort_keys=True, default=str)


def row(name: str, slow: float, fast: float) -> str:
    return f"{name:<36} {slow:>9.1f} {fast:>9.1f} {slow / fast:>7.0f}×"


def main() -> None:
    print(f"{'reading an activity (µs)':<36} {'msrest':>9} {'from_json':>9} {'faster':>8}")
    totals = [0.0, 0.0]
    for name, data in CORPUS.items():
        slow = microseconds(lambda data=data: Activity().deserialize(data), 200)
        fast = microseconds(lambda data=data: from_json(Activity, data), 2000)
        totals = [totals[0] + slow, totals[1] + fast]
        print(row(name, slow, fast))
    print(row("mean", totals[0] / len(CORPUS), totals[1] / len(CORPUS)))
    print(f"\n{'checking the reference (µs)':<36} {'serialise':>9} {'tuple':>9} {'faster':>8}")
    for name, data in CORPUS.items():
        activity = from_json(Activity, data)
        slow = microseconds(lambda activity=activity: serialised_reference(activity), 200)
        fast = microseconds(lambda activity=activity: reference_fingerprint(activity), 20000)
        print(row(name, slow, fast))


if __name__ == "__main__":
    main()
