"""The public portal: home page, news, search, feeds, sitemap, dashboards; and the newsroom
where editors write and approvers publish.

Public pages go through `pagecache.public_page`: the visit is counted in memory and an
anonymous visitor is served from the page cache. Newsroom pages are form → service → redirect;
what a user may do to an article is asked of `workflow`, never decided here.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from congvu.core.routers import replica_reads
from congvu.portal import selectors, services, workflow
from congvu.portal.forms import ActionForm, ArticleForm, SearchForm
from congvu.portal.models import Article, ArticleEvent, ArticleStatus, Category, Tag
from congvu.portal.pagecache import public_page

PAGE_SIZE = 10
HOME_LATEST = 7


def _page(request: HttpRequest, articles: Any) -> Any:
    return Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))


# Public pages ------------------------------------------------------------------------------


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The front door: latest news, the procedure search and dossier lookup boxes, the
    province's figures of the year, the public dashboards and the way in for officials."""
    latest = list(selectors.article_list()[:HOME_LATEST])
    figures = selectors.headline_figures()
    context = {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "figures": figures,
        "categories": selectors.category_list(),
    }
    return render(request, "portal/home.html", context)


@require_GET
@public_page
def news(request: HttpRequest) -> HttpResponse:
    """Thông tin mới nhất: every published article, newest first."""
    page = _page(request, selectors.article_list())
    return render(
        request,
        "portal/news.html",
        {"page": page, "categories": selectors.category_list(), "heading": _("Latest news")},
    )


@require_GET
@public_page
def category(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Category, slug=slug)
    page = _page(request, selectors.article_list(category=section))
    return render(
        request,
        "portal/news.html",
        {
            "page": page,
            "categories": selectors.category_list(),
            "heading": section.name,
            "section": section,
        },
    )


@require_GET
@public_page
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    keyword = get_object_or_404(Tag, slug=slug)
    page = _page(request, selectors.article_list(tag=keyword))
    return render(
        request,
        "portal/news.html",
        {
            "page": page,
            "categories": selectors.category_list(),
            "heading": _("Tag: %(name)s") % {"name": keyword.name},
        },
    )


@require_GET
@public_page
def article(request: HttpRequest, slug: str) -> HttpResponse:
    """An article with its source and related articles; editors preview their drafts here."""
    item = selectors.article_get(slug=slug, user=request.user)
    if item is None:
        raise Http404(_("No such article."))
    context = {
        "article": item,
        "related": selectors.article_related(article=item),
        "preview": not item.is_live(),
        "absolute_url": request.build_absolute_uri(item.get_absolute_url()),
        "cover_url": (
            request.build_absolute_uri(reverse("portal:cover", args=[item.slug]))
            if item.cover
            else ""
        ),
    }
    return render(request, "portal/article.html", context)


@require_GET
@public_page
def search(request: HttpRequest) -> HttpResponse:
    """Search the news whatever the accents typed: "cai cach hanh chinh" finds "cải cách"."""
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = _page(request, selectors.article_list(q=q)) if q else None
    return render(request, "portal/search.html", {"form": form, "q": q, "page": page})


@require_GET
# Outside the page cache, so the news version that keys the cached page is read from the same
# database as the page itself.
@replica_reads
@public_page
def dashboards(request: HttpRequest) -> HttpResponse:
    """The public dashboards: each agency's dossiers on time and its applicants' satisfaction,
    the progress of the public directing documents, and the 766 index by unit when kept."""
    figures = selectors.headline_figures()
    context = {
        "figures": figures,
        "documents": selectors.public_document_progress(),
        "index_rows": selectors.service_index_rows(year=figures.year),
    }
    return render(request, "portal/dashboards.html", context)


@require_GET
def cover(request: HttpRequest, slug: str) -> FileResponse:
    """An article's cover picture: public content once the article is published."""
    item = selectors.article_get(slug=slug, user=request.user)
    if item is None or not item.cover:
        raise Http404
    if not default_storage.exists(item.cover.name):
        raise Http404
    content_type = mimetypes.guess_type(item.cover.name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(item.cover.name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if item.is_live():
        patch_cache_control(response, public=True, max_age=86400)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("portal:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /dossiers/",
        "Disallow: /tasks/",
        "Disallow: /newsroom/",
        "Allow: /",
        f"Sitemap: {sitemap}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    return response


SITEMAP_LIMIT = 5000


@require_GET
@public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    """sitemap.xml: the public pages and the newest published articles."""
    base = f"{request.scheme}://{request.get_host()}"
    fixed = [
        reverse("portal:home"),
        reverse("portal:news"),
        reverse("portal:dashboards"),
        reverse("procedures:list"),
        reverse("dossiers:lookup"),
        reverse("organizations:directory"),
    ]
    articles = (
        Article.objects.published()
        .only("slug", "changed_at", "published_at")
        .order_by("-published_at")[:SITEMAP_LIMIT]
    )
    context = {
        "base": base,
        "fixed": fixed,
        "categories": selectors.category_list(),
        "articles": articles,
    }
    return render(
        request, "portal/sitemap.xml", context, content_type="application/xml; charset=utf-8"
    )


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the page language by a plain link and go back.

    A link rather than Django's POST form keeps public pages free of CSRF tokens, so that one
    cached copy serves every anonymous visitor; a language preference is nobody's data.
    """
    supported = {c for c, _name in settings.LANGUAGES}
    if code not in supported:
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# The newsroom ------------------------------------------------------------------------------

EVENT_LABELS = {
    "submit": gettext_lazy("Submitted for approval"),
    "publish": gettext_lazy("Published"),
    "send_back": gettext_lazy("Sent back"),
    "unpublish": gettext_lazy("Withdrawn"),
}


def _newsroom(request: HttpRequest) -> None:
    if not workflow.is_newsroom_member(request.user):
        raise PermissionDenied


def _editable(request: HttpRequest, pk: int) -> Article:
    item = selectors.newsroom_list(user=request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The newsroom: an editor's own articles, or every article for an approver, by status."""
    _newsroom(request)
    status = request.GET.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    page = Paginator(selectors.newsroom_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    counts = selectors.newsroom_counts(user=request.user)
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in ArticleStatus.choices
    ]
    return render(
        request,
        "portal/desk.html",
        {
            "page": page,
            "status": status,
            "tabs": tabs,
            "is_approver": workflow.is_approver(request.user),
            "now": timezone.now(),
        },
    )


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    _newsroom(request)
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.article_create(
                actor=request.user,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                categories=data["categories"],
                tags=form.tag_names(),
                cover=data.get("cover") or None,
                cover_alt=data["cover_alt"],
                byline=data["byline"],
                source_name=data["source_name"],
                source_url=data["source_url"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("portal:review", pk=item.pk)
    return render(request, "portal/edit.html", {"form": form, "article": None})


def _form_errors(form: ArticleForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _newsroom(request)
    item = _editable(request, pk)
    if not workflow.is_writer(request.user, item):
        raise PermissionDenied
    if not workflow.may_edit(request.user, item):
        messages.error(request, _("Withdraw the article from the portal before changing it."))
        return redirect("portal:review", pk=item.pk)
    form = ArticleForm(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_update(
                actor=request.user,
                article=item,
                categories=data["categories"],
                tags=form.tag_names(),
                cover=data.get("cover") if "cover" in request.FILES else None,
                remove_cover=bool(data.get("remove_cover")),
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                cover_alt=data["cover_alt"],
                byline=data["byline"],
                source_name=data["source_name"],
                source_url=data["source_url"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except services.ArticleActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The article is saved."))
            return redirect("portal:review", pk=item.pk)
    return render(request, "portal/edit.html", {"form": form, "article": item})


@login_required
def review(request: HttpRequest, pk: int, form: ActionForm | None = None) -> HttpResponse:
    """An article as the newsroom sees it: its text, state, history, revisions and the steps
    the reader may take now."""
    _newsroom(request)
    item = _editable(request, pk)
    events = list(
        ArticleEvent.objects.filter(article=item).select_related("actor").order_by("at", "pk")
    )
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)  # type: ignore[attr-defined]
    context = {
        "article": item,
        "actions": workflow.actions_for(request.user, item),
        "may_edit": workflow.may_edit(request.user, item),
        "events": events,
        "revisions": item.revisions.select_related("saved_by").only(
            "number", "saved_at", "saved_by__username", "title", "article_id"
        )[:20],
        "form": form or ActionForm(auto_id="id_action_%s"),
        "categories": item.categories.all(),
    }
    return render(request, "portal/review.html", context)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Form → service → redirect, for each workflow step."""
    _newsroom(request)
    item = _editable(request, pk)
    transition = workflow.BY_ACTION.get(action)
    if transition is None:
        raise Http404
    if not workflow.may(request.user, transition, item):
        if item.status not in transition.sources:
            messages.error(request, _("The article cannot be changed that way now."))
            return redirect("portal:review", pk=item.pk)
        raise PermissionDenied
    form = ActionForm(request.POST, auto_id="id_action_%s")
    if not form.is_valid():
        return review(request, pk, form=form)
    try:
        services.article_act(
            actor=request.user,
            article=item,
            action=action,
            comment=form.cleaned_data["comment"] or "",
            published_at=form.cleaned_data["published_at"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return review(request, pk, form=form)
    except services.ArticleActionError as exc:
        messages.error(request, str(exc))
        return redirect("portal:review", pk=item.pk)
    messages.success(request, _("Done."))
    return redirect("portal:review", pk=item.pk)


@login_required
def revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One saved version of an article's text."""
    _newsroom(request)
    item = _editable(request, pk)
    saved = get_object_or_404(item.revisions.select_related("saved_by"), number=number)
    return render(request, "portal/revision.html", {"article": item, "revision": saved})
