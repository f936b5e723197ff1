"""A logging filter masking personnummer, phone numbers and portkoder in every log line, whoever logs it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "[maskerat]"

# A personnummer or samordningsnummer ((CC)YYMMDD, the day +60; test numbers have month 00 too),
# an optional - + or space, four digits.
PERSONNUMMER = re.compile(r"(?<![\w.:/-])(?:(?:18|19|20)\d{2}|\d{2})[01]\d[0-9]\d[-+ ]?\d{4}(?![\w:])")
# A Swedish phone number: +46, 0046 or 0, then at least six more digits, spaces and hyphens allowed.
PHONE = re.compile(r"(?<![\w+.:/-])(?:\+46|0046|0)[ -]?\(?0?\)?\d{1,3}(?:[ -]?\d){5,8}(?![\w:])")
# Whatever follows the word portkod (also as a JSON key or an Adaptive Card fact's title).
PORTKOD = re.compile(
    r"""(?i)(portkod["']?\s*(?:[:=|]|\bär\b|,\s*["']?value["']?\s*:)?\s*["']?)"""
    r"""([0-9A-Za-zÅÄÖåäö#*][^\s"',;|}\]]{0,39})"""
)


# What pydantic quotes of a rejected input in a validation error ("input_value='Greta …'").
PYDANTIC_INPUT = re.compile(
    r"""(input_value=)(.*?(?=, input_type=)|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,\s\]]+)"""
)
# A plus, space or hyphen as URL-encoded in request lines (the access log), read as such first.
ENCODED_SEPARATOR = re.compile(r"%2[bB]|%20|%2[dD]")
DECODED = {"%2b": "+", "%20": " ", "%2d": "-"}


def mask(text: str) -> str:
    """`text` with everything that looks like a personnummer, phone number or portkod masked."""
    if "%" in text:
        text = ENCODED_SEPARATOR.sub(lambda match: DECODED[match.group(0).lower()], text)
    text = PYDANTIC_INPUT.sub(lambda match: match.group(1) + MASK, text)
    text = PORTKOD.sub(lambda match: match.group(1) + MASK, text)
    text = PERSONNUMMER.sub(MASK, text)
    return PHONE.sub(MASK, text)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack with `mask` before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: the handler reports it, without the args
            record.msg, record.args = mask(str(record.msg)), None
            message = record.msg
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


def install(handlers: Iterable[logging.Handler] | None = None) -> None:
    """Put the filter on `handlers` (default: the root logger's), which every logger's records reach."""
    chosen = list(logging.getLogger().handlers if handlers is None else handlers)
    for handler in chosen:
        if not any(isinstance(existing, PersonalDataFilter) for existing in handler.filters):
            handler.addFilter(PersonalDataFilter())
