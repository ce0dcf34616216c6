"""The vocabulary of the permission matrix: who asks, what they ask, who may have it.

Each app says what its own pages and endpoints allow in `congvu/<app>/tests/access.py`, a
function `access_cases(cast: Cast) -> list[Case]` that creates the objects it needs (owned by
unit A, by citizen A, ...) and returns one `Case` per URL it serves.
`tests/test_permission_matrix.py` collects every app's cases, fails for any URL route or API
operation that no case covers, and asks each case as every actor of the cast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The standing cast, by the names cases use in `allow`.
ACTORS = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    "one_stop_officer",
    "specialist_a",
    "head_a",
    "official_b",
    "provincial_office",
    "appraiser",
    "editor",
    "news_approver",
    "administrator",
)
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = SIGNED_IN - {"citizen_a", "citizen_b"}


@dataclass
class Cast:
    """The actors (User objects; None for anonymous) and the units of the standing cast."""

    users: Mapping[str, Any]
    units: Mapping[str, Any]
    # Whatever an app's access_cases created, for another app's cases to reuse.
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One request and the actors who may have it.

    `route` is the URL pattern's name as `reverse()` knows it ("portal:article") or, for the
    API, the OpenAPI operation as "METHOD /api/v1/path/{param}/". Actors in `allow` must get a
    status in `ok`; everyone else must be refused: anonymous visitors get 401/403 from the API
    or a redirect to the login page from HTML (403/404 from a public page whose object is not
    public), signed-in actors 403 or 404 (404 where the
    object's existence is itself not theirs to know). `data` is sent as the form or JSON body
    (multipart when a value is a file). `secret`, when given, is text of the object (a name, a
    title) that no refusal may show.
    """

    method: str
    path: str
    route: str
    allow: frozenset[str]
    ok: frozenset[int] = frozenset({200})
    data: Mapping[str, Any] | None = None
    api: bool = False
    secret: str = ""
