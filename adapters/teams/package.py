"""Builds the Teams app package: manifest.json and the two icons in one zip, ready to upload to Teams."""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path

from adapters.teams.icons import color_icon, outline_icon
from adapters.teams.manifest import ACCENT, COLOR_ICON, OUTLINE_ICON, ManifestError, build_manifest
from bot.settings import Settings

DEFAULT_VERSION = "1.0.0"


def build_package(settings: Settings, version: str) -> bytes:
    """The zip's bytes; files at its root, as Teams requires."""
    manifest = json.dumps(build_manifest(settings, version), ensure_ascii=False, indent=2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr(COLOR_ICON, color_icon(ACCENT))
        archive.writestr(OUTLINE_ICON, outline_icon())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(prog="python -m adapters.teams", description=__doc__)
    parser.add_argument(
        "--version", default=DEFAULT_VERSION, help="the app's version; raise it for every update"
    )
    parser.add_argument(
        "--output", type=Path, help="the zip to write (default: DATA_DIR/trygghetslarm-teams.zip)"
    )
    arguments = parser.parse_args(argv)
    output: Path = arguments.output or settings.data_dir / "trygghetslarm-teams.zip"
    try:
        package = build_package(settings, arguments.version)
    except ManifestError as error:
        sys.exit(f"cannot build the Teams package: {error}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(package)
    print(output)
