"""What the portal's models allow each role (merged into the role groups on migrate).

Editors write articles and tag them; approvers also arrange categories and may remove tags.
Whether a particular article may be changed or published is the workflow's decision
(`workflow.py`); these are the admin site's model permissions.
"""

from __future__ import annotations

from congvu.accounts.roles import Role

_READ = ["portal.view_article", "portal.view_category", "portal.view_tag"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: [
        *_READ,
        "portal.add_article",
        "portal.change_article",
        "portal.view_articlerevision",
        "portal.add_tag",
    ],
    Role.NEWS_APPROVER: [
        *_READ,
        "portal.add_article",
        "portal.change_article",
        "portal.view_articlerevision",
        "portal.view_articleevent",
        "portal.add_tag",
        "portal.change_tag",
        "portal.delete_tag",
        "portal.add_category",
        "portal.change_category",
        "portal.view_visitorday",
    ],
    Role.PROVINCIAL_OFFICE: ["portal.view_visitorday"],
}
