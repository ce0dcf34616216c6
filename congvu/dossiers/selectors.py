from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.dossiers.models import Dossier, DossierQuerySet
from congvu.dossiers.workflow import ACTIONS, PROCESS_BOUND, SUPPLEMENT_WITHIN_WORKING_DAYS, Actor
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.selectors import agency_paths_for, responsibility_resolve


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


def _official(user: Any) -> Official | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_congvu_official"):
        user._congvu_official = Official.objects.filter(user=user).select_related("unit").first()
    official: Official | None = user._congvu_official
    return official


def _positions(official: Official, day: dt.date) -> list[Position]:
    return list(Position.objects.active(day).filter(official=official).select_related("unit"))


def official_works_in(user: Any, unit: Unit | None, day: dt.date | None = None) -> bool:
    """Whether `user` is an official of `unit` or of one of its parts."""
    official = _official(user)
    if official is None or unit is None:
        return False
    units = [official.unit] + [p.unit for p in _positions(official, day or timezone.localdate())]
    return any(u.path.startswith(unit.path) for u in units)


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


def dossier_public_get(*, code: str, secret: str = "", phone: str = "") -> Dossier | None:
    """A dossier for the public lookup: by code and secret, or code and the applicant's phone."""
    if not code or not (secret or phone):
        return None
    dossier = (
        Dossier.objects.select_related(
            "procedure_version__procedure", "received_unit", "competent_unit"
        )
        .filter(code=code.strip())
        .first()
    )
    if dossier is None:
        return None
    from django.utils.crypto import constant_time_compare

    if secret and constant_time_compare(dossier.secret, secret.strip()):
        return dossier
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits and constant_time_compare(
        "".join(ch for ch in dossier.applicant_phone if ch.isdigit()), digits
    ):
        return dossier
    return None
