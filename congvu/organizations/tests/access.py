"""Who may have the directory's pages and the organisation API (see tests/matrix.py).

Units, their tree and the names of officials are public. Officials' contacts and delegations
belong to their own agency and to the province-wide roles; heads and province-wide roles record
and revoke delegations.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from congvu.organizations.models import Delegation, Official
from congvu.organizations.tests.factories import DelegationFactory
from tests.matrix import EVERYONE, SIGNED_IN, Case, Cast

# Who sees the inside of Department A: its own people and the province-wide roles.
AGENCY_A = frozenset({"specialist_a", "head_a", "provincial_office", "appraiser", "administrator"})
RECORDS_DELEGATIONS_OF_A = frozenset({"head_a", "provincial_office", "appraiser", "administrator"})


def access_cases(cast: Cast) -> list[Case]:
    dept_a = cast.units["dept_a"]
    head = Official.objects.get(user=cast.users["head_a"])
    specialist = Official.objects.get(user=cast.users["specialist_a"])
    now = timezone.now()
    standing = DelegationFactory.create(
        unit=dept_a, delegator=head, delegate=specialist, scope=Delegation.Scope.DOSSIERS
    )
    to_revoke = DelegationFactory.create(
        unit=dept_a,
        delegator=head,
        delegate=specialist,
        scope=Delegation.Scope.TASKS,
        valid_from=now + dt.timedelta(days=10),
        valid_until=now + dt.timedelta(days=20),
    )
    cast.objects["delegation_a"] = standing
    official_url = f"/api/v1/officials/{specialist.pk}/"
    return [
        Case("GET", reverse("organizations:directory"), "organizations:directory", EVERYONE),
        Case(
            "GET",
            reverse("organizations:unit_detail", args=[dept_a.pk]),
            "organizations:unit_detail",
            EVERYONE,
        ),
        Case("GET", "/api/v1/units/", "GET /api/v1/units/", EVERYONE, api=True),
        Case("GET", f"/api/v1/units/{dept_a.pk}/", "GET /api/v1/units/{id}/", EVERYONE, api=True),
        Case(
            "GET",
            f"/api/v1/units/{dept_a.pk}/responsibility/",
            "GET /api/v1/units/{id}/responsibility/",
            AGENCY_A,
            api=True,
        ),
        Case("GET", "/api/v1/officials/", "GET /api/v1/officials/", SIGNED_IN, api=True),
        Case(
            "GET",
            official_url,
            "GET /api/v1/officials/{id}/",
            AGENCY_A,
            api=True,
            secret=specialist.full_name,
        ),
        Case("GET", "/api/v1/delegations/", "GET /api/v1/delegations/", SIGNED_IN, api=True),
        Case(
            "GET",
            f"/api/v1/delegations/{standing.pk}/",
            "GET /api/v1/delegations/{id}/",
            AGENCY_A,
            api=True,
            secret=specialist.full_name,
        ),
        # The first allowed actor records it; those after are told it overlaps (400): both
        # answers mean they were allowed to ask.
        Case(
            "POST",
            "/api/v1/delegations/",
            "POST /api/v1/delegations/",
            RECORDS_DELEGATIONS_OF_A,
            frozenset({201, 400}),
            data={
                "unit": dept_a.pk,
                "delegator": head.pk,
                "delegate": specialist.pk,
                "scope": Delegation.Scope.ALL,
                "valid_from": (now + dt.timedelta(days=30)).isoformat(),
                "valid_until": (now + dt.timedelta(days=40)).isoformat(),
                "reason": "Đi công tác",
            },
            api=True,
        ),
        # The first allowed actor revokes it; those after are told it already is (400).
        Case(
            "POST",
            f"/api/v1/delegations/{to_revoke.pk}/revoke/",
            "POST /api/v1/delegations/{id}/revoke/",
            RECORDS_DELEGATIONS_OF_A,
            frozenset({200, 400}),
            data={},
            api=True,
        ),
    ]
