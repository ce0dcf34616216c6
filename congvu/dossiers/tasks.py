"""Background work of the dossiers app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from congvu.dossiers.models import Dossier, DossierTransition


@task()
def dossier_notify_applicant(*, dossier_id: int, transition_id: int) -> None:
    """Email the applicant that their dossier changed state (NĐ 118/2025: the applicant is
    told of every result of handling). Sent after the change is committed."""
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure").filter(pk=dossier_id).first()
    )
    transition = DossierTransition.objects.filter(pk=transition_id).first()
    if dossier is None or transition is None or not dossier.applicant_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"dossier": dossier, "transition": transition, "site_url": settings.SITE_URL}
        subject = render_to_string("dossiers/email/state_subject.txt", context).strip()
        body = render_to_string("dossiers/email/state_body.txt", context)
    send_mail(subject, body, None, [dossier.applicant_email])
