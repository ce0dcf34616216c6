"""Settings for the test suite: the normal settings with CONGVU_TESTING switched on, and files
written to a throwaway folder instead of data/."""

import os
import tempfile

os.environ.setdefault("CONGVU_TESTING", "1")
_FILES = tempfile.mkdtemp(prefix="congvu-test-")
os.environ.setdefault("PRIVATE_ROOT", os.path.join(_FILES, "private"))
os.environ.setdefault("MEDIA_ROOT", os.path.join(_FILES, "media"))

from congvu.settings import *  # noqa: E402, F403
