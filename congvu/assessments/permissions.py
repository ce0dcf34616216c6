"""What each role may do with the assessments app's models in the admin site (merged into the
role groups by `congvu.accounts.roles`). The pages ask the selectors, not these."""

from __future__ import annotations

from congvu.accounts.roles import Role

_READ = [
    "assessments.view_round",
    "assessments.view_criterion",
    "assessments.view_gradeband",
    "assessments.view_unitassessment",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HOME_AFFAIRS_APPRAISER: [
        *_READ,
        "assessments.add_criterion",
        "assessments.change_criterion",
        "assessments.view_score",
        "assessments.view_surveyimport",
    ],
    Role.PROVINCIAL_OFFICE: [*_READ],
}
