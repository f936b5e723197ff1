"""Persistence on SQLAlchemy 2 (async): tables, repositories, migrations and bot state storage."""
