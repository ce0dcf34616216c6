"""The portal's API: the news for anyone (and the newsroom's writes for editors and
approvers), the visitor figures and the province's headline figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.core.api import Conflict, Pages, page_parameters, paginated
from congvu.core.routers import replica_reads
from congvu.portal import selectors, services, workflow
from congvu.portal.api.serializers import (
    ArticleActionSerializer,
    ArticleDetailSerializer,
    ArticleInputSerializer,
    ArticleSerializer,
    CategorySerializer,
    HeadlineFiguresSerializer,
    VisitorStatsSerializer,
)
from congvu.portal.models import Article, Category
from congvu.portal.visitors import visitor_stats


def _article(request: Request, pk: int) -> Article:
    article = (
        Article.objects.visible_to(request.user)
        .filter(pk=pk)
        .prefetch_related("categories", "tags")
        .first()
    )
    if article is None:
        raise NotFound(_("No such article."))
    return article


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.ArticleActionError as exc:
        raise Conflict(str(exc)) from exc


class ArticleListView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="news_articles_list",
        parameters=[
            OpenApiParameter("category", str, required=False, description=_("Category slug.")),
            OpenApiParameter("q", str, required=False, description=_("Words, accents optional.")),
            *page_parameters(),
        ],
        responses={200: paginated(ArticleSerializer, name="ArticlePage")},
    )
    def get(self, request: Request) -> Response:
        slug = request.query_params.get("category") or ""
        section = Category.objects.filter(slug=slug).first() if slug else None
        if slug and section is None:
            raise NotFound(_("No such category."))
        articles = selectors.article_list(category=section, q=request.query_params.get("q", ""))
        paginator = Pages()
        page = paginator.paginate_queryset(articles, request, view=self)
        return paginator.get_paginated_response(ArticleSerializer(page, many=True).data)

    @extend_schema(
        operation_id="news_articles_create",
        request={
            "application/json": ArticleInputSerializer,
            "multipart/form-data": ArticleInputSerializer,
        },
        responses={201: ArticleDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        if not workflow.is_newsroom_member(request.user):
            raise PermissionDenied(_("Only the portal's editors and approvers write articles."))
        body = ArticleInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        article = _call(services.article_create, actor=request.user, **values)
        return Response(
            ArticleDetailSerializer(
                _article(request, article.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ArticleDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(operation_id="news_articles_retrieve", responses={200: ArticleDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            ArticleDetailSerializer(_article(request, pk), context={"request": request}).data
        )

    @extend_schema(
        operation_id="news_articles_update",
        request={
            "application/json": ArticleInputSerializer,
            "multipart/form-data": ArticleInputSerializer,
        },
        responses={200: ArticleDetailSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        if not workflow.is_newsroom_member(request.user):
            raise PermissionDenied(_("Only the portal's editors and approvers change articles."))
        article = _article(request, pk)
        body = ArticleInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        _call(services.article_update, actor=request.user, article=article, **values)
        return Response(
            ArticleDetailSerializer(_article(request, pk), context={"request": request}).data
        )


class ArticleActionsView(APIView):
    @extend_schema(
        operation_id="news_articles_act",
        request=ArticleActionSerializer,
        responses={200: ArticleDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        if not workflow.is_newsroom_member(request.user):
            raise PermissionDenied(_("Only the portal's editors and approvers act on articles."))
        article = _article(request, pk)
        body = ArticleActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(services.article_act, actor=request.user, article=article, **body.validated_data)
        return Response(
            ArticleDetailSerializer(_article(request, pk), context={"request": request}).data
        )


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="news_categories_list", responses={200: CategorySerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        return Response(CategorySerializer(selectors.category_list(), many=True).data)


class VisitorStatsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="portal_visitors_retrieve", responses={200: VisitorStatsSerializer})
    def get(self, request: Request) -> Response:
        return Response(VisitorStatsSerializer(visitor_stats()).data)


class FiguresView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="portal_figures_retrieve",
        parameters=[OpenApiParameter("year", int, required=False)],
        responses={200: HeadlineFiguresSerializer},
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
        return Response(HeadlineFiguresSerializer(selectors.headline_figures(year=year)).data)
