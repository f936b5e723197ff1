"""The conversation: botbuilder dialogs for ordering, with validated prompts and interruptions."""
