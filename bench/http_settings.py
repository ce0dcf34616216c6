"""The application's settings with one extra view for the HTTP benchmark to compare with."""

from congvu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
