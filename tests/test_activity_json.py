"""Incoming activities read without msrest: the same models as msrest's Deserializer, and 400, never 500."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botbuilder.schema
import pytest
from botbuilder.schema import Activity, ConversationAccount
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msrest.exceptions import DeserializationError
from msrest.serialization import Model

from adapters.activity_json import MalformedJson, from_json, to_json
from bot import texts
from tests.support.app_server import app_settings
from tests.support.chatting import RunningApp, chatting
from tests.support.http_helpers import post_raw

CORPUS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "activities.json").read_text(encoding="utf-8")
)
MSREST_REFUSES = (DeserializationError, TypeError, ValueError, AttributeError, OverflowError)
Path_ = tuple[str | int, ...]


def msrest(data: dict[str, Any]) -> Activity:
    """msrest's reading, with from_json's one departure: a conversation's `tenantId` is its tenant."""
    return with_teams_tenant(Activity().deserialize(copy.deepcopy(data)))


def with_teams_tenant(value: Any) -> Any:
    """`value` with each conversation's `tenantId` (left aside by msrest) as its tenant, if it has none."""
    if isinstance(value, ConversationAccount) and value.tenant_id is None:
        extra = value.additional_properties
        if isinstance(extra, dict) and extra.get("tenantId") is not None:
            value.tenant_id = str(extra.pop("tenantId"))
    if isinstance(value, Model | dict):
        children = list((vars(value) if isinstance(value, Model) else value).values())
    else:
        children = value if isinstance(value, list) else []
    for child in children:
        with_teams_tenant(child)
    return value


def plain(value: Any) -> Any:
    """`value` with its types spelled out: a datetime keeps its UTC offset, an enum is not a string."""
    if isinstance(value, Model):
        return type(value).__name__, {name: plain(item) for name, item in vars(value).items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return "datetime", value.isoformat()
    return type(value), value


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_channel_s_activity_reads_as_msrest_reads_it(name: str) -> None:
    ours, theirs = from_json(Activity, copy.deepcopy(CORPUS[name])), msrest(CORPUS[name])
    assert plain(ours) == plain(theirs)
    assert to_json(ours) == json_as_teams_spells_it(theirs.serialize())


def json_as_teams_spells_it(data: Any) -> Any:
    """msrest's JSON with to_json's one departure: a conversation's tenant is written `tenantId`."""
    if isinstance(data, dict):
        conversation = data.get("conversation")
        if isinstance(conversation, dict) and "tenantID" in conversation:
            conversation["tenantId"] = conversation.pop("tenantID")
        return {key: json_as_teams_spells_it(item) for key, item in data.items()}
    return [json_as_teams_spells_it(item) for item in data] if isinstance(data, list) else data


def test_what_the_bot_looks_at_is_read_into_the_right_objects() -> None:
    mention = from_json(Activity, CORPUS["teams-channel-mention"])
    tenant = "00000000-0000-4000-8000-0000000000f1"
    assert mention.channel_data["tenant"] == {"id": tenant}
    # botbuilder-python spells the attribute's key tenantID, msrest keeps Teams's tenantId aside; we read it.
    assert (mention.conversation.tenant_id, mention.conversation.additional_properties) == (tenant, {})
    assert to_json(mention.conversation)["tenantId"] == tenant  # and write it as Teams spells it
    assert mention.conversation.is_group is True
    assert mention.entities[0].type == "mention"
    assert mention.entities[0].additional_properties["mentioned"]["id"] == mention.recipient.id
    assert mention.channel_data["team"] == {"id": "19:fictionalteam0123@thread.tacv2"}
    assert mention.timestamp == datetime(2026, 11, 26, 9, 25, 0, 0, tzinfo=UTC)  # 100 ns: truncated
    assert mention.local_timestamp.utcoffset() == timedelta(hours=1)
    joined = from_json(Activity, CORPUS["teams-members-added"])
    assert [member.id for member in joined.members_added] == [
        joined.recipient.id,  # the bot itself
        "29:1FictionalTeamMember-0123456789",
    ]
    assert joined.members_added[1].aad_object_id == "00000000-0000-4000-8000-00000000a002"
    submit = from_json(Activity, CORPUS["adaptive-card-submit"])
    assert (submit.text, submit.value) == (None, {"answer": "ja"})
    assert submit.timestamp == datetime(2026, 11, 26, 9, 40, 2, 987123, tzinfo=UTC)
    offered = from_json(Activity, CORPUS["attachments-and-suggested-actions"])
    assert offered.timestamp == datetime(2026, 11, 26, 10, 50, tzinfo=timezone(timedelta(hours=1)))
    assert [action.value for action in offered.suggested_actions.actions] == ["ja", {"answer": "nej"}]
    assert offered.attachments[0].content["fileType"] == "pdf"
    web = from_json(Activity, CORPUS["web-chat-message"])
    assert web.local_timestamp == datetime(2026, 11, 26, 10, 45, 10)  # no offset: naive, as msrest
    assert type(web.type) is str  # msrest leaves enums as strings too


# Every place in an activity where a channel can put a value: the attributes of Activity and of the
# models inside it, three levels deep (0 is the first item of a list, "k" a key of a dict of models).
def field_paths(model: type[Model], depth: int = 3) -> Iterator[Path_]:
    for spec in model._attribute_map.values():
        key, kind = spec["key"], spec["type"]
        yield (key,)
        nested = getattr(botbuilder.schema, kind.strip("[]{}"), None)
        if depth > 1 and isinstance(nested, type) and issubclass(nested, Model):
            prefix: Path_ = {"[": (key, 0), "{": (key, "k")}.get(kind[0], (key,))
            yield from (prefix + path for path in field_paths(nested, depth - 1))


PATHS = sorted(set(field_paths(Activity)), key=str)
PLAIN_ISO = st.from_regex(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?", fullmatch=True
)
ODD_STRINGS = ["true", "FALSE", "1", "0", " 12 ", "1_0", "2026-11-26t10:00:00z", "2026-11-26T24:00:00"]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)  # infinity too: JSON's 1e999
    | st.text(max_size=20)
    | st.sampled_from(ODD_STRINGS)
    | PLAIN_ISO
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def put(tree: Any, path: Path_, value: Any) -> Any:
    """`tree` with `value` at `path`, making the objects and lists on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = tree if isinstance(tree, list) and tree else [None]
        return [put(items[0], rest, value), *items[1:]]
    node = tree if isinstance(tree, dict) else {}
    return {**node, head: put(node.get(head), rest, value)}


@st.composite
def odd_activities(draw: st.DrawFn) -> dict[str, Any]:
    """An activity of the corpus with any JSON at a few places, any of them nested."""
    activity = CORPUS[draw(st.sampled_from(sorted(CORPUS)))]
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=6)):
        activity = put(activity, path, draw(JSON))
    return activity


def outcome(read: Any, data: dict[str, Any]) -> Any:
    try:
        return plain(read(data))
    except MalformedJson:
        return "refused"


@settings(max_examples=400)
@given(odd_activities())
def test_any_json_anywhere_reads_as_msrest_reads_it_or_is_refused_as_msrest_refuses_it(
    activity: dict[str, Any],
) -> None:
    try:
        theirs = plain(msrest(activity))
    except MSREST_REFUSES:
        theirs = "refused"
    assert outcome(lambda data: from_json(Activity, data), activity) == theirs


@given(PLAIN_ISO | st.text(max_size=40))
def test_a_timestamp_reads_as_msrest_reads_it(stamp: str) -> None:
    activity = {"type": "message", "timestamp": stamp}
    try:
        theirs = plain(msrest(activity))
    except DeserializationError:
        theirs = "refused"
    assert outcome(lambda data: from_json(Activity, data), activity) == theirs


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[RunningApp]:
    async with chatting(app_settings(database_url, tmp_path, rate_limit_per_minute=0)) as running:
        yield running


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(activity=odd_activities())
async def test_any_json_anywhere_is_answered_or_refused_never_a_500(app: RunningApp, activity: Any) -> None:
    activity["serviceUrl"] = app.connector.url  # the replies go to the test's connector
    status = await post_raw(app.http, app.url, json.dumps(activity).encode())
    assert status < 500 or (status == 501 and activity.get("type") == "invoke"), status
    connector = app.connector
    assert texts.APOLOGY not in [text for chat in list(connector.received) for text in connector.texts(chat)]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"textHighlights": [{"text": "ja", "occurrence": 1e999}]}, id="integer-overflow"),
        pytest.param({"timestamp": "0001-01-01T00:00:00+01:00"}, id="timestamp-before-year-1"),
        pytest.param({"membersRemoved": "staff-1"}, id="members-as-a-string"),
        pytest.param({"suggestedActions": {"actions": [{"type": "imBack"}, 5]}}, id="an-action-that-is-5"),
    ],
)
async def test_a_value_of_the_wrong_type_is_refused_with_400(app: RunningApp, body: dict[str, Any]) -> None:
    chat = app.chat()
    assert await post_raw(app.http, app.url, json.dumps(chat.activity("beställ") | body).encode()) == 400
    assert app.connector.received[chat.conversation_id] == []  # the bot said nothing
    assert texts.ASK_TRESERVA in (await chat.say("beställ"))[-1]


async def test_json_nested_too_deep_to_read_is_refused_with_400(app: RunningApp) -> None:
    assert await post_raw(app.http, app.url, b'{"channelData": ' + b"[" * 100_000 + b"}") == 400
