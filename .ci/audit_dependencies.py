"""CI's supply-chain check: the dependency audit over the lock files, and an SBOM of the runtime lock.

- The locks: requirements-dev.lock must hold every package of requirements.lock at the same version
  (both are made by .ci/lock); otherwise the run fails (exit 1).
- The SBOM: sbom.cdx.json (git-ignored), CycloneDX JSON of requirements.lock, made by cyclonedx-py from
  the lock alone (no network). Its component count is printed and must equal the lock's package count.
- The audit: pip-audit over requirements-dev.lock, read from the lock alone (`--disable-pip
  --require-hashes`: nothing installed, no venv). It must report on exactly the packages of the lock:
  any other count fails the run (exit 1), so an audit that checked nothing, or the wrong thing, cannot pass.
- A known vulnerability in a locked package fails the run (exit 1), unless its id is listed in
  .ci/pip-audit-ignore.txt with the reason it does not apply.
- The audit service unreachable, slow, or not knowing packages: a loud warning saying how many locked
  packages it could not audit, and the run goes on (exit 0). An outside outage must not stop a change
  from landing; the next run audits again. pip-audit failing for any other reason fails the run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
SBOM = ROOT / "sbom.cdx.json"
IGNORED = HERE / "pip-audit-ignore.txt"  # one "ID  reason" a line; '#' starts a comment
TIMEOUT_SECONDS = 300
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
# How pip-audit ends when its service cannot be reached or answers with an error: an outage, not our fault.
OUTAGE = re.compile(r"requests\.exceptions\.|urllib3\.exceptions\.|ServiceError|ConnectionError|Timeout")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: Path) -> dict[str, str]:
    """The lock's packages: canonical name -> version (pip-compile writes one `name==version` a line)."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match[1])] = match[2]
    return pins


def ignored_ids() -> list[str]:
    if not IGNORED.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in IGNORED.read_text(encoding="utf-8").splitlines())
    return [line.split()[0] for line in lines if line]


def locks_agree(runtime: dict[str, str], dev: dict[str, str]) -> bool:
    disagree = [
        f"{name} {version} (dev lock: {dev.get(name, 'missing')})"
        for name, version in sorted(runtime.items())
        if dev.get(name) != version
    ]
    if disagree:
        print(f"FAILED: {DEV_LOCK.name} disagrees with {RUNTIME_LOCK.name}: {', '.join(disagree)}.")
        print("Run .ci/lock to make the locks again.")
        return False
    print(
        f"locks: {RUNTIME_LOCK.name} {len(runtime)} packages; {DEV_LOCK.name} {len(dev)} "
        f"(the same {len(runtime)} at the same versions, and {len(dev) - len(runtime)} for tests and tools)."
    )
    return True


def write_sbom(runtime: dict[str, str]) -> bool:
    """sbom.cdx.json from requirements.lock; True when it lists exactly the lock's packages."""
    command = [sys.executable, "-W", "ignore::UserWarning", "-m", "cyclonedx_py", "requirements"]
    command += [str(RUNTIME_LOCK), "--pyproject", str(ROOT / "pyproject.toml"), "--output-reproducible"]
    command += ["-o", str(SBOM)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    if finished.returncode != 0 or not SBOM.exists():
        why = (finished.stderr.strip().splitlines() or [f"exit {finished.returncode}"])[-1]
        print(f"FAILED: no SBOM of {RUNTIME_LOCK.name} ({why}).")
        return False
    bom = json.loads(SBOM.read_text(encoding="utf-8"))
    components = {canonical(c["name"]): c.get("version") for c in bom.get("components", [])}
    print(
        f"SBOM: {SBOM.name}, CycloneDX {bom.get('specVersion')}, {len(bom.get('components', []))} components "
        f"({RUNTIME_LOCK.name}: {len(runtime)} packages)."
    )
    if components != runtime or len(bom.get("components", [])) != len(runtime):
        print(f"FAILED: the SBOM's components are not the packages of {RUNTIME_LOCK.name}.")
        return False
    return True


def audit(report: Path) -> tuple[str | None, bool]:
    """Run pip-audit over the dev lock into `report`: (why it could not run, whether that is an outage)."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(DEV_LOCK), "--require-hashes", "--disable-pip"]
    command += ["--progress-spinner", "off", "-f", "json", "-o", str(report)]
    for vulnerability in ignored_ids():
        command += ["--ignore-vuln", vulnerability]
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {TIMEOUT_SECONDS} s", True
    if not report.exists() or not report.read_text():
        last = (finished.stderr.strip().splitlines() or [f"exit {finished.returncode}"])[-1]
        return last, bool(OUTAGE.search(last))
    return None, False


def main() -> int:
    runtime, dev = locked(RUNTIME_LOCK), locked(DEV_LOCK)
    if not runtime or not dev:
        print(f"FAILED: no pins in {RUNTIME_LOCK.name} ({len(runtime)}) or {DEV_LOCK.name} ({len(dev)}).")
        return 1
    if not (locks_agree(runtime, dev) and write_sbom(runtime)):
        return 1
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        problem, outage = audit(report)
        if problem is not None:
            if outage:
                print(f"WARNING: dependency audit did not run ({problem}); CI goes on without it.")
                print(f"WARNING: none of the {len(dev)} packages of {DEV_LOCK.name} was audited.")
                return 0
            print(f"FAILED: dependency audit did not run: {problem}")
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]
    return judge(dependencies, dev)


def judge(dependencies: list[dict[str, Any]], lock: dict[str, str]) -> int:
    """Print what the audit found; 1 when anything is vulnerable or the audit did not cover the lock."""
    checked = sorted(canonical(dep["name"]) for dep in dependencies)
    if checked != sorted(lock):
        missing = sorted(set(lock) - set(checked))
        extra = sorted(set(checked) - set(lock))
        print(
            f"FAILED: the audit checked {len(checked)} packages, {DEV_LOCK.name} has {len(lock)} "
            f"(not checked: {', '.join(missing) or '-'}; not in the lock: {', '.join(extra) or '-'})."
        )
        return 1
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep["name"] for dep in dependencies if "skip_reason" in dep]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})")
    if len(skipped) == len(dependencies):
        print(
            f"WARNING: the audit service answered for none of the {len(dependencies)} locked packages "
            f"(unreachable, or it does not know them): nothing was audited; CI goes on without it."
        )
    elif skipped:
        print(f"WARNING: not audited, unknown to the audit service: {', '.join(skipped)}")
    print(
        f"dependency audit of {DEV_LOCK.name}: {len(checked)} of {len(lock)} locked packages checked, "
        f"{len(checked) - len(skipped)} audited, {len(skipped)} not known to the service, "
        f"{len(vulnerable)} vulnerable."
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
