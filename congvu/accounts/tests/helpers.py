from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail


def last_email_path() -> str:
    """The path of the first link in the last email sent."""
    match = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert match is not None
    return urlsplit(match.group(0)).path
