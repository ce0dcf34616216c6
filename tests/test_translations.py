"""Every user-facing string has a Vietnamese translation (Vietnamese is the default language)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path("congvu/locale/vi/LC_MESSAGES/django.po")


def _entries(po: str) -> list[dict[str, str]]:
    """msgid/msgstr pairs (plural forms folded) with their flags, from a .po file's text."""
    entries: list[dict[str, str]] = []
    for block in re.split(r"\n\s*\n", po):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or all(line.startswith("#~") for line in lines):
            continue
        entry: dict[str, str] = {"flags": "", "msgid": "", "msgstr": ""}
        key = ""
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid_plural"):
                key = "msgid_plural"
                entry[key] = line.split(" ", 1)[1].strip('"')
            elif line.startswith("msgid "):
                key = "msgid"
                entry[key] = line.split(" ", 1)[1].strip('"')
            elif line.startswith("msgstr"):
                key = "msgstr"
                entry[key] += line.split(" ", 1)[1].strip('"')
            elif line.startswith('"') and key:
                entry[key] += line.strip('"')
        entries.append(entry)
    return [e for e in entries if e["msgid"]]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_every_source_string_is_translated_into_vietnamese(tmp_path):
    # Extract the strings of a copy of the code into a copy of the catalogue, as makemessages
    # would: new strings arrive untranslated and changed ones fuzzy.
    work = tmp_path / "src"
    shutil.copytree(
        ROOT / "congvu",
        work / "congvu",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"),
    )
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    env = {**os.environ, "CONGVU_TESTING": "1", "DJANGO_SETTINGS_MODULE": "congvu.settings"}
    env["PYTHONPATH"] = str(work)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--no-location"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = _entries((work / CATALOGUE).read_text(encoding="utf-8"))
    missing = [e["msgid"] for e in extracted if not e["msgstr"] or "fuzzy" in e["flags"]]
    assert len(extracted) > 100
    assert missing == []


def test_catalogue_has_no_fuzzy_or_empty_entries():
    entries = _entries((ROOT / CATALOGUE).read_text(encoding="utf-8"))
    assert [e["msgid"] for e in entries if not e["msgstr"] or "fuzzy" in e["flags"]] == []
