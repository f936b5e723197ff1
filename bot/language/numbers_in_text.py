"""Numbers in a message: personnummer, phone numbers and postnummer, found by shape and validated."""

from __future__ import annotations

import re

from bot import texts
from bot.language import answers
from bot.language.text_scan import PhoneHit, Scan

_PNR_SHAPE = re.compile(r"(?<![\d+])(\d{8}|\d{6})[ \t]?([-+\u2010-\u2015\u2212]?)[ \t]?(\d{4})(?!\d)")
_PHONE_SHAPE = re.compile(r"(?<![\w+])(?:\+|0)[\d \t\-/.()]{5,48}\d(?!\d)")
_POSTNUMMER_SHAPE = re.compile(r"(?<![\d+\-/.,:])(?:se[ -]?)?[1-9]\d{2}[ \t]?\d{2}(?![\d\-/]|[.,:]\d)")
_DIGIT_RUN = re.compile(r"\d[\d \t\-+]{4,16}\d")
_SPLIT_POINT = re.compile(r"[ \t]+")
MIN_PHONE_DIGITS = 7
PHONE_CUT_MIN = 8  # a glued phone is cut after at least this many characters


def find_numbers(scan: Scan) -> list[tuple[int, int]]:
    """Personnummer-shaped numbers (returned); phones and postnummer are stored on the scan."""
    personnummer = []
    for match in _PNR_SHAPE.finditer(scan.text):
        phone = _as_phone(scan, match)
        if phone is not None:
            scan.phones.append(phone)
        else:
            personnummer.append(match.span())
    taken = personnummer + [(hit.start, hit.end) for hit in scan.phones]
    for match in _PHONE_SHAPE.finditer(_masked(scan.text, taken)):
        if _digits(match[0]) >= MIN_PHONE_DIGITS:
            scan.phones.extend(_phones_in(match[0], match.start()))
    scan.phones.sort(key=lambda hit: hit.start)
    taken += [(hit.start, hit.end) for hit in scan.phones]
    scan.postnummer_hits = [m.span() for m in _POSTNUMMER_SHAPE.finditer(_masked(scan.folded, taken))]
    return personnummer


def read_personnummer(scan: Scan, spans: list[tuple[int, int]]) -> None:
    """The brukare's personnummer: one number (possibly written twice), or a problem."""
    read = [_read_one(scan, scan.text[start:end]) for start, end in spans]
    for start, end in spans:
        scan.use(start, end)
        _use_label_before(scan, start)
    if not read:
        _unreadable_label(scan)
        return
    different = {key for key, _ in read}
    if len(different) > 1:
        scan.problem("personnummer", texts.ERR_TWO_PERSONNUMMER)
        return
    value = read[0][1]
    if isinstance(value, str):
        scan.problem("personnummer", value)
        return
    scan.set_value("personnummer", value.digits, *spans[0], brukare=True)
    if value.century_inferred:
        scan.notes.append(texts.BIRTH_DATE_UNDERSTOOD.format(date=texts.date_text(value.birth_date)))


def phone_reading(raw: str) -> tuple[str | None, str]:
    """(E.164, '') for a valid Swedish phone, else (None, what the validator says)."""
    try:
        return answers.phone(raw), ""
    except answers.Rejected as rejected:
        return None, rejected.message


def _read_one(scan: Scan, raw: str) -> tuple[str, object]:
    """(what tells numbers apart, the Personnummer or the validator's message)."""
    try:
        parsed = answers.personnummer(lambda: scan.today)(raw)
    except answers.Rejected as rejected:
        return "".join(char for char in raw if char.isdigit()), rejected.message
    return parsed.digits, parsed


def _as_phone(scan: Scan, match: re.Match[str]) -> PhoneHit | None:
    """Ten digits starting with 0 and no separator are a phone, unless labelled as a personnummer."""
    if not (match[1].startswith("0") and len(match[1]) == 6 and not match[2]):
        return None
    segment = scan.segment_of(match.start())
    if scan.expecting == "personnummer" or (segment is not None and segment.kind == "personnummer"):
        return None
    e164, _ = phone_reading(match[0])
    return None if e164 is None else PhoneHit(match.start(), match.end(), e164)


def _phones_in(raw: str, offset: int) -> list[PhoneHit]:
    """The phones in a phone-shaped run; two glued numbers are cut where the first one is valid."""
    e164, message = phone_reading(raw)
    if e164 is not None:
        return [PhoneHit(offset, offset + len(raw), e164)]
    for cut in reversed([m.start() for m in _SPLIT_POINT.finditer(raw) if m.start() >= PHONE_CUT_MIN]):
        head, _ = phone_reading(raw[:cut])
        if head is None:
            continue
        rest_at = cut + len(raw[cut:]) - len(raw[cut:].lstrip())
        rest = raw[rest_at:]
        hits = [PhoneHit(offset, offset + cut, head)]
        if rest[:1] in "+0" and _digits(rest) >= MIN_PHONE_DIGITS:
            hits += _phones_in(rest, offset + rest_at)
        return hits
    return [PhoneHit(offset, offset + len(raw), None, message)]


def _unreadable_label(scan: Scan) -> None:
    """'Pnr: 1946-05' or a number when the personnummer was asked for: say what is expected."""
    for segment in scan.segments:
        labelled = segment.kind == "personnummer" and (
            segment.explicit or _has_digits(scan, segment.value_start)
        )
        if labelled or (
            scan.expecting == "personnummer" and _DIGIT_RUN.search(scan.text, segment.start, segment.end)
        ):
            scan.problem("personnummer", texts.ERR_PNR_FORMAT)
            scan.use(segment.start, segment.end)


def _has_digits(scan: Scan, start: int) -> bool:
    word = scan.next_word(start)
    return word is not None and word.text[:1].isdigit()


def _use_label_before(scan: Scan, position: int) -> None:
    label = scan.label_before(position, "personnummer")
    if label is not None:
        scan.use(*label)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans blanked out as letters, so no number shape can reach into them."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "x" * (end - start)
    return "".join(chars)


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)
