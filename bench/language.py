"""`python -m bench.language`: how well and how fast the bot reads free text (order intent, order fields).

Intent: precision and recall of 'order' over tests/data/openers.json. Fields: per expected field of
tests/data/whole_orders.json, right, wrong or missing, and every produced field that was not expected
(invented). Both on the tests' corpora, which the rules were written against, and on
bench/data/holdout_*.json, written afterwards and never tuned for. Time: per message of about
600 characters, intent and extraction together.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from bench.processes import ROOT
from bot.language.extraction import extract
from bot.language.order_intent import OrderIntent, order_intent

DATA = ROOT / "tests" / "data"
TODAY = date(2026, 12, 8)
MESSAGE_LENGTH = 600
TIMED_MESSAGES = 2000


def intent_figures(openers: list[dict[str, str]]) -> dict[str, float]:
    """Precision and recall of ORDER; how often a non-order got MAYBE (a question, not a wrong start)."""
    outcomes = Counter((case["intent"], order_intent(case["text"]).value) for case in openers)
    order = OrderIntent.ORDER.value
    true_pos = outcomes[(order, order)]
    predicted = sum(count for (_, got), count in outcomes.items() if got == order)
    actual = sum(count for (want, _), count in outcomes.items() if want == order)
    exact = sum(count for (want, got), count in outcomes.items() if want == got)
    return {
        "phrases": len(openers),
        "precision": true_pos / predicted if predicted else 1.0,
        "recall": true_pos / actual if actual else 1.0,
        "exact": exact / len(openers),
    }


def field_figures(orders: list[dict[str, Any]]) -> dict[str, float]:
    """Field-level accuracy: expected fields read right; produced fields nobody wrote (invented)."""
    counts: Counter[str] = Counter()
    for case in orders:
        produced = _merged(case)
        for name, value in case["expected"].items():
            counts["right" if produced.get(name) == value else "wrong or missing"] += 1
        counts["invented"] += len(set(produced) - set(case["expected"]))
    expected = counts["right"] + counts["wrong or missing"]
    return {
        "orders": len(orders),
        "fields": expected,
        "accuracy": counts["right"] / expected,
        "invented": counts["invented"],
    }


def _merged(case: dict[str, Any]) -> dict[str, object]:
    values: dict[str, object] = {}
    for message in case["messages"]:
        values.update(extract(message, TODAY, expecting=case.get("expecting")).values)
    return values


def timed_messages(orders: list[dict[str, Any]], openers: list[dict[str, str]]) -> list[str]:
    """Messages of about 600 characters: whole orders padded with further openers and orders."""
    pieces = [message for case in orders for message in case["messages"]] + [o["text"] for o in openers]
    messages = []
    for start in range(len(pieces)):
        text = ""
        index = start
        while len(text) < MESSAGE_LENGTH:
            text += pieces[index % len(pieces)] + "\n"
            index += 1
        messages.append(text[:MESSAGE_LENGTH])
    return messages


def per_message_ms(messages: list[str]) -> list[float]:
    timings = []
    for index in range(TIMED_MESSAGES):
        message = messages[index % len(messages)]
        started = time.perf_counter()
        order_intent(message)
        extract(message, TODAY)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, openers: list[dict[str, str]], orders: list[dict[str, Any]]) -> None:
    intent = intent_figures(openers)
    print(
        f"{name}: intent over {intent['phrases']} openers: precision {intent['precision']:.3f}, "
        f"recall {intent['recall']:.3f}, all three classes right {intent['exact']:.3f}"
    )
    fields = field_figures(orders)
    print(
        f"{name}: fields over {fields['orders']} whole orders: {fields['fields']} expected fields, "
        f"accuracy {fields['accuracy']:.3f}, invented {fields['invented']}"
    )


def main() -> None:
    openers = json.loads((DATA / "openers.json").read_text("utf-8"))
    orders = json.loads((DATA / "whole_orders.json").read_text("utf-8"))
    report("test corpus", openers, orders)
    held_out = Path(__file__).parent / "data"
    report(
        "held out",
        json.loads((held_out / "holdout_openers.json").read_text("utf-8")),
        json.loads((held_out / "holdout_orders.json").read_text("utf-8")),
    )
    timings = sorted(per_message_ms(timed_messages(orders, openers)))
    p95 = timings[int(len(timings) * 0.95)]
    print(
        f"per {MESSAGE_LENGTH}-character message (intent + extraction), {len(timings)} messages: "
        f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
