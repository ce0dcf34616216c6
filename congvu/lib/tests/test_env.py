from __future__ import annotations

import pytest

from congvu.lib.env import EnvError, env_bool, env_int, env_list


def test_env_bool(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(EnvError, match="FLAG"):
        env_bool("FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("N", "12")
    assert env_int("N", 3) == 12
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(EnvError, match="N must be an integer"):
        env_int("N", 3)
    monkeypatch.setenv("HOSTS", "a.vn, b.vn,,")
    assert env_list("HOSTS") == ["a.vn", "b.vn"]
