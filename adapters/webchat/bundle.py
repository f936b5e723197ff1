"""Fetches the official Web Chat bundle (`botframework-webchat` from the npm registry) into static/.

Only `dist/webchat.js` (and its licence notes) is taken from the package; the app serves it itself,
so no browser ever loads Web Chat from a CDN. `python -m adapters.webchat.bundle` fetches it;
`app.py` does so at start when it is missing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from bot.settings import Settings

log = logging.getLogger(__name__)

PACKAGE = "botframework-webchat"
VERSION = "4.18.1"
# The registry's integrity of that tarball (npm view botframework-webchat@4.18.1 dist.integrity).
INTEGRITY = "sha512-7jpEUJ7olT62Xm+8eh7BhhIcXVfU2xD4pZDaeBt8K4XcNy6K/83UGIxE9BFkXmHMZ4hDEVOzs5cre07GWuaXzg=="
# The licence notes first: webchat.js, written last, is what says the bundle is installed.
MEMBERS = {"package/dist/webchat.js.LICENSE.txt": ".LICENSE.txt", "package/dist/webchat.js": ""}
NPM_TIMEOUT_SECONDS = 180
COMMAND = ".venv/bin/python -m adapters.webchat.bundle"


class BundleUnavailable(Exception):
    """npm is missing, the registry cannot be reached, or the package is not the one pinned."""


def fetch_bundle(target: Path) -> None:
    """Download the pinned package with `npm pack`, check it, and put webchat.js at `target`."""
    npm = shutil.which("npm")
    if npm is None:
        raise BundleUnavailable("npm is not installed (Debian: apt-get install npm)")
    with tempfile.TemporaryDirectory() as folder:
        command = [
            npm,
            "pack",
            f"{PACKAGE}@{VERSION}",
            "--silent",
            "--fetch-retries=2",
            "--pack-destination",
            folder,
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=NPM_TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise BundleUnavailable(f"npm pack {PACKAGE}@{VERSION} failed") from error
        tarball = next(Path(folder).glob("*.tgz"))
        if _integrity(tarball) != INTEGRITY:
            raise BundleUnavailable(f"{tarball.name} is not the pinned {PACKAGE}@{VERSION}")
        _extract(tarball, target)


def ensure_bundle(target: Path) -> bool:
    """True if the bundle is there, fetching it if it is not; a failure is logged, not raised."""
    if target.is_file():
        return True
    try:
        fetch_bundle(target)
    except BundleUnavailable as error:
        log.warning("web chat bundle missing: %s; the chat page says how to install it", error)
        return False
    log.info("installed %s@%s into %s", PACKAGE, VERSION, target)
    return True


def _integrity(tarball: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()


def _extract(tarball: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        for member, suffix in MEMBERS.items():
            source = archive.extractfile(member)
            if source is None:
                raise BundleUnavailable(f"{member} is not a file")
            partial = target.with_name(target.name + suffix + ".part")
            partial.write_bytes(source.read())
            partial.replace(target.with_name(target.name + suffix))  # atomic: never half a file


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(0 if ensure_bundle(Settings().webchat_bundle) else 1)


if __name__ == "__main__":
    main()
