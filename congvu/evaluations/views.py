"""The evaluation pages: my evaluation, the evaluator's queue, the head's decisions with the
cap on HTXSNV, one evaluation with the steps its reader may take, and the rounds' overview and
export for the Department of Home Affairs and the provincial office.

Views read through the selectors and write through the services; what a reader may do is
asked of `selectors.evaluation_actions`, never decided here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congvu.evaluations import exports, reasons, selectors, services
from congvu.evaluations.forms import ACTION_FORMS, RoundOpenForm
from congvu.evaluations.models import Evaluation, EvaluationStatus, Level, Round
from congvu.organizations.selectors import official_of

LEVEL_ORDER = [Level.EXCELLENT, Level.GOOD, Level.DONE, Level.FAILED, Level.NOT_CLASSIFIED]
LIST_LIMIT = 500


def _evaluation_or_404(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    if evaluation is None:
        raise Http404(_("No such evaluation, or it is not yours to see."))
    return evaluation


def _round_or_404(request: HttpRequest, pk: int) -> Round:
    if not selectors.may_oversee(request.user):
        raise Http404(_("No such round, or it is not yours to see."))
    round_ = selectors.round_list(user=request.user).filter(pk=pk).first()
    if round_ is None:
        raise Http404(_("No such round, or it is not yours to see."))
    return round_


def _nav(request: HttpRequest) -> dict[str, Any]:
    official = official_of(request.user)
    return {
        "may_oversee": selectors.may_oversee(request.user),
        "is_evaluator": official is not None
        and Evaluation.objects.filter(
            Q(evaluator=official) | Q(evaluator__in=selectors.acting_for(official))
        )
        .exclude(official=official)
        .exists(),
        "is_decider": official is not None and Evaluation.objects.filter(decider=official).exists(),
    }


# -- lists ------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My own evaluations, one per round."""
    official = official_of(request.user)
    rows: list[Evaluation] = []
    if official is not None:
        rows = list(
            selectors.evaluation_list(user=request.user).filter(official=official)[:LIST_LIMIT]
        )
    return render(
        request,
        "evaluations/mine.html",
        {"rows": rows, "official": official, "here": "mine", **_nav(request)},
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The evaluations the reader proposes a level for: those waiting first."""
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    mine_to_propose = Q(evaluator=official) | Q(evaluator__in=selectors.acting_for(official))
    evaluations = (
        selectors.evaluation_list(user=request.user)
        .filter(mine_to_propose, round__status=Round.Status.OPEN)
        .exclude(official=official)
    )
    waiting = list(
        evaluations.filter(
            status__in=[EvaluationStatus.AWAITING_SELF, EvaluationStatus.SELF_ASSESSED]
        )[:LIST_LIMIT]
    )
    done = list(
        evaluations.filter(status__in=[EvaluationStatus.PROPOSED, EvaluationStatus.DECIDED])[
            :LIST_LIMIT
        ]
    )
    return render(
        request,
        "evaluations/queue.html",
        {"waiting": waiting, "done": done, "here": "queue", "now": timezone.now(), **_nav(request)},
    )


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    """The evaluations the reader decides, with the cap on HTXSNV of each open round."""
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    evaluations = selectors.evaluation_list(user=request.user).filter(
        decider=official, round__status=Round.Status.OPEN
    )
    waiting = list(evaluations.filter(status=EvaluationStatus.PROPOSED)[:LIST_LIMIT])
    others = list(evaluations.exclude(status=EvaluationStatus.PROPOSED)[:LIST_LIMIT])
    rounds = Round.objects.filter(
        pk__in=evaluations.values("round_id"), status=Round.Status.OPEN
    ).order_by("-year", "pk")
    quotas = [selectors.quota_get(round=r, decider=official) for r in rounds]
    return render(
        request,
        "evaluations/decisions.html",
        {
            "waiting": waiting,
            "others": others,
            "quotas": quotas,
            "here": "decisions",
            **_nav(request),
        },
    )


# -- one evaluation -----------------------------------------------------------------------------


def _detail(
    request: HttpRequest, evaluation: Evaluation, *, failed: str = "", form: Any = None
) -> HttpResponse:
    now = timezone.now()
    actions = selectors.evaluation_actions(evaluation=evaluation, user=request.user, now=now)
    if evaluation.status == EvaluationStatus.DECIDED:
        proposal_level, proposal_reasons = evaluation.system_level, evaluation.system_reasons
        units: list[tuple[Evaluation, str]] = []
        tallies: dict[str, dict[str, int]] = {}
    else:
        proposal = selectors.proposal_compute(evaluation, now=now)
        proposal_level, proposal_reasons = proposal.level, proposal.reasons
        units, tallies = proposal.units, proposal.tallies
    initial_level = evaluation.proposed_level or proposal_level
    forms_: dict[str, Any] = {
        "self_assess": ACTION_FORMS["self_assess"](
            initial={"text": evaluation.self_text, "level": evaluation.self_level},
            auto_id="id_self_%s",
        ),
        "propose": ACTION_FORMS["propose"](
            initial={"level": evaluation.proposed_level or proposal_level},
            auto_id="id_propose_%s",
        ),
        "decide": ACTION_FORMS["decide"](initial={"level": initial_level}, auto_id="id_decide_%s"),
        "set_facts": ACTION_FORMS["set_facts"](
            initial={
                "months_worked": evaluation.months_worked,
                "months_absent": evaluation.months_absent,
                "disciplined": evaluation.disciplined,
                "discipline_note": evaluation.discipline_note,
            },
            auto_id="id_facts_%s",
        ),
        "score": ACTION_FORMS["score"](auto_id="id_score_%s"),
    }
    if failed and form is not None:
        forms_[failed] = form
    quota = None
    if "decide" in actions:
        quota = selectors.quota_get(round=evaluation.round, decider=evaluation.decider)
    # The step that moves the evaluation on comes first and open: deciding, once proposed.
    shown = sorted(actions, key=lambda a: (a != "decide", list(selectors.TRANSITIONS).index(a)))
    context = {
        "evaluation": evaluation,
        "actions": shown,
        "forms": forms_,
        "failed": failed,
        "proposal_level": proposal_level,
        "proposal_label": reasons.level_label(proposal_level),
        "reasons": reasons.describe(proposal_reasons),
        "units": [(e, reasons.level_label(level)) for e, level in units],
        "tallies": tallies,
        "steps": [
            (step, STEP_LABELS.get(step.action, step.action), reasons.level_label(step.level))
            for step in evaluation.steps.order_by("at", "id")
        ],
        "scores": list(evaluation.period_scores.order_by("period")),
        "quota": quota,
        "action_labels": ACTION_LABELS,
        **_nav(request),
    }
    return render(request, "evaluations/detail.html", context, status=400 if failed else 200)


STEP_LABELS = {
    "open": gettext_lazy("Round opened"),
    "self_assess": gettext_lazy("Self-assessed"),
    "propose": gettext_lazy("Level proposed"),
    "decide": gettext_lazy("Level decided"),
    "set_facts": gettext_lazy("Facts recorded"),
    "score": gettext_lazy("Period scored"),
}
ACTION_LABELS = {
    "self_assess": gettext_lazy("Assess myself"),
    "propose": gettext_lazy("Propose a level"),
    "decide": gettext_lazy("Decide the level"),
    "set_facts": gettext_lazy("Months worked, absence, discipline"),
    "score": gettext_lazy("Score a period"),
}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _evaluation_or_404(request, pk))


def _call(action: str, *, actor: Any, evaluation: Evaluation, data: dict[str, Any]) -> None:
    if action == "self_assess":
        services.evaluation_self_assess(
            actor=actor, evaluation=evaluation, text=data["text"], level=data["level"]
        )
    elif action == "propose":
        services.evaluation_propose(
            actor=actor, evaluation=evaluation, level=data["level"], comment=data["comment"]
        )
    elif action == "decide":
        services.evaluation_decide(
            actor=actor, evaluation=evaluation, level=data["level"], reason=data["reason"]
        )
    elif action == "set_facts":
        services.evaluation_facts_set(actor=actor, evaluation=evaluation, **data)
    elif action == "score":
        services.period_score_record(actor=actor, evaluation=evaluation, **data)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Form → service → redirect, for every step of the evaluation page."""
    evaluation = _evaluation_or_404(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    if action not in selectors.evaluation_actions(evaluation=evaluation, user=request.user):
        raise PermissionDenied
    form = ACTION_FORMS[action](request.POST, auto_id=f"id_{action}_%s")
    if not form.is_valid():
        return _detail(request, evaluation, failed=action, form=form)
    try:
        _call(action, actor=request.user, evaluation=evaluation, data=form.cleaned_data)
    except (ValidationError, services.EvaluationActionError) as exc:
        error = exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return _detail(request, evaluation, failed=action, form=form)
    messages.success(request, _("Saved."))
    return redirect("evaluations:detail", pk=evaluation.pk)


# -- rounds -------------------------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    if not selectors.may_oversee(request.user):
        raise PermissionDenied
    found = list(selectors.round_list(user=request.user)[:200])
    return render(
        request, "evaluations/rounds.html", {"rounds": found, "here": "rounds", **_nav(request)}
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_oversee(request.user):
        raise PermissionDenied
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                actor=request.user,
                year=data["year"],
                scope=data["scope"],
                cadence=data["cadence"],
                excellent_quota_percent=data["excellent_quota_percent"],
                title=data["title"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The round is open: %(n)d evaluations.") % {"n": round_.evaluations.count()},
            )
            return redirect("evaluations:round", pk=round_.pk)
    return render(
        request,
        "evaluations/round_new.html",
        {"form": form, "here": "rounds", **_nav(request)},
        status=400 if form.errors else 200,
    )


def _bars(by_level: dict[str, int]) -> list[dict[str, Any]]:
    """The bars of the level chart: label, count and width in the SVG's units."""
    most = max(by_level.values(), default=0) or 1
    labels = dict(Level.choices)
    return [
        {
            "level": level,
            "label": labels[level],
            "count": by_level.get(level, 0),
            "width": round(300 * by_level.get(level, 0) / most),
            "y": 8 + index * 34,
        }
        for index, level in enumerate(LEVEL_ORDER)
    ]


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    overview = selectors.round_overview(round=round_)
    rows = list(selectors.evaluation_list(user=request.user, round=round_)[:LIST_LIMIT])
    statuses = dict(EvaluationStatus.choices)
    return render(
        request,
        "evaluations/round_detail.html",
        {
            "round": round_,
            "overview": overview,
            "status_counts": [(statuses[s], overview.by_status.get(s, 0)) for s in statuses],
            "bars": _bars(overview.by_level),
            "chart_height": 16 + 34 * len(LEVEL_ORDER),
            "rows": rows,
            "more": overview.total > len(rows),
            "quotas": selectors.quotas_for(user=request.user, rounds=[round_])
            if round_.is_open
            else [],
            "here": "rounds",
            **_nav(request),
        },
    )


@login_required
def round_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    response = HttpResponse(exports.export(round_, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(round_, fmt)}"'
    return response


@login_required
@require_POST
def round_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Close a round, or recompute congvu's proposals of its undecided evaluations."""
    round_ = _round_or_404(request, pk)
    try:
        if action == "close":
            services.round_close(actor=request.user, round=round_)
            messages.success(request, _("The round is closed."))
        elif action == "refresh":
            changed = services.round_refresh(actor=request.user, round=round_)
            messages.success(request, _("%(n)d proposals changed.") % {"n": changed})
        else:
            raise Http404
    except services.EvaluationActionError as exc:
        messages.error(request, str(exc))
    return redirect("evaluations:round", pk=round_.pk)
