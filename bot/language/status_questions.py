"""Recognises status questions in Swedish, locally: cheap rules first, then fuzzy matching for typos."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.domain import format_reference
from bot.identity import InvalidAnswer, parse_personnummer
from bot.language.order_intent import OrderIntent, asks_about_other_matters, order_intent
from bot.language.words import REFERENCE, fold

MAX_QUESTION_LENGTH = 200
MAX_NAME_WORDS = 3
MAX_COMMAND_LENGTH = 30  # longer messages are not a misspelt 'mina ärenden'
COMMAND_CUTOFF = 80  # 'stauts', 'staus' are 'status'
WORD_CUTOFF = 85  # 'instalerat' is 'installerat'; 'klara' is not 'klar'
FUZZY_MIN_LENGTH = 6  # shorter words are only taken as they are spelt

PERSONNUMMER = re.compile(r"(?<![\d-])(\d{8}|\d{6}) ?[-+\u2010-\u2015\u2212]? ?(\d{4})(?![\d-])")
NAME_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

COMMAND = "status"
STATUS_WORDS = (COMMAND, "statusen", "laget")
MINE = ("mina arenden", "mina bestallningar", "mina larm", "vara arenden", "vara bestallningar")
GREETINGS = frozenset({"hej", "hejsan", "hallo", "halla", "tja", "tjena"})
QUESTION_WORDS = frozenset(
    {"hur", "nar", "vad", "ar", "har", "vilken", "vilket", "vilka", "finns", "blir", "kommer"}
)
# The team's chat commands (DESIGN.md): never a status question, whatever follows them.
OTHER_COMMANDS = frozenset(
    {"visa", "ta", "boka", "klar", "klart", "avsluta", "makulera", "registrera", "inventarie", "arenden"}
)
TOPIC_STEMS = (
    "larm", "trygghetslarm", "install", "bestall", "arende", "bokad", "bokat", "bokning", "tekniker",
)  # fmt: skip
TOPIC_WORDS = (
    "larmet", "installera", "installerat", "installerad", "installerar", "installationen",
    "bestallningen", "bestallningar", "arendet", "arenden", "bokningen", "status", "statusen",
)  # fmt: skip
PLURAL_TOPICS = ("arenden", "arendena", "bestallningar", "bestallningarna", "larmen")
HOW_TO = ("gor jag", "gor man", "ska jag", "ska man")  # 'hur gör jag en beställning?' is not about status
PHRASE_CUES = ("hur gar det", "vad hander", "hur ligger", "nagot nytt", "hur ser det ut", "hur langt")
# Words around a name in a question: what is left when these are taken away is the brukare's name.
FILLERS = frozenset({
    "det", "de", "dem", "dom", "den", "ni", "vi", "jag", "du", "dig", "mig", "oss", "er", "min", "mitt",
    "mina", "var", "vart", "vara", "och", "eller", "som", "att", "till", "hos", "for", "at", "med", "om",
    "pa", "i", "av", "fran", "nu", "annu", "redan", "snart", "idag", "igen", "klart", "klar", "tid",
    "tiden", "datum", "gar", "gick", "gatt", "ligger", "ser", "ut", "hander", "nagot", "nytt", "kolla",
    "kollar", "se", "veta", "vet", "undrar", "kan", "kunde", "ska", "skulle", "vill", "bli", "fatt", "fa",
    "komma", "kom", "teamet", "brukaren", "brukare", "brukarens", "tack", "snalla", "ok", "lite", "mer",
    "sa", "da", "ens", "inte", "ju", "val", "nagon", "nagra", "referens",
})  # fmt: skip
LONG_FILLERS = tuple(sorted(word for word in FILLERS | set(TOPIC_WORDS) if len(word) >= FUZZY_MIN_LENGTH))


class IntentKind(StrEnum):
    STATUS = "status"  # how an order stands; without a target: which one?
    MINE = "mine"  # the user's and the unit's open orders


@dataclass(frozen=True)
class Intent:
    """What the user asked; at most one target: a reference, a personnummer (12 digits) or a name."""

    kind: IntentKind
    reference: str | None = None
    personnummer: str | None = None
    name: str | None = None
    invalid_personnummer: bool = False

    @property
    def target(self) -> str | None:
        return self.reference or self.personnummer or self.name


def recognise(text: str, *, in_dialog: bool, today: date) -> Intent | None:
    """The status question in `text`, or None. In the middle of an order only clear questions count."""
    folded = fold(text)
    words = _without_greeting(folded.split())
    if not words or len(folded) > MAX_QUESTION_LENGTH:
        return None
    if order_intent(text) is OrderIntent.ORDER or asks_about_other_matters(text):
        return None  # 'hur beställer jag ett larm?' asks for a new order; 'vad kostar larmet?' for a price
    if _asks_for_mine(folded):
        return Intent(IntentKind.MINE)
    if words[0] in OTHER_COMMANDS or _contains(folded, HOW_TO):
        return None
    number = _number_target(text, today)
    if _is_command(words[0], strict=in_dialog and number is None):
        return number or _named(_after_first_word(text))
    if number is not None:
        return number if _asks_about_number(folded, words, text, in_dialog) else None
    return _question(folded, words, text, in_dialog) if _is_question(words, text, in_dialog) else None


def _asks_about_number(folded: str, words: list[str], text: str, in_dialog: bool) -> bool:
    """A reference alone (mid-order it may be a portkod), or a number in a question or with 'status'."""
    if not in_dialog and REFERENCE.fullmatch(folded):
        return True
    return any(word in STATUS_WORDS for word in words) or _is_question(words, text, in_dialog)


def _question(folded: str, words: list[str], text: str, in_dialog: bool) -> Intent | None:
    """A question without a number: about an order if it names the topic, or asks how it goes."""
    if any(_is_topic(word) for word in words):
        return _plural_as_mine(_named(text), words)
    if not _contains(folded, PHRASE_CUES):
        return None
    intent = _named(text)  # 'hur går det för Greta?'; mid-order a bare 'vad händer nu?' is not ours
    return intent if intent.name is not None or not in_dialog else None


def _named(text: str) -> Intent:
    return Intent(IntentKind.STATUS, name=_name(text))


def _number_target(text: str, today: date) -> Intent | None:
    reference = REFERENCE.search(text)
    if reference is not None:
        serial = format_reference(int(reference.group(1)), int(reference.group(2)))
        return Intent(IntentKind.STATUS, reference=serial)
    number = PERSONNUMMER.search(text)
    if number is None:
        return None
    try:
        digits = parse_personnummer(number.group(0), today).digits
    except InvalidAnswer:
        return Intent(IntentKind.STATUS, invalid_personnummer=True)
    return Intent(IntentKind.STATUS, personnummer=digits)


def _name(text: str) -> str | None:
    """The words left when question words, fillers and topic words are taken away: a brukare's name."""
    words = [word for word in NAME_WORD.findall(text) if not _is_filler(fold(word))]
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    return " ".join(words)


def _plural_as_mine(intent: Intent, words: list[str]) -> Intent:
    """'vilka ärenden har vi?' asks for the open orders; with a target it is about that order."""
    plural = any(word in PLURAL_TOPICS for word in words)
    return Intent(IntentKind.MINE) if plural and intent.target is None else intent


def _asks_for_mine(folded: str) -> bool:
    """'mina ärenden' in a question, or alone and perhaps misspelt ('mina ärende', 'mian ärenden')."""
    if _contains(folded, MINE):
        return True
    short = len(folded) <= MAX_COMMAND_LENGTH
    return short and process.extractOne(folded, MINE, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF) is not None


def _is_question(words: list[str], text: str, in_dialog: bool) -> bool:
    if words[0] in QUESTION_WORDS:
        return True
    return not in_dialog and text.rstrip().endswith("?")


def _is_command(word: str, strict: bool) -> bool:
    """'status', also misspelt unless `strict` (mid-order, so that no answer is taken for it)."""
    if strict:
        return word in (COMMAND, "statusen")
    return fuzz.ratio(word, COMMAND) >= COMMAND_CUTOFF


def _is_topic(word: str) -> bool:
    if word.startswith(TOPIC_STEMS) or word in STATUS_WORDS:
        return True
    return _close_to(word, TOPIC_WORDS)


def _is_filler(word: str) -> bool:
    if word in FILLERS or word in QUESTION_WORDS or word in GREETINGS or _is_topic(word):
        return True
    return _is_command(word, strict=False) or _close_to(word, LONG_FILLERS)


def _close_to(word: str, vocabulary: tuple[str, ...]) -> bool:
    if len(word) < FUZZY_MIN_LENGTH:
        return False
    return process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF) is not None


def _contains(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in f" {folded} " for phrase in phrases)


def _without_greeting(words: list[str]) -> list[str]:
    return words[1:] if words and words[0] in GREETINGS else words


def _after_first_word(text: str) -> str:
    """`text` without its greeting and first word (the command word 'status')."""
    words = text.split()
    if words and fold(words[0]) in GREETINGS:
        words = words[1:]
    return " ".join(words[1:])
