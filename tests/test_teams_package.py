"""The Teams app package: a manifest valid against the bundled v1.17 schema, icons Teams takes, a command."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from adapters.teams.manifest import ManifestError, build_manifest
from adapters.teams.package import build_package
from bot import texts
from bot.language.status_questions import IntentKind, recognise
from bot.settings import Settings

ROOT = Path(__file__).parents[1]
SCHEMA = json.loads((ROOT / "tests" / "data" / "teams" / "MicrosoftTeams.v1.17.schema.json").read_text())
BOT_APP_ID = "6f1c7a8e-2b4d-4c6e-8f10-123456789abc"


def teams_settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **{"microsoft_app_id": BOT_APP_ID, **overrides})


def test_the_manifest_is_valid_against_the_teams_schema() -> None:
    manifest = build_manifest(teams_settings(), "1.2.3")
    errors = [
        error.message
        for error in Draft4Validator(SCHEMA, format_checker=FormatChecker()).iter_errors(manifest)
    ]
    assert errors == []
    assert manifest["manifestVersion"] == "1.17"  # `const`, which draft 4 does not check
    assert manifest["id"] == manifest["bots"][0]["botId"] == BOT_APP_ID
    assert manifest["developer"]["name"] == "Linköpings kommun"
    assert manifest["name"]["short"] == texts.TEAMS_NAME_SHORT
    scopes = {
        tuple(commands["scopes"]): commands["commands"] for commands in manifest["bots"][0]["commandLists"]
    }
    assert set(scopes) == {("personal",), ("team",)}
    assert {"title": "beställ", "description": texts.TEAMS_STAFF_COMMANDS[0][1]} in scopes[("personal",)]


def test_staff_can_pick_the_status_questions_from_their_command_list() -> None:
    manifest = build_manifest(teams_settings(), "1.0.0")
    [staff] = [listed for listed in manifest["bots"][0]["commandLists"] if listed["scopes"] == ["personal"]]
    titles = [command["title"] for command in staff["commands"]]
    understood = [recognise(title, in_dialog=False, today=date.today()) for title in titles]
    kinds = {intent.kind for intent in understood if intent is not None}
    assert {IntentKind.STATUS, IntentKind.MINE} <= kinds  # `status` and `mina ärenden`, as the bot reads them


def test_the_package_holds_the_manifest_and_icons_teams_accepts() -> None:
    with zipfile.ZipFile(io.BytesIO(build_package(teams_settings(), "1.0.0"))) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color = _pixels(archive.read(manifest["icons"]["color"]))
        outline = _pixels(archive.read(manifest["icons"]["outline"]))
    assert (len(color), len(color[0])) == (192, 192)
    assert {pixel[3] for row in color for pixel in row} == {255}
    assert (len(outline), len(outline[0])) == (32, 32)
    assert {pixel[:3] for row in outline for pixel in row} == {(255, 255, 255)}
    alphas = {pixel[3] for row in outline for pixel in row}
    assert 0 in alphas and 255 in alphas  # transparent around a white bell


@pytest.mark.parametrize(
    ("overrides", "version"),
    [
        ({"microsoft_app_id": ""}, "1.0.0"),
        ({}, "1.0"),
        ({"municipality_url": "http://kommun.example"}, "1.0.0"),
    ],
)
def test_settings_teams_would_refuse_are_refused(overrides: dict[str, Any], version: str) -> None:
    with pytest.raises(ManifestError):
        build_manifest(teams_settings(**overrides), version)


def test_the_command_writes_the_package(tmp_path: Path) -> None:
    output = tmp_path / "teams.zip"
    environment = {**os.environ, "MicrosoftAppId": BOT_APP_ID, "DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "adapters.teams", "--version", "2.0.1", "--output", str(output)]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(output) as archive:
        assert json.loads(archive.read("manifest.json"))["version"] == "2.0.1"


def _pixels(png: bytes) -> list[list[tuple[int, int, int, int]]]:
    """Decode an 8-bit RGBA PNG whose rows use filter 0 (as ours do)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    position, data, width, height = 8, b"", 0, 0
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind, body = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    raw = zlib.decompress(data)
    stride = 1 + 4 * width
    rows = [raw[row * stride : (row + 1) * stride] for row in range(height)]
    assert all(row[0] == 0 for row in rows)
    return [[tuple(row[1 + 4 * x : 5 + 4 * x]) for x in range(width)] for row in rows]  # type: ignore[misc]
