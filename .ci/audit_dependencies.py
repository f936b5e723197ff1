"""CI's dependency audit: pip-audit over the installed environment, judged so an outage cannot fail CI.

- A known vulnerability in an installed package fails the run (exit 1), unless its id is listed in
  .ci/pip-audit-ignore.txt with the reason it does not apply.
- The audit service unreachable, slow, or not knowing a package: a loud warning, and the run goes
  on (exit 0). An outside outage must not stop a change from landing; the next run audits again.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
IGNORED = HERE / "pip-audit-ignore.txt"  # one "ID  reason" a line; '#' starts a comment
TIMEOUT_SECONDS = 300


def ignored_ids() -> list[str]:
    if not IGNORED.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in IGNORED.read_text(encoding="utf-8").splitlines())
    return [line.split()[0] for line in lines if line]


def audit(report: Path) -> str | None:
    """Run pip-audit into `report`; why it could not run, or None."""
    command = [sys.executable, "-m", "pip_audit", "--local", "--progress-spinner", "off", "-f", "json", "-o"]
    command.append(str(report))
    for vulnerability in ignored_ids():
        command += ["--ignore-vuln", vulnerability]
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {TIMEOUT_SECONDS} s"
    if not report.exists() or not report.read_text():
        return (finished.stderr.strip().splitlines() or [f"exit {finished.returncode}"])[-1]
    return None


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        problem = audit(report)
        if problem is not None:
            print(f"WARNING: dependency audit did not run ({problem}); CI goes on without it.")
            return 0
        dependencies = json.loads(report.read_text())["dependencies"]
    return judge(dependencies)


def judge(dependencies: list[dict[str, Any]]) -> int:
    """Print what the audit found; 1 when anything is vulnerable."""
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep["name"] for dep in dependencies if "skip_reason" in dep]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})")
    if skipped:
        print(f"WARNING: not audited, unknown to the audit service: {', '.join(skipped)}")
    print(f"dependency audit: {len(dependencies) - len(skipped)} audited, {len(vulnerable)} vulnerable.")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
