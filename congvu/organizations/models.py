from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self, on: dt.date | None = None) -> UnitQuerySet:
        """Units in force on a day: started on or before it, not yet ended."""
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=day)
        )

    def subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user: Any) -> UnitQuerySet:
        """Units are public records: their names, kinds, codes and tree are published."""
        return self.all()


class OfficialQuerySet(models.QuerySet["Official"]):
    def visible_to(self, user: Any) -> OfficialQuerySet:
        """Officials whose contact details `user` may see (see `selectors.agency_paths_for`)."""
        from congvu.organizations.selectors import agency_paths_for

        paths = agency_paths_for(user)
        if paths is None:
            return self.all()
        if not paths:
            return self.none()
        # Someone seconded into the agency holds a position there while their main unit is
        # elsewhere; they are part of the agency for as long as the position lasts.
        holding_post = Position.objects.active().filter(_path_q("unit__path", paths))
        return self.filter(
            _path_q("unit__path", paths) | Q(pk__in=holding_post.values("official_id"))
        )


class PositionQuerySet(models.QuerySet["Position"]):
    def active(self, on: dt.date | None = None) -> PositionQuerySet:
        """Positions held on a day: started on or before it, not yet ended."""
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=day)
        )


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def visible_to(self, user: Any) -> DelegationQuerySet:
        """Delegations of the user's own agency, and those naming the user, or all of them for
        administrators and province-wide roles."""
        from congvu.organizations.selectors import agency_paths_for

        paths = agency_paths_for(user)
        if paths is None:
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = Q(delegator__user=user) | Q(delegate__user=user)
        if paths:
            mine |= _path_q("unit__path", paths)
        return self.filter(mine)

    def in_force(self, at: dt.datetime) -> DelegationQuerySet:
        """Delegations whose window [valid_from, valid_until) holds `at` and that were not
        revoked by then."""
        return self.filter(valid_from__lte=at, valid_until__gt=at).filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at)
        )


def _path_q(field: str, paths: list[str]) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


class UnitKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("Provincial People's Committee")
    OFFICE = "office", _("Office of the People's Committee")
    SERVICE_CENTRE = "service_centre", _("Public Administration Service Centre")
    DEPARTMENT = "department", _("Department")
    DIVISION = "division", _("Division")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    COMMUNE_CENTRE = "commune_centre", _("Commune Public Administration Service Centre")
    RECEIVING_POINT = "receiving_point", _("Receiving point")
    EXTERNAL_AGENCY = "external_agency", _("External agency")


class Unit(models.Model):
    """An agency or a part of one (Cơ quan, đơn vị): the People's Committee of a province or a
    commune, an office, a department and its divisions, a public service unit, a Public
    Administration Service Centre and its receiving points, or an outside agency that takes part
    in inter-agency procedures.

    Units form a tree and are effective-dated: a unit that is merged or split is ended and
    linked to its successors, so reports about the past still name the unit as it was.
    """

    Kind = UnitKind

    # Kinds that stand on their own as an agency; the units below them are its parts.
    AGENCY_KINDS = frozenset(
        {
            Kind.PROVINCE_COMMITTEE,
            Kind.OFFICE,
            Kind.DEPARTMENT,
            Kind.PUBLIC_SERVICE_UNIT,
            Kind.COMMUNE_COMMITTEE,
            Kind.EXTERNAL_AGENCY,
        }
    )

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(
        _("electronic identifier code"),
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Mã định danh điện tử, e.g. 000.00.00.H12."),
    )
    admin_code = models.CharField(
        _("administrative unit code"),
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        help_text=_(
            "Code of the province or commune in the national list of administrative units."
        ),
    )
    seed_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    valid_from = models.DateField(_("in force from"), default=dt.date(2025, 7, 1))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successor units"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        return self.kind == self.Kind.PROVINCE_COMMITTEE

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Official(models.Model):
    """An official or public employee (Cán bộ, công chức, viên chức) with a user account.

    `unit` is the unit they mainly work in; the positions they hold, possibly several and in
    several units, are `Position` rows.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        related_name="official",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officials"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class PositionKind(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    SPECIALIST = "specialist", _("Specialist")
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    CLERK = "clerk", _("Clerk")


class Position(models.Model):
    """A position an official holds in a unit (Chức vụ, vị trí việc làm) for a period."""

    Kind = PositionKind

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField(_("position"), max_length=32, choices=Kind.choices)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("E.g. Director, Chairman.")
    )
    valid_from = models.DateField(_("from"), default=dt.date(2025, 7, 1))
    valid_until = models.DateField(_("until"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit__path", "kind", "official__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PositionKind.values), name="position_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="position_valid_range",
            ),
            # A unit has one head at a time: the accountable person must never be ambiguous.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="head", valid_until__isnull=True),
                name="position_one_open_head_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.get_kind_display()} · {self.unit}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


class DelegationScope(models.TextChoices):
    ALL = "all", _("All work of the unit")
    DOSSIERS = "dossiers", _("Administrative procedure dossiers")
    TASKS = "tasks", _("Assigned tasks")
    EVALUATION = "evaluation", _("Evaluation and scoring")


class Delegation(models.Model):
    """A head's written authorisation for a deputy or another official to act for them
    (Ủy quyền, phân công) in a stated scope during [valid_from, valid_until).

    The delegate acts; the head stays accountable (Chỉ thị 15/CT-UBND: the head answers for work
    "even when assigned or delegated to a deputy").
    """

    Scope = DelegationScope

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="delegations"
    )
    delegator = models.ForeignKey(
        Official,
        verbose_name=_("delegating head"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        Official,
        verbose_name=_("acting official"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.ALL)
    valid_from = models.DateTimeField(_("from"))
    valid_until = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["unit", "valid_from", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=DelegationScope.values), name="delegation_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="delegation_valid_range"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.get_scope_display()})"

    @property
    def ends_at(self) -> dt.datetime:
        """When the delegation stops: its end, or its revocation if that came first."""
        if self.revoked_at is not None and self.revoked_at < self.valid_until:
            return self.revoked_at
        return self.valid_until

    def is_in_force_at(self, at: dt.datetime) -> bool:
        return self.valid_from <= at < self.ends_at
