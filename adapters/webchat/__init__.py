"""The web chat channel: a Direct Line 3.0-compatible endpoint, its transcripts, and the chat page."""
