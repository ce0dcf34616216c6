"""Pages speak Vietnamese by default, whatever the browser asks; the visitor may switch."""

from __future__ import annotations


def test_pages_are_vietnamese_even_for_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in body
    assert '<html lang="vi">' in body


def test_visitor_can_switch_to_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Log in" in body
    assert '<html lang="en">' in body


def test_api_honours_accept_language(client, db):
    params = {"received_at": "2026-02-13T10:00", "working_days": "-1"}
    english = client.get("/api/v1/calendar/appointment", params, HTTP_ACCEPT_LANGUAGE="en")
    default = client.get("/api/v1/calendar/appointment", params)
    assert "negative" in english.json()["errors"]["working_days"][0]
    assert "âm" in default.json()["errors"]["working_days"][0]
