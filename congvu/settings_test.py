"""Settings for the test suite: the normal settings with CONGVU_TESTING switched on."""

import os

os.environ.setdefault("CONGVU_TESTING", "1")

from congvu.settings import *  # noqa: F403
