"""The speed and memory benchmark: `python -m bench` (see bench/__main__.py)."""
