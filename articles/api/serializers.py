"""The shapes of the articles API: light list items, full details, staff writes, comments, images."""

import reversion
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.validators import UniqueValidator

from authors.models import Author
from comments.moderation import NO_NAME, NO_TEXT, visible_field
from comments.rendering import public_name, public_text, public_url
from newsroom import fragments, page_cache
from newsroom.api import NULL_ITEM, IdField, StrictFieldsMixin

from .. import services
from ..fields import LowercaseSlugField, OneLineCharField, no_markup, one_line
from ..images import NOT_AN_IMAGE, ImageUploadField, validate_image_upload
from ..models import Article, Byline, Correction, Image, RelatedArticle, Section, Tag
from ..sanitize import sanitize_html
from .queries import for_api_listing, listing_prefetches


class SectionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:section-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The section's page on the site.")
    articles_url = serializers.SerializerMethodField(help_text="The section's articles in the API.")

    class Meta:
        model = Section
        fields = ["id", "name", "slug", "description", "position", "url", "page_url", "articles_url"]

    def get_page_url(self, section) -> str:
        return settings.SITE_URL + section.get_absolute_url()

    def get_articles_url(self, section) -> str:
        return _api_url(self.context, "api:article-list", f"?section={section.slug}")


class SectionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "name", "slug"]


class TagSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:tag-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The tag's page on the site.")
    articles_url = serializers.SerializerMethodField(help_text="The tag's articles in the API.")

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "url", "page_url", "articles_url"]

    def get_page_url(self, tag) -> str:
        return settings.SITE_URL + tag.get_absolute_url()

    def get_articles_url(self, tag) -> str:
        return _api_url(self.context, "api:article-list", f"?tag={tag.slug}")


class TagSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "slug"]


def _api_url(context, name, suffix=""):
    url = reverse(name) + suffix
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The JPEG file at this width.")
    width = serializers.IntegerField(help_text="Pixels; for `srcset`.")


class LeadImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    width = serializers.IntegerField(help_text="Of the original, in pixels.")
    height = serializers.IntegerField(help_text="Of the original, in pixels.")
    alt = serializers.CharField(help_text="Describes the image for readers who cannot see it.")
    caption = serializers.CharField(allow_blank=True, help_text="This article's caption, else the image's.")
    credit = serializers.CharField(allow_blank=True)
    renditions = RenditionSerializer(many=True, help_text="JPEG renditions, narrowest first.")

    def to_representation(self, article):
        image = article.lead_image
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request else (lambda url: url)
        return {
            "id": image.pk,
            "width": image.width,
            "height": image.height,
            "alt": image.alt_text,
            "caption": article.caption,
            "credit": image.credit,
            "renditions": [{"url": absolute(url), "width": width} for url, width in image.renditions()],
        }


class AuthorSummarySerializer(serializers.ModelSerializer):
    """What a byline says about its author; contact details never leave the newsroom."""

    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The author's page on the site.")

    class Meta:
        model = Author
        fields = ["id", "display_name", "slug", "kind", "job_title", "url", "page_url"]

    def get_page_url(self, author) -> str:
        return settings.SITE_URL + author.get_absolute_url()


class BylineSerializer(AuthorSummarySerializer):
    def to_representation(self, byline):
        return super().to_representation(byline.author)


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["kind", "note", "noted_at"]


class CorrectionWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=Correction.Kind.choices, default=Correction.Kind.CORRECTION)
    note = serializers.CharField(
        max_length=Correction._meta.get_field("note").max_length,
        validators=[no_markup],
        help_text="Plain text, shown to readers as written, e.g. what was wrong and what is right.",
    )


def plain(value):
    """A representation as plain dicts, lists and strings: DRF's hyperlinks are strings that carry their model
    instance, which would be pickled into the cache with them."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


class CachedArticleList(serializers.ListSerializer):
    """A list of articles whose entries are kept in the cache for anonymous clients, each under the versions
    of what it shows (newsroom/fragments.py): an entry is built again only when its article, section,
    authors, tags, image or comment count changed. The list's query may then read only the articles' ids
    (ArticleViewSet.get_queryset); the entries not cached are loaded in full, with bylines and tags."""

    def to_representation(self, data):
        articles = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        request = self.context.get("request")

        def build(missing):
            missing = loaded_in_full(missing)
            prefetch_related_objects(missing, *listing_prefetches())
            return [(plain(self.child.to_representation(a)), page_cache.article_deps(a)) for a in missing]

        site = request.build_absolute_uri("/") if request is not None else ""
        return fragments.cached_items(
            f"api:{type(self.child).__name__}",
            articles,
            key_parts=lambda article: [site, article_pk(article)],
            render_missing=build,
            use=cached_for(request),
        )


def detail_deps(article) -> set[str]:
    """What an article's API detail shows: the article with its parts (article_deps), its comments (their
    count), and every article it links to, published or not yet (one may be published later)."""
    deps = page_cache.article_deps(article) | {f"comments:{article.pk}", f"related:{article.pk}"}
    for related_id, section_id in RelatedArticle.objects.filter(article_id=article.pk).values_list(
        "related_id", "related__section_id"
    ):
        deps |= {f"article:{related_id}", f"section:{section_id}"}
    return deps


def cached_for(request) -> bool:
    """Anonymous reads get cached list entries; staff see drafts and are served what is true for them."""
    return request is not None and request.method == "GET" and not request.user.is_authenticated


def article_pk(article) -> int:
    """The id of an article, or of a row of an ids-only list query (for_api_listing_ids)."""
    return article["id"] if isinstance(article, dict) else article.pk


def loaded_in_full(articles: list) -> list:
    """The articles with everything a list entry shows, in their order: one query for the rows that came
    from an ids-only list query (for_api_listing_ids)."""
    if not articles or not isinstance(articles[0], dict):
        return articles
    ids = [article_pk(a) for a in articles]
    full = for_api_listing(Article.objects.filter(pk__in=ids)).in_bulk()
    return [full[pk] for pk in ids if pk in full]


class ArticleListSerializer(serializers.ModelSerializer):
    """The light shape used in lists: no body, no related articles."""

    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail")
    section = SectionSummarySerializer()
    tags = TagSummarySerializer(many=True)
    bylines = BylineSerializer(many=True, help_text="Authors in byline order.")
    lead_image = serializers.SerializerMethodField()
    canonical_url = serializers.SerializerMethodField(help_text="The article's address on the site.")
    comment_count = serializers.IntegerField(read_only=True, help_text="Approved, visible comments.")

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "headline",
            "slug",
            "dek",
            "section",
            "tags",
            "bylines",
            "lead_image",
            "source_credit",
            "is_featured",
            "is_breaking",
            "status",
            "published_at",
            "first_published_at",
            "publish_at",
            "updated_at",
            "canonical_url",
            "comment_count",
        ]
        list_serializer_class = CachedArticleList

    @extend_schema_field(LeadImageSerializer(allow_null=True))
    def get_lead_image(self, article):
        if article.lead_image is None:
            return None
        return LeadImageSerializer(article, context=self.context).data

    def get_canonical_url(self, article) -> str:
        return settings.SITE_URL + article.get_absolute_url()


class RelatedSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    url = serializers.URLField(help_text="The related article in the API.")
    canonical_url = serializers.URLField()

    def to_representation(self, link):
        article = link.related
        request = self.context.get("request")
        url = reverse("api:article-detail", kwargs={"pk": article.pk})
        return {
            "id": article.pk,
            "headline": article.headline,
            "url": request.build_absolute_uri(url) if request else url,
            "canonical_url": settings.SITE_URL + article.get_absolute_url(),
        }


class ArticleDetailSerializer(ArticleListSerializer):
    """The whole article: the list's fields with its body, "Read more" links and corrections."""

    body = serializers.CharField(help_text="Sanitised HTML.")
    related = RelatedSummarySerializer(
        many=True, source="related_links", help_text="Shown under “Read more”, in the editors' order."
    )
    corrections = CorrectionSerializer(many=True)
    comments_enabled = serializers.BooleanField(
        help_text="Whether the newsroom takes readers' comments on this article (they also close "
        "COMMENTS_CLOSE_AFTER_DAYS after publication)."
    )
    # The newsroom's own: when the draft was started, how often it was saved, what it posts to social
    # networks. Staff get them (`version` is what If-Match names); readers' answers leave them out.
    created_at = serializers.DateTimeField(required=False, help_text="Staff only: when the draft was begun.")
    version = serializers.IntegerField(required=False, help_text="Staff only: raised by every save.")
    share_on_publish = serializers.BooleanField(required=False, help_text="Staff only.")
    share_text = serializers.CharField(required=False, help_text="Staff only.")
    STAFF_ONLY = ("created_at", "version", "share_on_publish", "share_text")

    def to_representation(self, article):
        data = super().to_representation(article)
        request = self.context.get("request")
        if not (request and request.user.is_authenticated and request.user.is_staff):
            for name in self.STAFF_ONLY:
                data.pop(name, None)
        return data

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "body",
            "related",
            "corrections",
            "comments_enabled",
            "created_at",
            "version",
            "share_on_publish",
            "share_text",
        ]


# What a slug of each looks like, for the message to a client that sent something else (the demo's own).
EXAMPLE_SLUGS = {"section": "city", "tag": "ferries", "author": "marta-quillon"}


class SlugField(serializers.SlugRelatedField):
    """A related object by slug; text no slug could be (NUL bytes, too long) is refused before the query."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.queryset is not None:
            name = self.queryset.model._meta.verbose_name
            self.error_messages["does_not_exist"] = (
                f'No {name} has the slug "{{value}}". {name.capitalize()}s are named by slug, not id.'
            )

    def to_internal_value(self, data):
        if data is None:  # only a list's item gets here; it was looked up as the slug "None"
            raise serializers.ValidationError(NULL_ITEM, code="null")
        if isinstance(data, dict | list | bool):  # `{"slug": ...}`, `true`: the message quoted it as Python
            name = self.queryset.model._meta.verbose_name
            raise serializers.ValidationError(
                f'Give the {name}\'s slug as text, such as "{EXAMPLE_SLUGS.get(name, "harbour")}".'
            )
        if isinstance(data, str) and ("\x00" in data or len(data) > 200):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:50])
        return super().to_internal_value(data)


class BylineSlugField(SlugField):
    """Authors by slug; an article's `bylines` are Byline rows, each shown as its author's slug."""

    def to_representation(self, value):
        return super().to_representation(getattr(value, "author", value))


class OneLineTextField(serializers.CharField):
    """The API's side of articles.fields.OneLineCharField: kept to one line before the checks, so a headline
    of nothing but invisible characters is blank, not an empty headline saved."""

    def run_validation(self, data=serializers.empty):
        return super().run_validation(one_line(data))


class LowercaseSlugTextField(serializers.CharField):
    """The API's side of articles.fields.LowercaseSlugField: the model's lower-case rule is the only check.
    DRF's SlugField adds Django's "Enter a valid “slug”…", a second message for the same mistake."""

    def __init__(self, *, allow_unicode=False, **kwargs):  # what ModelSerializer passes for any slug
        super().__init__(**kwargs)


class ArticleWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Drafts as staff write them; the workflow state changes only through the actions."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        OneLineCharField: OneLineTextField,
        LowercaseSlugField: LowercaseSlugTextField,
    }
    LIMITS = {"tags": 50, "bylines": 20, "related": 20}

    section = SlugField(slug_field="slug", queryset=Section.objects.all())
    tags = SlugField(
        slug_field="slug", many=True, queryset=Tag.objects.all(), required=False, help_text="Tag slugs."
    )
    bylines = BylineSlugField(
        slug_field="slug",
        many=True,
        queryset=Author.objects.all(),
        required=False,
        help_text="Author slugs, in byline order. Left out when creating: the writer's own author. A "
        "reporter's story includes their own (colleagues may stand beside it); editors byline anyone.",
    )
    related = IdField(
        many=True,
        queryset=Article.objects.all(),
        required=False,
        help_text="Ids of related articles, in the order shown under “Read more”.",
    )
    lead_image = IdField(
        queryset=Image.objects.all(), allow_null=True, required=False, help_text="Id of an uploaded image."
    )

    class Meta:
        model = Article
        extra_kwargs = {
            "slug": {
                "required": False,
                "help_text": "The last part of the article's address; unique. Left out when creating, it is "
                "made from the headline's letters and digits, spelt in Latin letters (`night-ferry`, or "
                "`night-ferry-2` when that is taken; `nea-grammi` from Greek “Νέα γραμμή”); a headline with "
                "none (only emoji or punctuation) needs a slug given.",
            }
        }
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "section",
            "tags",
            "bylines",
            "related",
            "lead_image",
            "lead_image_caption",
            "source_credit",
            "comments_enabled",
            "is_featured",
            "is_breaking",
            "share_on_publish",
            "share_text",
        ]

    def to_internal_value(self, data):
        if isinstance(data, dict):
            too_long = {
                name: [f"At most {limit} items."]
                for name, limit in self.LIMITS.items()
                if isinstance(data.get(name), list) and len(data[name]) > limit
            }
            if too_long:  # refused before a query is made for each of the items; named with the rest
                raise serializers.ValidationError(self.shape_errors(data) | too_long)
        return super().to_internal_value(data)

    def validate_bylines(self, authors):
        if len({a.pk for a in authors}) != len(authors):
            raise serializers.ValidationError("An author appears twice.")
        if not authors and self.instance is not None and services.must_keep_a_byline(self.instance):
            raise serializers.ValidationError(services.BYLINE_KEPT)
        return authors

    def get_fields(self):
        """A tag not made yet: the 400 tells an account that may make one (the admin's "+" beside Tags)
        where to, so a wire feed filing a story with a new tag knows what to do, not only what failed."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.has_perm("articles.add_tag"):
            tag = fields["tags"].child_relation
            where = reverse("api:tag-list")
            tag.error_messages["does_not_exist"] += (
                f" To make it, POST its name and this slug to {where}, then send this again."
            )
        return fields

    def validate_tags(self, tags):
        return list(dict.fromkeys(tags))

    def validate_related(self, articles):
        if len({a.pk for a in articles}) != len(articles):
            raise serializers.ValidationError("An article appears twice.")
        if self.instance is not None and any(a.pk == self.instance.pk for a in articles):
            raise serializers.ValidationError("An article cannot be related to itself.")
        return articles

    def validate_body(self, body):
        # As it would be saved, sanitised; a new article keeps nothing yet.
        kept = sanitize_html(body)
        if not kept.strip():
            # A body of a script or an embed alone was saved as nothing, over the draft's text, with a 200.
            raise serializers.ValidationError(services.NOTHING_KEPT)
        if refusal := services.body_refusal(article=self.instance or Article(), body=kept):
            raise serializers.ValidationError(refusal)
        return body

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = self.context["request"].user
        if not services.can_publish(user):
            for flag in ("is_featured", "is_breaking"):
                current = getattr(self.instance, flag) if self.instance else False
                if flag in attrs and attrs[flag] != current:
                    raise PermissionDenied("Only editors can mark articles as featured or breaking.")
        if self.instance is None and "bylines" not in attrs:
            # The writer's own byline, as the admin's add form starts with.
            own = Author.objects.filter(user=user).first()
            attrs["bylines"] = [own] if own else []
        if "bylines" in attrs:
            article = self.instance or Article()
            if refusal := services.byline_refusal(article=article, authors=attrs["bylines"], user=user):
                raise serializers.ValidationError({"bylines": [refusal]})
        return attrs

    def create(self, validated_data):
        """A slug made from the headline is checked free, then inserted; another request can take it in
        between, and then the next free one is taken (the unique index decides, never a 500)."""
        chosen = validated_data.get("slug")
        for _attempt in range(10):  # each round at least one of the racing requests wins its slug
            data = dict(validated_data)
            if not chosen:
                data["slug"] = services.free_slug(data["headline"])
                if not data["slug"]:
                    raise serializers.ValidationError({"slug": [services.NO_SLUG_FROM_HEADLINE]})
            try:
                return self._save(Article(created_by=self.context["request"].user), data)
            except SlugTaken:
                if chosen:
                    break
        raise serializers.ValidationError({"slug": [SLUG_TAKEN]})

    def to_representation(self, instance):
        """What the browsable API's edit form starts from (answers are ArticleDetailSerializer's): the
        article in the terms this serializer takes, related articles by id as `related` takes them."""
        data = super().to_representation(instance)
        data["related"] = [link.related_id for link in instance.related_links.all()]
        return data

    def update(self, instance, validated_data):
        if not self._changes(instance, validated_data):
            # A PATCH naming no field, or a PUT or PATCH resending what the article holds, saves nothing: a
            # save would raise the version and write a revision for nothing, clients syncing by
            # `updated_since` would fetch it again, and every other editor's If-Match would turn into a 412.
            return instance
        try:
            return self._save(instance, validated_data)
        except SlugTaken:
            raise serializers.ValidationError({"slug": [SLUG_TAKEN]}) from None

    @staticmethod
    def _changes(article, data) -> bool:
        """Whether any value in `data` differs from the article's (as the API detail loads it: bylines, tags
        and "Read more" links prefetched); the body as it would be saved, sanitised."""
        held = {
            "tags": {tag.pk for tag in article.tags.all()},
            "bylines": [byline.author_id for byline in article.bylines.all()],
            "related": [link.related_id for link in article.related_links.all()],
        }
        for name, value in data.items():
            if name == "tags":
                value = {tag.pk for tag in value}
            elif name in ("bylines", "related"):
                value = [item.pk for item in value]
            elif name == "body":
                value = sanitize_html(value)
            if value != (held[name] if name in held else getattr(article, name)):
                return True
        return False

    def _save(self, article, data):
        tags, bylines, related = data.pop("tags", None), data.pop("bylines", None), data.pop("related", None)
        user = self.context["request"].user
        # Managed by hand, as services.py does: the version is taken once everything below is written, so it
        # holds the new bylines, tags and related links (a version taken at article.save() held the old ones,
        # and restoring it found no byline).
        with transaction.atomic(), reversion.create_revision(manage_manually=True):
            reversion.set_user(user)
            reversion.set_comment("Changed through the API" if article.pk else "Created through the API")
            for name, value in data.items():
                setattr(article, name, value)
            try:
                with transaction.atomic():
                    article.save()
            except IntegrityError as error:
                if _is_slug_clash(error):
                    raise SlugTaken from error
                raise
            if tags is not None:
                article.tags.set(tags)
            # Row by row, not bulk_create: each row's signal refreshes the cached pages it changes (a new
            # author's page listed the story only when its cache expired).
            if bylines is not None:
                article.bylines.all().delete()
                for n, author in enumerate(bylines):
                    Byline.objects.create(article=article, author=author, position=n)
            if related is not None:
                article.related_links.all().delete()
                for n, other in enumerate(related):
                    RelatedArticle.objects.create(article=article, related=other, position=n)
            reversion.add_to_revision(article)
        return article


SLUG_TAKEN = "An article with this slug already exists."


class SlugTaken(Exception):
    """Another request saved an article with this slug after ours checked it was free."""


def _is_slug_clash(error: IntegrityError) -> bool:
    """Whether the unique index on Article.slug refused the row (PostgreSQL names it; SQLite, the column)."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    return (constraint or "").startswith("articles_article_slug_") or "articles_article.slug" in str(error)


class TagWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A new tag, as the admin's "+" beside an article's Tags makes one: a name, and a slug made from it
    unless given. A name or slug another tag has is refused naming that tag's slug, to use instead."""

    serializer_field_mapping = ArticleWriteSerializer.serializer_field_mapping

    class Meta:
        model = Tag
        fields = ["name", "slug"]
        extra_kwargs = {
            "name": {
                "help_text": "As readers see it on its stories and its page, such as “Ferries”: plain text "
                "(no HTML), on one line; unique, capitals aside (“ferries” is “Ferries” taken)."
            },
            "slug": {
                "required": False,
                "help_text": "Its address (`/tag/<slug>/`) and how articles name it in `tags`; unique. "
                "Left out, it is made from the name's letters and digits, spelt in Latin letters "
                "(`night-ferries`; `nea-grammi` from Greek “Νέα γραμμή”); a name with none (only emoji or "
                "punctuation) needs a slug given.",
            },
        }

    def build_standard_field(self, field_name, model_field):
        """Without DRF's "tag with this name already exists.": validate_name and validate_slug say which tag
        has it, as the admin's form does."""
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        validators = kwargs.get("validators", [])
        kwargs["validators"] = [v for v in validators if not isinstance(v, UniqueValidator)]
        return field_class, kwargs

    def validate_name(self, name):
        """Taken whatever its capitals: "ferries" beside "Ferries" would be one tag twice on the site."""
        holder = Tag.objects.filter(name__iexact=name).first()
        if holder is not None:
            raise serializers.ValidationError(
                f'The tag “{holder.name}” already has this name; its slug is "{holder.slug}": tag articles '
                "with that, or choose another name.",
                code="unique",
            )
        return name

    def validate_slug(self, slug, made=False):
        holder = Tag.objects.filter(slug=slug).first()
        if holder is not None:
            which = "the slug this name makes" if made else "this slug"
            raise serializers.ValidationError(
                f'The tag “{holder.name}” already has {which}, "{holder.slug}": tag articles with that, or '
                "give another slug.",
                code="unique",
            )
        return slug

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "slug" not in attrs:
            slug = services.tag_slug(attrs["name"])
            if not slug:
                raise serializers.ValidationError({"slug": [services.NO_SLUG_FROM_NAME]})
            try:
                attrs["slug"] = self.validate_slug(slug, made=True)
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"slug": error.detail}) from None
        return attrs

    def create(self, validated_data):
        """The unique indexes decide between two requests making the same tag at once: the one that lost
        hears which tag it is, as if it had come second, never a 500."""
        try:
            return services.create_tag(by=self.context["request"].user, **validated_data)
        except IntegrityError:
            errors = {}
            for name, check in (("name", self.validate_name), ("slug", self.validate_slug)):
                try:
                    check(validated_data[name])
                except serializers.ValidationError as error:
                    errors[name] = error.detail
            if not errors:
                raise
            raise serializers.ValidationError(errors) from None


class ScheduleSerializer(StrictFieldsMixin, serializers.Serializer):
    publish_at = serializers.DateTimeField(help_text="When the article goes live; must be in the future.")


class ReturnToDraftSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.NOTE_MAX_LENGTH,
        help_text="Why, for the writer: kept as an editorial note on the story (staff only).",
    )


class ArticleCommentSerializer(serializers.Serializer):
    """A reader's approved comment, rendered as the site renders it: a name, never an email or address."""

    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(
        allow_null=True, help_text="The comment this replies to; null at the top."
    )
    level = serializers.IntegerField(help_text="Nesting depth, 0 at the top.")
    name = serializers.CharField(help_text="The name the commenter gave; emails in it are masked.")
    website = serializers.CharField(
        help_text="The website the commenter gave, as the site links their name; empty when there is none "
        "(or it would show an email address)."
    )
    submit_date = serializers.DateTimeField()
    text_html = serializers.CharField(
        help_text="The comment as HTML: escaped text, paragraphs, links marked nofollow; emails masked."
    )
    staff = serializers.BooleanField(
        help_text='Posted from a newsroom staff account, under its name (the site marks it "Staff"), as the '
        "account was when it posted; anyone else may type the same name."
    )

    def to_representation(self, comment):
        by_staff = getattr(comment, "by_staff", None)
        if by_staff is None:  # one just posted, not read through with_staff_mark(): its row is at hand
            by_staff = comment.moderation.by_staff
        return {
            "id": comment.pk,
            "parent_id": comment.parent_id if comment.parent_id != comment.pk else None,
            "level": comment.level,
            "name": public_name(comment.user_name),
            "website": public_url(comment.user_url),
            "submit_date": serializers.DateTimeField().to_representation(comment.submit_date),
            "text_html": str(public_text(comment.comment)),
            "staff": by_staff,
        }


NO_EMAIL = "Give an email address to confirm your comment."


class CommentPostSerializer(StrictFieldsMixin, serializers.Serializer):
    """The same fields and limits as the site's comment form."""

    name = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,  # refused in validate_name, as the form does; signed in, not checked (get_fields)
        help_text="Shown with the comment. Required unless signed in: a signed-in commenter comments under "
        "the account's name (full name, else username, with no email address in it), and a `name` sent is "
        "ignored.",
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text="Required unless signed in; never published, never echoed back. Anonymous commenters get "
        "a confirmation link by email. Signed in, the account's address is used where it has one.",
    )
    website = serializers.URLField(
        max_length=200, required=False, allow_blank=True, help_text="Your web site, linked from your name."
    )
    url = serializers.URLField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The former name of `website`, still taken; give one or the other.",
    )
    comment = serializers.CharField(
        max_length=settings.COMMENT_MAX_LENGTH, help_text="Plain text; links are allowed."
    )
    parent_id = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, default=0, help_text="Id of the comment replied to."
    )
    followup = serializers.BooleanField(required=False, default=False, help_text="Email me replies.")

    def validate_website(self, url):
        if url and not url.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Enter a web address that starts with http:// or https://.")
        return url

    validate_url = validate_website

    def _signed_in(self) -> bool:
        user = getattr(self.context.get("request"), "user", None)  # no request: the schema's serializer
        return bool(user and user.is_authenticated)

    def get_fields(self):
        """Who is asking decides which fields are required, here with the rest, so that a body missing
        several gets them named together (`{}`: comment, name and email), as the site's form does; checked
        one by one afterwards, each missing field took a request of its own to learn of."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields  # the schema's serializer: "required unless signed in", as the help texts say
        if self._signed_in():
            # Not used signed in (the account's name is), so not checked either: "" or past the form's 50
            # characters, a `name` sent is ignored like any other.
            fields["name"] = serializers.CharField(
                required=False, allow_blank=True, help_text=fields["name"].help_text
            )
        else:
            fields["name"].required = True
        if not (self._signed_in() and request.user.email):
            fields["email"].required = True
            fields["email"].error_messages["required"] = NO_EMAIL
        return fields

    def validate_name(self, name):
        if self._signed_in():
            return name  # not used: the account's name is (comments.services.post_comment)
        return visible_field(name, NO_NAME, serializers.ValidationError)  # as the site's form takes it

    def validate_comment(self, text):
        return visible_field(text, NO_TEXT, serializers.ValidationError)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("url") and attrs.get("website"):
            raise serializers.ValidationError({"url": ["Give `website` only (`url` is its former name)."]})
        attrs["website"] = attrs.pop("url", "") or attrs.get("website", "")
        return attrs


class CommentPostedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["published", "held", "confirm"],
        help_text="`published`: visible now; `held`: awaits a moderator; `confirm`: see the emailed link.",
    )
    message = serializers.CharField(help_text="What happens next, for a person.")
    comment = ArticleCommentSerializer(allow_null=True, help_text="The published comment; null otherwise.")


COMMENT_OUTCOME_MESSAGES = {
    "published": "Your comment is published.",
    "held": "Your comment is waiting for a moderator.",
    "confirm": "We have emailed you a link: open it and press “Post my comment” to post the comment; "
    "it may then wait for a moderator.",
}


class ImageSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    file = serializers.ImageField(
        write_only=True,
        help_text="JPEG, PNG, WebP or GIF, 200 to 8000 pixels a side.",
        _DjangoImageField=ImageUploadField,
        error_messages={"invalid_image": NOT_AN_IMAGE},  # DRF hands its own messages to the form field
    )
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = Image
        fields = [
            "id",
            "file",
            "title",
            "caption",
            "credit",
            "alt_text",
            "width",
            "height",
            "renditions",
            "created_at",
        ]
        read_only_fields = ["width", "height", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].validators.append(validate_image_upload)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["file"].required = False

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, image):
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request else (lambda url: url)
        return [{"url": absolute(url), "width": width} for url, width in image.renditions()]
