"""Teams puts the bot's @-mention into the text of channel messages; commands must be read without it."""

from __future__ import annotations

from botbuilder.schema import Activity


def without_bot_mention(activity: Activity) -> str | None:
    """The activity's text with '<at>Bot</at>' (the bot's own mention) taken out; other text as typed."""
    text = activity.text
    bot_id = activity.recipient.id if activity.recipient else None
    if not text or not bot_id:
        return text
    for entity in activity.entities or []:  # a channel's entities may be anything: check each part
        properties = getattr(entity, "additional_properties", None)
        if not isinstance(properties, dict) or str(getattr(entity, "type", "")).lower() != "mention":
            continue
        mentioned = properties.get("mentioned")
        markup = properties.get("text")
        if not isinstance(markup, str) or not markup:
            continue
        if isinstance(mentioned, dict) and mentioned.get("id") == bot_id:
            text = text.replace(markup, "")
    return text.strip()
