"""What each role may do with evaluations in the admin site.

The evaluation steps themselves are taken on the pages and through the API, where the
services decide who may act on which evaluation; these are model permissions only.
"""

from __future__ import annotations

from congvu.accounts.roles import Role

_READ = [
    "evaluations.view_round",
    "evaluations.view_evaluation",
    "evaluations.view_evaluationstep",
    "evaluations.view_periodscore",
]
# The Department of Home Affairs runs the rounds; the provincial office follows them.
_RUN = [*_READ, "evaluations.add_round", "evaluations.change_round"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HOME_AFFAIRS_APPRAISER: _RUN,
    Role.PROVINCIAL_OFFICE: _RUN,
}
