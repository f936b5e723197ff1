"""Logs without personal data: the filter on the root handlers masks personnummer, phones and portkoder."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot import log_privacy
from bot.domain import Brukare
from bot.identity import format_phone, parse_phone
from tests.support.app_server import app_settings
from tests.support.chatting import chatting
from tests.support.testdata import FICTIONAL_LANDLINES, FICTIONAL_MOBILES, TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[1]
PORTKOD = "73914A26"
NAME = "Greta Johansson"
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"  # app.py's


def written_forms(digits12: str) -> list[str]:
    """The ways a personnummer is written: 12 or 10 digits, with or without - or +."""
    short = digits12[2:]
    return [
        digits12,
        f"{digits12[:8]}-{digits12[8:]}",
        short,
        f"{short[:6]}-{short[6:]}",
        f"{short[:6]}+{short[6:]}",
    ]


def phone_forms(typed: str) -> list[str]:
    e164 = parse_phone(typed)
    return [typed, e164, format_phone(e164), typed.replace(" ", "").replace("-", ""), "0046" + e164[3:]]


def personal_numbers() -> list[str]:
    """Every written form of the test personnummer and phone numbers used here."""
    return [*written_forms(PNR), *phone_forms(FICTIONAL_MOBILES[0]), *phone_forms(FICTIONAL_LANDLINES[12])]


def personal_strings() -> list[str]:
    """What must never be readable in a log line (a portkod is only recognisable by its label)."""
    return [*personal_numbers(), PORTKOD]


@pytest.fixture
def app_log() -> Iterator[io.StringIO]:
    """The root logger as app.py sets it up (INFO, its line format, the filter), written to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LINE_FORMAT))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    log_privacy.install()
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def assert_no_personal_data(text: str) -> None:
    leaked = [value for value in personal_strings() if value in text]
    assert not leaked, f"{leaked} in {text!r}"


@pytest.mark.parametrize(
    "logger_name", ["trygghetslarm", "bot.outbox_worker", "aiohttp.access", "botbuilder.core", "some.library"]
)
def test_whatever_logs_it_the_line_is_masked(app_log: io.StringIO, logger_name: str) -> None:
    logger = logging.getLogger(logger_name)
    for value in personal_numbers():
        logger.info("user wrote %s in the chat", value)
        logger.warning(f"activity text={value!r}")
    logger.info('card facts: {"title": "Portkod", "value": "%s"}', PORTKOD)
    logger.info("brukare {'personnummer': '%s', 'portkod': '%s'}", PNR, PORTKOD)
    logger.info("- Portkod: %s", PORTKOD)
    written = app_log.getvalue()
    assert_no_personal_data(written)
    assert f"user wrote {log_privacy.MASK} in the chat" in written


def test_an_exception_and_its_traceback_are_masked(app_log: io.StringIO) -> None:
    logger = logging.getLogger("dialogs.order_dialog")

    def parse(text: str) -> None:
        raise ValueError(f"cannot read {text!r} as a phone number")

    try:
        parse(f"{FICTIONAL_MOBILES[0]} / {PNR} / portkod {PORTKOD}")
    except ValueError:
        logger.exception("turn failed")
    try:
        Brukare.model_validate({"name": NAME, "personnummer": PNR, "portkod": PORTKOD})
    except ValidationError:
        logger.exception("a stored order could not be read")
    logger.error("with stack", stack_info=True, extra={"note": PNR})
    written = app_log.getvalue()
    assert "Traceback (most recent call last)" in written
    assert "ValueError: cannot read" in written and "validation errors for Brukare" in written
    assert_no_personal_data(written)
    assert NAME not in written  # pydantic quotes the rejected input: masked too


def test_references_times_addresses_and_ids_are_left_alone(app_log: io.StringIO) -> None:
    line = (
        "outbox 12 for VT-2026-0042 at 2026-11-26T09:30:00+00:00 from 127.0.0.1:41234, "
        "user 29f8c6a0-1c5e-4e5b-9a3e-446655440000, activity act-17, epoch 1764149400"
    )
    logging.getLogger("bot.outbox_worker").info(line)
    assert line in app_log.getvalue()


async def test_the_access_log_of_the_running_app_is_masked(
    app_log: io.StringIO, database_url: str, tmp_path: Path
) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        for value in (PNR, parse_phone(FICTIONAL_MOBILES[0]), f"hej {FICTIONAL_LANDLINES[12]}"):
            async with app.http.get(
                f"{app.url}/healthz", params={"q": value}, headers={"Referer": f"{app.url}/?p={value}"}
            ):
                pass
    written = app_log.getvalue()
    assert "aiohttp.access" in written and "GET /healthz" in written
    assert_no_personal_data(written.replace("%2B", "+").replace("%20", " "))


@given(
    st.sampled_from(TEST_PERSONNUMMER).flatmap(lambda digits: st.sampled_from(written_forms(digits))),
    st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=20),
    st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=20),
)
def test_a_personnummer_anywhere_in_a_line_is_masked(written: str, before: str, after: str) -> None:
    masked = log_privacy.mask(f"{before} {written} {after}")
    assert written not in masked
    assert written.replace("-", "").replace("+", "")[-4:] not in masked.replace(before, "").replace(after, "")


@given(
    st.sampled_from([*FICTIONAL_MOBILES, *FICTIONAL_LANDLINES]).flatmap(
        lambda typed: st.sampled_from(phone_forms(typed))
    ),
    st.sampled_from(["", "tel ", "ring ", "(", "nummer: ", '"phone": "']),
)
def test_a_phone_number_in_any_common_form_is_masked(written: str, label: str) -> None:
    assert written not in log_privacy.mask(f"{label}{written} idag")
