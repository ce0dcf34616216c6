"""Audit requirements.lock with pip-audit and say plainly what was and was not checked.

Fails (exit 1) when a locked version has a known vulnerability. Packages the advisory service
could not be asked about (no network, or a version it does not know) are listed as not
audited; with AUDIT_STRICT=1 that fails the run too, which CI with Internet access should set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def say(*parts: str) -> None:
    sys.stdout.write(" ".join(parts) + "\n")


def main() -> int:
    command = [
        str(ROOT / ".venv" / "bin" / "pip-audit"),
        "--requirement",
        str(ROOT / "requirements.lock"),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        say("pip-audit gave no report:", run.stderr.strip() or run.stdout.strip())
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            say(f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} ({fixes})")
    say(
        f"pip-audit: {audited} of {len(dependencies)} locked packages audited, "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    if skipped:
        say(f"NOT AUDITED ({len(skipped)}): the advisory service could not be asked about these:")
        for dependency in skipped:
            say(f"  {dependency['skip_reason']}")
    if vulnerable:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT") == "1":
        say("AUDIT_STRICT=1: packages that could not be audited fail the run.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
