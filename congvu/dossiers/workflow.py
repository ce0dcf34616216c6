"""The dossier workflow as data: every action, the states it starts from, the state it leads
to, and who performs it. Services perform actions; templates and the API ask
`selectors.dossier_actions_allowed` what a user may do now, and never decide it themselves.

The rules are those of Nghị định 118/2025/NĐ-CP and Thông tư 03/2025/TT-VPCP as summarised in
domain.md §4: one supplementation request at intake, supplementation during processing within
3 working days of receipt with the clock restarting, the clock paused while the applicant or a
payment is awaited, one apology with a new appointment, withdrawal at the applicant's request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congvu.dossiers.models import Status


class Actor:
    APPLICANT = "applicant"  # the applicant, or an officer entering on their behalf at a desk
    RECEIVING = "receiving"  # an officer of the unit that received the dossier
    HANDLING = "handling"  # an officer of the unit where the dossier now is
    COMPETENT = "competent"  # an officer of the competent unit (its leaders for apologies)


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str | None  # None: the target depends on the process (forward, send back)
    actor: str
    note_required: bool = False


def _action(
    name: str,
    label: str | Promise,
    sources: set[str],
    target: str | None,
    actor: str,
    note_required: bool = False,
) -> Action:
    return Action(name, label, frozenset(sources), target, actor, note_required)


S = Status
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        _action(
            "receive",
            _("Receive and issue the receipt"),
            {S.SUBMITTED},
            S.PROCESSING,
            Actor.RECEIVING,
        ),
        _action(
            "request_intake_supplement",
            _("Request supplementation (once, listing everything missing)"),
            {S.SUBMITTED},
            S.INTAKE_SUPPLEMENT,
            Actor.RECEIVING,
            note_required=True,
        ),
        _action(
            "refuse_intake",
            _("Refuse to receive"),
            {S.SUBMITTED, S.INTAKE_SUPPLEMENT},
            S.REFUSED,
            Actor.RECEIVING,
            note_required=True,
        ),
        _action(
            "supplement",
            _("Hand in the missing documents"),
            {S.INTAKE_SUPPLEMENT, S.SUPPLEMENT},
            None,
            Actor.APPLICANT,
        ),
        _action(
            "forward", _("Forward to the next step"), {S.PROCESSING}, S.PROCESSING, Actor.HANDLING
        ),
        _action(
            "send_back",
            _("Send back to an earlier step"),
            {S.PROCESSING},
            S.PROCESSING,
            Actor.HANDLING,
            note_required=True,
        ),
        _action(
            "request_supplement",
            _("Request supplementation from the applicant"),
            {S.PROCESSING},
            S.SUPPLEMENT,
            Actor.HANDLING,
            note_required=True,
        ),
        _action(
            "request_payment",
            _("Request payment of fees"),
            {S.PROCESSING},
            S.AWAITING_PAYMENT,
            Actor.HANDLING,
        ),
        _action(
            "confirm_payment",
            _("Confirm the payment"),
            {S.AWAITING_PAYMENT},
            S.PROCESSING,
            Actor.HANDLING,
        ),
        _action(
            "apologize",
            _("Apologise and set a new appointment"),
            {S.PROCESSING},
            S.PROCESSING,
            Actor.COMPETENT,
            note_required=True,
        ),
        _action(
            "refuse",
            _("Refuse to resolve"),
            {S.PROCESSING},
            S.RESOLVED,
            Actor.HANDLING,
            note_required=True,
        ),
        _action(
            "resolve", _("Resolve: the result is ready"), {S.PROCESSING}, S.RESOLVED, Actor.HANDLING
        ),
        _action(
            "return_result",
            _("Return the result to the applicant"),
            {S.RESOLVED},
            S.RETURNED,
            Actor.RECEIVING,
        ),
        _action(
            "request_withdrawal",
            _("Withdraw the dossier"),
            {S.SUBMITTED, S.INTAKE_SUPPLEMENT, S.PROCESSING, S.SUPPLEMENT, S.AWAITING_PAYMENT},
            S.WITHDRAWAL_REQUESTED,
            Actor.APPLICANT,
        ),
        _action(
            "stop",
            _("Stop processing and issue the notice of stopping"),
            {S.WITHDRAWAL_REQUESTED},
            S.STOPPED,
            Actor.RECEIVING,
        ),
        _action("rate", _("Rate the service"), {S.RETURNED}, S.RETURNED, Actor.APPLICANT),
    ]
}  # fmt: skip

# Actions of the process table (procedures.ProcessTransition.action) that a step must offer for
# the dossier action of the same name to be available there.
PROCESS_BOUND = {
    "forward",
    "send_back",
    "request_supplement",
    "request_payment",
    "refuse",
    "resolve",
}

# Supplementation during processing is asked within this many working days of receipt
# (NĐ 118/2025, domain.md §4).
SUPPLEMENT_WITHIN_WORKING_DAYS = 3
