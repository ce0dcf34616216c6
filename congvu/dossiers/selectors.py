from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db import InterfaceError, OperationalError, connections, router
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.db import prepared_cursor
from congvu.dossiers.models import (
    FINAL_STATUSES,
    Dossier,
    DossierDocument,
    DossierQuerySet,
    DossierTransition,
    Status,
)
from congvu.dossiers.workflow import ACTIONS, PROCESS_BOUND, SUPPLEMENT_WITHIN_WORKING_DAYS, Actor
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.selectors import agency_paths_for, official_of, responsibility_resolve
from congvu.procedures.models import ProcedureVersion, ProcessTransition


class ActionNotAllowedError(Exception):
    """The action cannot be taken in the dossier's present state (HTTP 409)."""


class NotYoursError(Exception):
    """The user has no part in this dossier for this action (HTTP 403)."""


def _path_q(prefix: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}__path__startswith": path})
    return q


def dossier_visibility_q(user: Any) -> Q:
    """Who sees a dossier: its applicant; officials of an agency it was received at, is
    competent for, or is now at; the province-wide roles. Nobody else."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    paths = agency_paths_for(user)
    if paths is None:
        return Q()
    q = Q(applicant_user=user)
    if paths:
        q |= _path_q("received_unit", paths) | _path_q("competent_unit", paths)
        q |= _path_q("current_unit", paths)
    return q


def dossier_list(*, user: Any) -> DossierQuerySet:
    return Dossier.objects.visible_to(user).select_related(
        "procedure_version__procedure", "received_unit", "competent_unit", "current_unit"
    )


def dossier_get(*, code: str, user: Any) -> Dossier | None:
    return dossier_list(user=user).filter(code=code).first()


_official = official_of


def _positions(official: Official, day: dt.date) -> list[Position]:
    # Permission checks ask this many times per page; the positions of one day are fetched once.
    cache: dict[dt.date, list[Position]] = official.__dict__.setdefault("_congvu_positions", {})
    if day not in cache:
        cache[day] = list(
            Position.objects.active(day).filter(official=official).select_related("unit")
        )
    return cache[day]


def _agency_path(unit: Unit) -> str:
    """Path of the agency `unit` belongs to, read from the path without a query."""
    if unit.kind in Unit.AGENCY_KINDS or len(unit.ancestor_ids()) <= 1:
        return unit.path
    if "_congvu_agency_path" not in unit.__dict__:
        from congvu.organizations.selectors import unit_agency_get

        unit.__dict__["_congvu_agency_path"] = unit_agency_get(unit=unit).path
    return str(unit.__dict__["_congvu_agency_path"])


def official_works_in(user: Any, unit: Unit | None, day: dt.date | None = None) -> bool:
    """Whether `user` is an official of `unit` or of one of its parts."""
    official = _official(user)
    if official is None or unit is None:
        return False
    units = [official.unit] + [p.unit for p in _positions(official, day or timezone.localdate())]
    # Inside `unit`, and `unit` inside the official's own agency: a department's specialist
    # is not an official "of" the provincial People's Committee at the top of the tree.
    return any(
        u.path.startswith(unit.path) and unit.path.startswith(_agency_path(u)) for u in units
    )


def _may_do_step(user: Any, dossier: Dossier, now: dt.datetime) -> bool:
    unit = dossier.current_unit
    if not official_works_in(user, unit, now.date()):
        return False
    step = dossier.current_step
    if step is None or step.position not in (Position.Kind.HEAD, Position.Kind.DEPUTY_HEAD):
        return True
    assert unit is not None
    official = _official(user)
    duty = responsibility_resolve(unit=unit, at=now, scope=Delegation.Scope.DOSSIERS)
    if official is not None and official in (duty.acting, duty.accountable):
        return True
    if step.position == Position.Kind.DEPUTY_HEAD and official is not None:
        return any(
            p.kind in (Position.Kind.HEAD, Position.Kind.DEPUTY_HEAD) and p.unit_id == unit.pk
            for p in _positions(official, now.date())
        )
    return False


def _is_applicant(user: Any, dossier: Dossier) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and dossier.applicant_user_id is not None
        and dossier.applicant_user_id == user.pk
    )


def _step_offers(dossier: Dossier, action: str) -> bool:
    if dossier.current_step_id is None:
        return False
    return any(t.action == action for t in dossier.current_step.outgoing.all())  # type: ignore[union-attr]


def dossier_action_check(
    *, dossier: Dossier, user: Any, action: str, now: dt.datetime | None = None
) -> None:
    """Raise NotYoursError or ActionNotAllowedError, with the reason, unless `user` may take
    `action` now."""
    moment = now or timezone.now()
    spec = ACTIONS.get(action)
    if spec is None:
        raise ActionNotAllowedError(_("Unknown action: %(action)s.") % {"action": action})

    if spec.actor == Actor.APPLICANT:
        allowed = _is_applicant(user, dossier) or official_works_in(user, dossier.received_unit)
        if action == "rate":
            allowed = _is_applicant(user, dossier) or (
                dossier.applicant_user_id is None and official_works_in(user, dossier.received_unit)
            )
    elif spec.actor == Actor.RECEIVING:
        allowed = official_works_in(user, dossier.received_unit)
    elif spec.actor == Actor.HANDLING:
        allowed = _may_do_step(user, dossier, moment)
    else:
        allowed = official_works_in(user, dossier.competent_unit) or official_works_in(
            user, dossier.current_unit
        )
    if not allowed:
        raise NotYoursError(_("You have no part in this dossier for this action."))

    if dossier.status not in spec.sources:
        raise ActionNotAllowedError(
            _("This cannot be done while the dossier is “%(status)s”.")
            % {"status": dossier.get_status_display()}
        )
    if action in PROCESS_BOUND and not _step_offers(dossier, action):
        raise ActionNotAllowedError(
            _("The current step of the process does not allow this action.")
        )
    if action == "request_intake_supplement" and dossier.intake_supplement_count >= 1:
        raise ActionNotAllowedError(_("Supplementation at intake may be requested only once."))
    if action == "apologize":
        if dossier.extension_count >= 1:
            raise ActionNotAllowedError(
                _("A new appointment has already been set once; a second extension is not allowed.")
            )
        if dossier.at_risk_from is None or moment < dossier.at_risk_from:
            raise ActionNotAllowedError(
                _("An apology is issued only from one working day before the appointment.")
            )
    if action == "request_supplement":
        from congvu.calendars.selectors import work_calendar_get

        calendar = work_calendar_get()
        limit = SUPPLEMENT_WITHIN_WORKING_DAYS * calendar.office_hours.seconds_per_day
        received = dossier.received_at or moment
        if calendar.working_seconds_between(received, moment) > limit:
            raise ActionNotAllowedError(
                _("Supplementation may be requested only within %(days)s working days of receipt.")
                % {"days": SUPPLEMENT_WITHIN_WORKING_DAYS}
            )
    if action == "rate" and hasattr(dossier, "rating"):
        raise ActionNotAllowedError(_("This dossier has already been rated."))


def dossier_actions_allowed(
    *, dossier: Dossier, user: Any, now: dt.datetime | None = None
) -> list[str]:
    """The actions `user` may take on `dossier` now: what templates and the API offer."""
    allowed = []
    for name in ACTIONS:
        try:
            dossier_action_check(dossier=dossier, user=user, action=name, now=now)
        except (ActionNotAllowedError, NotYoursError):
            continue
        allowed.append(name)
    return allowed


_PUBLIC_FIELDS = (
    "code",
    "secret",
    "applicant_phone",
    "status",
    "national_status",
    "received_at",
    "due_at",
    "returned_at",
    "procedure_version__name",
    "procedure_version__procedure__code",
    "received_unit__name",
    "competent_unit__name",
)


@dataclasses.dataclass(frozen=True)
class PublicMatch:
    """A dossier the public lookup may show: its id, code and version (`updated_at`, which
    every service that changes the dossier moves on)."""

    pk: int
    code: str
    version: str
    # Processed past its appointment at the moment of the lookup: the one thing the answer
    # shows that changes without the dossier changing.
    overdue: bool = False


def _key_matches(stored_secret: str, stored_phone: str, secret: str, phone: str) -> bool:
    from django.utils.crypto import constant_time_compare

    if secret and constant_time_compare(stored_secret, secret.strip()):
        return True
    digits = "".join(ch for ch in phone if ch.isdigit())
    return bool(digits) and constant_time_compare(
        "".join(ch for ch in stored_phone if ch.isdigit()), digits
    )


def dossier_public_match(*, code: str, secret: str = "", phone: str = "") -> PublicMatch | None:
    """Whether the code and key (or phone) match a dossier: one read of one row by the code's
    unique index, and no more, so that a cached answer costs a single cheap query."""
    code = code.strip()
    if not code or not (secret or phone):
        return None
    alias = router.db_for_read(Dossier)
    # Plain SQL: compiling the ORM query would cost more than running it.
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT id, secret, applicant_phone, updated_at, status, due_at"
            " FROM dossiers_dossier WHERE code = %s",
            [code],
        )
        row = cursor.fetchone()
    if row is None or not _key_matches(row[1], row[2], secret, phone):
        return None
    # The row's own random key joins the version: a code and a time can come round again
    # where rows are rolled back (a test database), a 16-character random key does not.
    return PublicMatch(
        pk=row[0],
        code=code,
        version=f"{row[3].isoformat()}/{row[1]}",
        overdue=_overdue(row[4], _aware(row[5])),
    )


def _overdue(status: str, due_at: dt.datetime | None) -> bool:
    """In process past its appointment now (`Dossier.is_overdue`, for a row read as SQL)."""
    return status == Status.PROCESSING and due_at is not None and due_at < timezone.now()


def _version_names(pk: int) -> tuple[str, str]:
    """A procedure version's name and its procedure's code."""
    from congvu.dossiers.lookup import names

    def load() -> tuple[str, str]:
        row = ProcedureVersion.objects.filter(pk=pk).values_list("name", "procedure__code")
        return row.get()

    return names.get_or_make(("version", pk), load)


def _unit_name(pk: int) -> str:
    from congvu.dossiers.lookup import names

    return names.get_or_make(
        ("unit", pk), lambda: Unit.objects.filter(pk=pk).values_list("name", flat=True).get()
    )


# The model's own table name; the code is a bound parameter.
_PUBLIC_ROW_SQL = (
    "SELECT secret, applicant_phone, status, national_status, received_at, due_at,"  # noqa: S608
    " returned_at, procedure_version_id, received_unit_id"
    f" FROM {Dossier._meta.db_table} WHERE code = %s"
)


def _public_row(code: str) -> tuple[Any, ...] | None:
    """The lookup's row: one row of one table by the code's unique index (joining the names in
    would cost the database several times more than the read itself).

    On PostgreSQL the statement is bound on the server and prepared on each connection's first
    lookup, so the server neither parses nor plans it again; and the read itself is
    the connection's health check: a connection the server dropped (a restart) is reopened and
    the read tried once more, instead of a `SELECT 1` before every lookup.
    """
    connection = connections[router.db_for_read(Dossier)]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PUBLIC_ROW_SQL, [code])
            return cursor.fetchone()
    for attempt in range(2):
        try:
            with prepared_cursor(connection, health_check=False) as cursor:
                cursor.execute(_PUBLIC_ROW_SQL, [code])
                row = cursor.fetchone()
        except (OperationalError, InterfaceError):
            if attempt or connection.in_atomic_block:
                raise
            connection.close()
            continue
        connection.health_check_done = True  # type: ignore[attr-defined]
        return row
    return None


def _aware(value: Any) -> dt.datetime | None:
    """A timestamp read by plain SQL: aware in UTC on every backend (SQLite gives it naive)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, dt.UTC)


def dossier_public_answer(*, code: str, secret: str = "", phone: str = "") -> dict[str, Any] | None:
    """What the public lookup shows of the dossier whose code and key (or phone) match, or None:
    one indexed read of one row, with the names it shows from `lookup.names`. The lookup is the
    busiest public request, so it is not compiled by the ORM, and the dossier's state is read
    fresh every time (TT 03/2025 Art. 6: the applicant follows the dossier's progress)."""
    code = code.strip()
    if not code or not (secret or phone):
        return None
    row = _public_row(code)
    if row is None or not _key_matches(row[0], row[1], secret, phone):
        return None
    status = row[2]
    version_name, procedure_code = _version_names(row[7])
    return {
        "code": code,
        "procedure": procedure_code,
        "procedure_name": version_name,
        "status": status,
        "status_label": str(Status(status).label) if status in Status.values else status,
        "national_status": row[3],
        "received_unit": _unit_name(row[8]),
        "received_at": _aware(row[4]),
        "due_at": _aware(row[5]),
        "overdue": _overdue(status, _aware(row[5])),
        "returned_at": _aware(row[6]),
    }


def dossier_public_load(*, pk: int) -> Dossier:
    """The columns the public lookup shows of a dossier already matched."""
    return (
        Dossier.objects.select_related(
            "procedure_version__procedure", "received_unit", "competent_unit"
        )
        .only(*_PUBLIC_FIELDS)
        .order_by()
        .get(pk=pk)
    )


# -- worklists and pages ---------------------------------------------------------------------

# The officials' worklist tabs, in the order they are shown.
WORKLIST_TABS = ("inbox", "assigned", "due_soon", "overdue", "waiting", "to_receive")
# Statuses in which the dossier waits for the applicant, not for us.
WAITING_STATUSES = (Status.INTAKE_SUPPLEMENT, Status.SUPPLEMENT, Status.AWAITING_PAYMENT)
# Statuses in which the unit holding the dossier has something to do.
INBOX_STATUSES = (
    Status.SUBMITTED,
    Status.PROCESSING,
    Status.AWAITING_PAYMENT,
    Status.WITHDRAWAL_REQUESTED,
    Status.RESOLVED,
)
WORKLIST_PAGE_SIZE = 50


@dataclasses.dataclass(frozen=True)
class WorkScope:
    """Where an official works: the units whose dossiers land on their desk."""

    official: Official
    unit_ids: frozenset[int]


@dataclasses.dataclass(frozen=True)
class DossierPage:
    """One keyset page: the rows, and the id to pass as `before` for the next one."""

    rows: list[Dossier]
    next_before: int | None


def dossier_work_scope(*, user: Any, day: dt.date | None = None) -> WorkScope | None:
    """The units whose dossiers are an official's work, or None for someone who is no official.

    Each unit the official works in counts with everything below it, and so do the units above
    it up to its agency: a specialist of a division handles the dossiers that sit at the
    department, as `official_works_in` lets them.
    """
    official = _official(user)
    if official is None:
        return None
    cached: WorkScope | None = getattr(user, "_congvu_work_scope", None)
    if cached is not None:
        return cached
    units = {official.unit_id: official.unit}
    for position in _positions(official, day or timezone.localdate()):
        units[position.unit_id] = position.unit
    wanted: set[int] = set()
    for unit in units.values():
        wanted.update(unit.ancestor_ids())
    by_id = Unit.objects.in_bulk(wanted)
    chain_ids: set[int] = set()
    below = Q(pk__in=[])
    for unit in units.values():
        below |= Q(path__startswith=unit.path)
        for pk in reversed(unit.ancestor_ids()):
            ancestor = by_id.get(pk)
            if ancestor is None:
                break
            chain_ids.add(pk)
            if ancestor.kind in Unit.AGENCY_KINDS:
                break
    ids = set(Unit.objects.filter(below).values_list("pk", flat=True)) | chain_ids
    scope = WorkScope(official=official, unit_ids=frozenset(ids))
    user._congvu_work_scope = scope
    return scope


def _tab_q(tab: str, scope: WorkScope, now: dt.datetime) -> Q:
    ids = scope.unit_ids
    involved = Q(current_unit_id__in=ids) | Q(competent_unit_id__in=ids)
    involved |= Q(received_unit_id__in=ids)
    if tab == "assigned":
        return Q(assignee=scope.official) & ~Q(status__in=FINAL_STATUSES)
    if tab == "due_soon":
        # From one working day before the appointment (NĐ 118/2025: the agency must apologise
        # and set a new appointment at the latest one day before the due time).
        return involved & Q(status=Status.PROCESSING, at_risk_from__lte=now, due_at__gt=now)
    if tab == "overdue":
        return involved & Q(status=Status.PROCESSING, due_at__lt=now)
    if tab == "waiting":
        return involved & Q(status__in=WAITING_STATUSES)
    if tab == "to_receive":
        return Q(received_unit_id__in=ids, status=Status.SUBMITTED)
    return Q(current_unit_id__in=ids, status__in=INBOX_STATUSES)


def _filters_q(filters: dict[str, Any]) -> Q:
    q = Q()
    if filters.get("procedure"):
        q &= Q(procedure_version__procedure__code=filters["procedure"])
    if filters.get("status"):
        q &= Q(status=filters["status"])
    if filters.get("channel"):
        q &= Q(channel=filters["channel"])
    if filters.get("step"):
        q &= Q(current_step_id=filters["step"])
    tz = timezone.get_current_timezone()
    if filters.get("received_from"):
        start = dt.datetime.combine(filters["received_from"], dt.time.min, tzinfo=tz)
        q &= Q(received_at__gte=start)
    if filters.get("received_to"):
        end = dt.datetime.combine(filters["received_to"], dt.time.min, tzinfo=tz)
        q &= Q(received_at__lt=end + dt.timedelta(days=1))
    return q


def _keyset(qs: DossierQuerySet, before: int | None, limit: int) -> DossierPage:
    # Keyset, not OFFSET: the index walks from `before` down, so page 1,000 costs what page 1
    # costs.
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return DossierPage(rows=rows, next_before=rows[-1].pk if more else None)


def _list_related(qs: DossierQuerySet) -> DossierQuerySet:
    return qs.select_related(
        "procedure_version__procedure",
        "received_unit",
        "competent_unit",
        "current_unit",
        "current_step",
        "assignee",
    )


def dossier_worklist(
    *,
    user: Any,
    tab: str,
    filters: dict[str, Any] | None = None,
    before: int | None = None,
    limit: int = WORKLIST_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> DossierPage:
    """One page of an official's worklist tab, newest first; empty for non-officials."""
    scope = dossier_work_scope(user=user)
    if scope is None or tab not in WORKLIST_TABS:
        return DossierPage(rows=[], next_before=None)
    moment = now or timezone.now()
    qs = Dossier.objects.filter(_tab_q(tab, scope, moment) & _filters_q(filters or {}))
    return _keyset(_list_related(qs), before, limit)


def dossier_worklist_counts(*, user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """How many dossiers each worklist tab holds, in one query."""
    scope = dossier_work_scope(user=user)
    if scope is None:
        return dict.fromkeys(WORKLIST_TABS, 0)
    moment = now or timezone.now()
    conditions = {tab: _tab_q(tab, scope, moment) for tab in WORKLIST_TABS}
    anywhere = Q(pk__in=[])
    for condition in conditions.values():
        anywhere |= condition
    # Every tab holds live dossiers only, which lets the worklist indexes answer.
    live = Dossier.objects.filter(anywhere).exclude(status__in=FINAL_STATUSES)
    counts = live.aggregate(
        **{tab: Count("pk", filter=condition) for tab, condition in conditions.items()}
    )
    return {tab: counts[tab] or 0 for tab in WORKLIST_TABS}


def dossier_worklist_steps(*, user: Any, limit: int = 30) -> list[dict[str, Any]]:
    """The steps dossiers of the official's inbox are at, with how many at each."""
    scope = dossier_work_scope(user=user)
    if scope is None:
        return []
    rows = (
        Dossier.objects.filter(_tab_q("inbox", scope, timezone.now()), current_step__isnull=False)
        .values("current_step", "current_step__name", "procedure_version__procedure__code")
        .annotate(count=Count("pk"))
        .order_by("-count", "current_step")[:limit]
    )
    return [
        {
            "id": row["current_step"],
            "name": row["current_step__name"],
            "procedure": row["procedure_version__procedure__code"],
            "count": row["count"],
        }
        for row in rows
    ]


def dossier_mine(*, user: Any, before: int | None = None, limit: int = 20) -> DossierPage:
    """The dossiers a citizen submitted from their account, newest first."""
    if not getattr(user, "is_authenticated", False):
        return DossierPage(rows=[], next_before=None)
    return _keyset(_list_related(Dossier.objects.filter(applicant_user=user)), before, limit)


def dossier_detail_get(*, code: str, user: Any) -> Dossier | None:
    """A dossier with everything its page shows, if `user` may see it."""
    return (
        dossier_list(user=user)
        .select_related("current_step", "assignee", "apology__responsible_unit", "rating")
        .prefetch_related(
            "documents",
            "supplement_requests",
            Prefetch(
                "transitions",
                queryset=DossierTransition.objects.select_related(
                    "from_step", "to_step", "receiver", "receiver_unit"
                ),
            ),
            Prefetch(
                "current_step__outgoing",
                queryset=ProcessTransition.objects.select_related("to_step"),
            ),
        )
        .filter(code=code)
        .first()
    )


def dossier_document_get(*, code: str, pk: int, user: Any) -> DossierDocument | None:
    """A document of a dossier `user` may see."""
    return (
        DossierDocument.objects.filter(
            pk=pk, dossier__in=Dossier.objects.visible_to(user).filter(code=code)
        )
        .select_related("dossier")
        .first()
    )


def dossier_responsible_units(*, dossier: Dossier) -> list[Unit]:
    """Units that may be named as causing a delay: the competent agency and its parts, and
    the units the dossier passed through (NĐ 118/2025: record who caused the delay)."""
    ids = [dossier.received_unit_id, dossier.current_unit_id]
    return list(
        Unit.objects.filter(
            Q(path__startswith=dossier.competent_unit.path) | Q(pk__in=[i for i in ids if i])
        ).order_by("path")
    )


def dossier_desk_allowed(*, user: Any) -> bool:
    """Whether `user` enters dossiers at a one-stop desk (in person or by post)."""
    from congvu.accounts.roles import Role, has_role

    return _official(user) is not None and (
        has_role(user, Role.ONE_STOP_OFFICER) or bool(getattr(user, "is_superuser", False))
    )


def procedure_versions_open(*, online: bool = False) -> list[ProcedureVersion]:
    """The procedure versions dossiers may be submitted under today, one per procedure."""
    today = timezone.localdate()
    versions = (
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED, valid_from__lte=today
        )
        .exclude(valid_until__lte=today)
        .select_related("procedure")
        .order_by("procedure__code", "-number")
    )
    if online:
        versions = versions.exclude(online_level=ProcedureVersion.Online.NONE)
    chosen: dict[int, ProcedureVersion] = {}
    for version in versions:
        chosen.setdefault(version.procedure_id, version)
    return list(chosen.values())


def procedure_version_open_get(*, code: str) -> ProcedureVersion | None:
    """The version of procedure `code` dossiers are submitted under today."""
    today = timezone.localdate()
    return (
        ProcedureVersion.objects.filter(
            procedure__code=code.strip(),
            status=ProcedureVersion.Status.PUBLISHED,
            valid_from__lte=today,
        )
        .exclude(valid_until__lte=today)
        .select_related("procedure")
        .prefetch_related("documents")
        .order_by("-number")
        .first()
    )


def dossier_public_history(*, dossier: Dossier) -> list[DossierTransition]:
    """The steps of a dossier for the public lookup: when, what, and which unit has it next;
    the officials' names are left out of the public page."""
    return list(
        DossierTransition.objects.filter(dossier=dossier)
        .select_related("receiver_unit")
        .order_by("at", "id")
    )
