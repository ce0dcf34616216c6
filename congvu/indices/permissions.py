"""What each role may do with the index's models (merged into the role groups on migrate)."""

from __future__ import annotations

from congvu.accounts.roles import Role

_VIEW = ["indices.view_indexversion", "indices.view_indicatorweight", "indices.view_manualfigure"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # The provincial office issues the yearly configuration and locks the units' figures.
    Role.PROVINCIAL_OFFICE: [
        *_VIEW,
        "indices.add_indexversion",
        "indices.change_indexversion",
        "indices.add_indicatorweight",
        "indices.change_indicatorweight",
        "indices.change_manualfigure",
    ],
    Role.HOME_AFFAIRS_APPRAISER: _VIEW,
    # A unit's leaders and specialists enter its figures with their evidence.
    Role.HEAD: [*_VIEW, "indices.add_manualfigure"],
    Role.UNIT_LEADER: [*_VIEW, "indices.add_manualfigure"],
    Role.SPECIALIST: [*_VIEW, "indices.add_manualfigure"],
}
