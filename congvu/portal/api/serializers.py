from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congvu.portal import workflow
from congvu.portal.models import Article, Category


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


class ArticleSerializer(serializers.ModelSerializer[Article]):
    """An article as the public reads it (a list shows no body)."""

    url = serializers.SerializerMethodField()
    categories: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    # "source" names the article's source here, not the DRF field argument.
    source = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = Article
        fields = ["id", "slug", "title", "summary", "published_at", "url", "categories", "source"]

    def get_url(self, obj: Article) -> str:
        return obj.get_absolute_url()

    def get_source(self, obj: Article) -> dict[str, str] | None:
        if not obj.source_name:
            return None
        return {"name": obj.source_name, "url": obj.source_url}


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its cleaned body, tags, author's byline and, for the newsroom, its
    status and the steps the caller may take."""

    tags: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    cover_url = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text=_("draft, submitted, sent_back, published or unpublished.")
    )
    actions = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "body",
            "byline",
            "tags",
            "cover_url",
            "cover_alt",
            "status",
            "review_comment",
            "changed_at",
            "actions",
        ]

    def get_cover_url(self, obj: Article) -> str:
        from django.urls import reverse

        return reverse("portal:cover", args=[obj.slug]) if obj.cover else ""

    def get_actions(self, obj: Article) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [t.action for t in workflow.actions_for(user, obj)] if user else []


class ArticleInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=1000)
    body = serializers.CharField(help_text=_("HTML; cleaned to an allow-list when saved."))
    categories = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Category.objects.all(), required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, max_length=30
    )
    cover = serializers.FileField(required=False)
    cover_alt = serializers.CharField(max_length=300, required=False, allow_blank=True)
    byline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_url = serializers.URLField(max_length=500, required=False, allow_blank=True)


class ArticleActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=[t.action for t in workflow.TRANSITIONS])
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For publish: a time still to come schedules the article."),
    )


class VisitorStatsSerializer(serializers.Serializer[Any]):
    online = serializers.IntegerField(help_text=_("Distinct visitors of the last five minutes."))
    today = serializers.IntegerField()
    month = serializers.IntegerField()
    total = serializers.IntegerField()


class UnitFiguresSerializer(serializers.Serializer[Any]):
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_in_time = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    online_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    satisfaction = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class HeadlineFiguresSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    total = UnitFiguresSerializer()
    index_total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    units = UnitFiguresSerializer(many=True)
