"""Feedback and petitions (Phản ánh, kiến nghị) from citizens and businesses.

Handled in time means, by QĐ 766/QĐ-TTg's satisfaction indicator (domain.md §9): rejected within
2, asked for more within 5 and resolved within 15 working days. The service stores the 15-day
due time so the unit's list and the index can tell late answers from timely ones.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.calendars.selectors import work_calendar_get
from congvu.core.services import audit_record, snapshot
from congvu.dossiers.models import Dossier, Feedback
from congvu.organizations.models import Unit
from congvu.organizations.selectors import province_get

# QĐ 766/QĐ-TTg: feedback is resolved within 15 working days.
FEEDBACK_RESOLVE_WORKING_DAYS = 15
_PHONE = re.compile(r"^(0\d{9}|\+84\d{9})$")


def _receiving_unit(dossier: Dossier | None) -> Unit | None:
    if dossier is not None:
        return dossier.competent_unit
    # Feedback not about one dossier goes to the province's service centre, the first centre
    # below the provincial committee.
    return (
        Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("path").first()
        or province_get()
    )


@transaction.atomic
def feedback_submit(
    *,
    actor: Any,
    name: str,
    phone: str,
    email: str,
    content: str,
    dossier_code: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """Record a citizen's feedback or petition for the unit that must answer it."""
    moment = now or timezone.now()
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    phone = re.sub(r"[\s.\-()]", "", phone)
    email = email.strip()
    content = content.strip()
    code = dossier_code.strip()
    if not name:
        errors["name"] = [_("Enter your full name.")]
    if not content:
        errors["content"] = [_("Write what you want to tell us.")]
    if not phone and not email:
        errors["phone"] = [_("Give a phone number or an email address so we can answer you.")]
    if phone and not _PHONE.match(phone):
        errors["phone"] = [_("The phone number must have 10 digits and start with 0 (or +84).")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    dossier = None
    if code:
        dossier = Dossier.objects.select_related("competent_unit").filter(code=code).first()
        if dossier is None:
            errors["dossier_code"] = [_("No dossier has this code.")]
    if errors:
        raise ValidationError(errors)
    unit = _receiving_unit(dossier)
    if unit is None:
        raise ValidationError(_("No unit is set up to receive feedback yet."))
    calendar = work_calendar_get()
    due = calendar.add_working_seconds(
        calendar.clock_start(moment),
        FEEDBACK_RESOLVE_WORKING_DAYS * calendar.office_hours.seconds_per_day,
    )
    feedback = Feedback(
        dossier=dossier,
        unit=unit,
        name=name,
        phone=phone,
        email=email,
        content=content,
        received_at=moment,
        due_at=due,
    )
    feedback.full_clean()
    feedback.save()
    audit_record(
        actor=actor, action="dossiers.feedback_received", obj=feedback, after=snapshot(feedback)
    )
    return feedback
