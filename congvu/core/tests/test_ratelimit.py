"""Rate limits count a client as its IPv4 address or its IPv6 /64, across processes (cache)."""

from __future__ import annotations

import pytest

from congvu.core import context
from congvu.core.ratelimit import Rate, hit


@pytest.mark.parametrize(
    ("text", "limit", "window"),
    [("10/hour", 10, 3600), ("20/min", 20, 60), ("5/30s", 5, 30), ("100/day", 100, 86400)],
)
def test_rates_parse(text, limit, window):
    assert Rate.parse(text) == Rate(limit, window)


def test_bad_rate_is_refused():
    with pytest.raises(ValueError, match="not a rate"):
        Rate.parse("often")


def _as(address: str) -> object:
    return context.set_current(context.RequestContext(client_address=address))


def test_one_ipv6_64_is_one_client_and_another_64_is_not():
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9"):
        token = _as(address)
        try:
            assert hit("t", "2/min") == 0
        finally:
            context.reset(token)
    token = _as("2001:db8:1:2::abcd")
    try:
        assert hit("t", "2/min") > 0  # third use by the same /64
    finally:
        context.reset(token)
    token = _as("2001:db8:1:3::1")
    try:
        assert hit("t", "2/min") == 0  # the neighbouring /64 has its own count
    finally:
        context.reset(token)


def test_ipv4_addresses_are_counted_each_on_their_own():
    for address, expected_over in [
        ("203.113.0.5", False),
        ("203.113.0.5", True),
        ("203.113.0.6", False),
    ]:
        token = _as(address)
        try:
            assert (hit("t4", "1/min") > 0) is expected_over
        finally:
            context.reset(token)


@pytest.fixture
def _two_per_hour(settings):
    settings.DOSSIER_SUBMIT_RATE = "2/hour"


@pytest.mark.usefixtures("_two_per_hour")
def test_online_submission_page_is_limited_per_client(client_for, citizen):
    client = client_for(citizen)
    url = "/dossiers/submit/1.000001/"
    v6 = ["2001:db8:5:6::1", "2001:db8:5:6::2"]
    codes = [client.post(url, {}, REMOTE_ADDR=a).status_code for a in v6]
    assert 429 not in codes
    limited = client.post(url, {}, REMOTE_ADDR="2001:db8:5:6::3")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    body = limited.content.decode()
    assert "Quá nhiều yêu cầu" in body or "Too many requests" in body
    # Looking at the form is not counted, and another /64 or an IPv4 client is not limited.
    assert client.get(url, REMOTE_ADDR="2001:db8:5:6::3").status_code != 429
    assert client.post(url, {}, REMOTE_ADDR="2001:db8:5:7::1").status_code != 429
    assert client.post(url, {}, REMOTE_ADDR="203.113.0.5").status_code != 429


@pytest.mark.usefixtures("_two_per_hour")
def test_api_submission_is_limited_with_the_json_error_shape(api_client_for, citizen):
    api = api_client_for(citizen)
    for _ in range(2):
        assert (
            api.post("/api/v1/dossiers/", {}, format="json", REMOTE_ADDR="198.51.100.7").status_code
            == 400
        )
    limited = api.post("/api/v1/dossiers/", {}, format="json", REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert set(limited.json()) == {"detail", "errors"}
    assert "giây" in limited.json()["detail"] or "seconds" in limited.json()["detail"]
    # Reading the list is not a submission.
    assert api.get("/api/v1/dossiers/", REMOTE_ADDR="198.51.100.7").status_code == 200


@pytest.mark.usefixtures("_two_per_hour")
def test_desk_officers_are_not_counted(api_client_for, one_stop_officer):
    api = api_client_for(one_stop_officer.user)
    codes = [
        api.post("/api/v1/dossiers/", {}, format="json", REMOTE_ADDR="198.51.100.8").status_code
        for _ in range(4)
    ]
    assert 429 not in codes


@pytest.fixture
def redis_cache(settings):
    """The default cache on the local Redis server (database 15), emptied before and after."""
    from django.core.cache import caches

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_on_redis_the_window_counts_every_use_and_expires(redis_cache):
    token = _as("198.51.100.7")
    try:
        assert [hit("r", "3/min") for _ in range(3)] == [0, 0, 0]
        assert 0 < hit("r", "3/min") <= 60  # the fourth use waits for the next minute
    finally:
        context.reset(token)
    (key,) = [k.decode() for k in redis_cache._cache.get_client().keys("*congvu:rate:r:*")]
    ttl = redis_cache._cache.get_client().ttl(key)
    assert 0 < ttl <= 65  # the counter is forgotten after its window
    assert redis_cache.get(key.split(":", 2)[2]) == 4  # a plain integer other readers see


def test_on_redis_counting_survives_a_server_that_forgot_its_scripts(redis_cache):
    """A Redis restart (or SCRIPT FLUSH) drops the counting script; the next use loads it
    again and still counts, instead of failing the request."""
    token = _as("198.51.100.8")
    try:
        assert hit("f", "2/min") == 0
        redis_cache._cache.get_client().script_flush()
        assert hit("f", "2/min") == 0
        assert hit("f", "2/min") > 0  # the third use in the window is refused
    finally:
        context.reset(token)
