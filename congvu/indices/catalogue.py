"""What each group and indicator of the service-quality index is called and how it is computed,
in words a reader of the dashboard understands (QĐ 766/QĐ-TTg; domain.md §9)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GROUP_NAMES: dict[str, Promise] = {
    "publicity": _("Publicity and transparency"),
    "timeliness": _("Timeliness of resolution"),
    "online": _("Online public services"),
    "payment": _("Online payment"),
    "satisfaction": _("Satisfaction"),
    "digitisation": _("Digitisation of dossiers"),
}

INDICATOR_NAMES: dict[str, Promise] = {
    "published_on_time": _("Procedures published on time and complete"),
    "synchronised": _("Dossiers synchronised with the National Public Service Portal"),
    "on_time": _("Dossiers resolved or in process within their appointment"),
    "processing_hours": _("Average processing time (working hours)"),
    "procedures_online": _("Procedures offered online"),
    "online_services_used": _("Online services that received dossiers"),
    "dossiers_online": _("Dossiers submitted online"),
    "procedures_payable_online": _("Fee-bearing procedures payable online"),
    "dossiers_paid_online": _("Payments made online"),
    "satisfaction": _("Satisfaction with the handling of dossiers"),
    "feedback_in_time": _("Feedback and petitions handled in time"),
    "result_electronic": _("Dossiers with an electronic result"),
    "digitised": _("Dossiers with digitised documents and result"),
    "data_reused": _("Dossiers reusing digitised data"),
}

FORMULAS: dict[str, Promise] = {
    "published_on_time": _(
        "Procedures published on time and complete ÷ procedures to publish, as entered by the "
        "unit with evidence and locked by the provincial office."
    ),
    "synchronised": _(
        "Dossiers synchronised with the national portal ÷ dossiers received, as entered by the "
        "unit with evidence and locked by the provincial office."
    ),
    "on_time": _(
        "(Resolved early or on time in the period + in process within the appointment) ÷ "
        "(resolved in the period + in process). Time waiting for the applicant is not counted; "
        "a dossier with more than one supplementation request counts as late."
    ),
    "processing_hours": _(
        "Working hours used by the dossiers resolved in the period ÷ dossiers resolved "
        "(for information; no points)."
    ),
    "procedures_online": _(
        "Procedures in force offered fully or partly online ÷ procedures in force; full points "
        "at 80 %."
    ),
    "online_services_used": _(
        "Procedures offered online that received at least one online dossier in the period ÷ "
        "procedures offered online."
    ),
    "dossiers_online": _(
        "Dossiers received online ÷ dossiers received, of the procedures offered online; full "
        "points at 50 %."
    ),
    "procedures_payable_online": _(
        "Fee-bearing procedures offered online (payable through the portal) ÷ fee-bearing "
        "procedures; full points at 80 %."
    ),
    "dossiers_paid_online": _(
        "Payments confirmed for dossiers submitted online ÷ payments confirmed in the period."
    ),
    "satisfaction": _(
        "100 % − (share resolved late + share rated not satisfied or complained about): "
        "(resolved − late − not satisfied − complaints) ÷ resolved; full points at 90 %."
    ),
    "feedback_in_time": _(
        "Feedback received in the period answered by its due time, or not yet due ÷ feedback "
        "received in the period."
    ),
    "result_electronic": _("Dossiers resolved with an electronic result ÷ dossiers resolved."),
    "digitised": _(
        "Dossiers resolved with their documents and result in electronic form ÷ dossiers "
        "resolved; full points at 80 %."
    ),
    "data_reused": _(
        "Dossiers that reused digitised data ÷ dossiers received, as entered by the unit with "
        "evidence and locked by the provincial office; full points at 80 %."
    ),
}

# The kind of rows that stand behind each indicator's figures.
ROWS_OF: dict[str, str] = {
    "published_on_time": "figures",
    "synchronised": "figures",
    "data_reused": "figures",
    "procedures_online": "procedures",
    "online_services_used": "procedures",
    "procedures_payable_online": "procedures",
    "feedback_in_time": "feedback",
}
