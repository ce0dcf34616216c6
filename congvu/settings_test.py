"""Settings for the test suite: the normal settings with CONGVU_TESTING switched on, and files
written to a throwaway folder instead of data/."""

import os
import tempfile

os.environ.setdefault("CONGVU_TESTING", "1")
_FILES = tempfile.mkdtemp(prefix="congvu-test-")
os.environ.setdefault("PRIVATE_ROOT", os.path.join(_FILES, "private"))
os.environ.setdefault("MEDIA_ROOT", os.path.join(_FILES, "media"))

from congvu.settings import *  # noqa: E402, F403

# A "replica" alias that mirrors the test database, so the router's tests can see which
# connection a read used; the router itself is switched on only by the tests that want it.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
