"""Production settings refuse to start without a secret key; debug is off unless asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "CONGVU_TESTING"}
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_required_without_debug():
    result = _run({"DJANGO_SETTINGS_MODULE": "congvu.settings"}, "import congvu.settings")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_by_default():
    result = _run(
        {"SECRET_KEY": "x" * 60},
        "import congvu.settings as s; print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "Asia/Ho_Chi_Minh", "vi", "True"]
