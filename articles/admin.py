import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media as AssetMedia
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from authors.models import Author
from comments.queries import with_comment_counts
from newsroom.admin import (
    AutocompleteInputMixin,
    InlineRowsReadOnce,
    StrictInputMixin,
    error_message,
    show_as_text,
)
from newsroom.formats import moment
from newsroom.users import display_name
from sharing import admin as sharing_admin
from sharing import services as sharing_services
from sharing.admin import ShareRecordInline
from sharing.models import ShareRecord

from . import services
from .changes import changes
from .conflicts import EditConflict, check_version, last_change, who_changed
from .editor import body_form_field
from .fields import no_markup
from .images import ImageUploadField
from .models import (
    SCHEDULE_HORIZON,
    SCHEDULE_TOO_FAR,
    Article,
    Byline,
    Correction,
    EditorialNote,
    Image,
    RelatedArticle,
    Section,
    Tag,
    WorkflowEvent,
    mine,
)
from .previews import preview_url, render_unsaved
from .redirects import keep_old_path
from .restore import drop_what_is_gone
from .sanitize import sanitize_html

# Names of the workflow buttons on the article form (templates/admin/articles/article/submit_line.html).
WORKFLOW_ACTIONS = ("_submit_review", "_return_to_draft", "_publish", "_schedule", "_unpublish")
PUBLISHER_ACTIONS = ("_return_to_draft", "_publish", "_schedule", "_unpublish")
# Set only by the workflow services (and the version counter by every save); restoring an old version
# from the history must not roll them back.
WORKFLOW_FIELDS = ("status", "publish_at", "first_published_at", "published_at", "created_by_id", "version")


def can_recover(user) -> bool:
    """Deleted articles are brought back by editors, who may also publish them again."""
    return user.has_perm("articles.edit_any_article") and user.has_perm("articles.add_article")


class NamesTheSlugsHolder(forms.ModelForm):
    """A slug already taken is refused naming what has it: "Tag with this Slug already exists." left the
    editor to find the tag "Ferries" that "ferries" belonged to."""

    advice = "use it, or choose another."

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        model = type(self.instance)
        holder = model.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if holder is not None:
            name = model._meta.verbose_name
            raise ValidationError(f"The {name} “{holder}” already has the slug “{slug}”: {self.advice}")
        return slug

    def clean_name(self):
        """A section or tag whose name differs from another's only in capitals is the same one twice
        ("Ferries" and "ferries" on the site); the database's unique name tells only exact repeats."""
        name = self.cleaned_data["name"]
        model = type(self.instance)
        holder = model.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if holder is not None:
            raise ValidationError(
                f"The {model._meta.verbose_name} “{holder}” already has this name: {self.advice}"
            )
        return name


@admin.register(Section)
class SectionAdmin(StrictInputMixin, admin.ModelAdmin):
    form = NamesTheSlugsHolder
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(StrictInputMixin, admin.ModelAdmin):
    form = NamesTheSlugsHolder
    list_display = ["name", "slug", "article_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="Articles")
    def article_count(self, tag):
        return tag.article_count


@admin.register(Image)
class ImageAdmin(StrictInputMixin, admin.ModelAdmin):
    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}
    list_display = ["thumbnail", "title", "credit", "size", "uploader", "created_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "caption", "credit", "alt_text"]
    readonly_fields = ["thumbnail", "size", "uploader", "created_at", "where_used"]
    list_select_related = ["uploaded_by"]

    def get_urls(self):
        pick = path("pick/", self.admin_site.admin_view(self.pick_view), name="articles_image_pick")
        return [pick, *super().get_urls()]

    def pick_view(self, request):
        """The editor's "Browse..." window: search the library, click a picture to put it in a figure."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        images = self.get_queryset(request)
        query = request.GET.get("q", "").strip()[:200]
        if query:
            images, _ = self.get_search_results(request, images, query)
        context = {
            **self.admin_site.each_context(request),
            "title": "Choose an image from the library",
            "images": images[:60],
            "query": query,
            "func_num": request.GET.get("CKEditorFuncNum", ""),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/articles/image/pick.html", context)

    def get_deleted_objects(self, objs, request):
        """Refuse to delete a picture an article shows, in its body as well as as lead image (the
        database protects only the lead image), and list where it is used."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        seen = set()
        for image in objs:
            for article in image.used_in().filter(~Q(lead_image=image)):
                if article.pk not in seen:
                    seen.add(article.pk)
                    url = reverse("admin:articles_article_change", args=[article.pk])
                    protected.append(format_html('Article (in the body): <a href="{}">{}</a>', url, article))
        return deleted, counts, perms_needed, protected

    @admin.display(description="Used in")
    def where_used(self, image):
        if image.pk is None:
            return "—"
        articles = list(image.used_in()[:50])
        if not articles:
            return "Not used in any article."
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:articles_article_change", args=[a.pk]),
                    a.headline,
                    "lead image" if a.lead_image_id == image.pk else "in the body",
                )
                for a in articles
            ),
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return services.can_change_image(image=obj, user=request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, *args, **kwargs):
        """A picture to look at, not to change, says why, as an article's read-only page does."""
        response = super().render_change_form(request, context, *args, **kwargs)
        if (
            context.get("original") is not None
            and request.method == "GET"
            and not context["has_change_permission"]
        ):
            self.message_user(request, services.IMAGE_NOT_YOURS_TO_CHANGE, messages.WARNING)
        return response

    @admin.display(description="Image")
    def thumbnail(self, image):
        if not image.file or image.pk is None:  # an upload the form refused is not stored: nothing to show
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="120" style="height:auto">', image.rendition_480.url, image.alt_text
        )

    @admin.display(description="Uploaded by")
    def uploader(self, image):
        """The name, not a link: the user pages are the administrator's, and refused editors and reporters."""
        return display_name(image.uploaded_by) if image.uploaded_by_id else "—"

    @admin.display(description="Size")
    def size(self, image):
        return f"{image.width}×{image.height}" if image.pk and image.width else "—"


class FollowsArticlePermissions:
    """An inline is editable only where its article is: a reporter viewing someone else's (or a
    submitted) article sees its bylines and links read-only, not as a form that would then 403."""

    def _article_editable(self, request, obj):
        """Asked for each inline several times, and for each row of a read-only one (Django's
        `user_deleted_form`): the answer is kept on the request, for its user and this state of the article,
        so a reporter opening a colleague's story no longer asks the database again for every row."""
        if obj is None:
            return True
        key = (request.user.pk, obj.pk, obj.status, obj.created_by_id)
        answers = getattr(request, "article_editable_answers", None)
        if answers is None:
            answers = request.article_editable_answers = {}
        if key not in answers:
            answers[key] = services.can_edit(article=obj, user=request.user)
        return answers[key]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


def _kept_forms(formset) -> list:
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def _labelled(form, name, messages) -> str:
    """An error as the editor reads it: the field's label ("Headline: ..."), not its name."""
    field = form.fields.get(name)
    text = " ".join(messages)
    return f"{capfirst(field.label)}: {text}" if field is not None and field.label else text


def delete_selected_articles(modeladmin, request, queryset):
    try:
        response = delete_selected(modeladmin, request, queryset)
    except PermissionDenied:
        # "Yes, I'm sure" for stories that may not go (the question named them and offered no Yes, or one of
        # them changed since it was asked): Django answers a bare 403. Back to the list, naming each story
        # and why, as the question did (get_deleted_objects).
        _, _, refused, _ = modeladmin.get_deleted_objects(queryset, request)
        modeladmin.message_user(request, f"Nothing was deleted: {' '.join(sorted(refused))}", messages.ERROR)
        return None
    if isinstance(response, TemplateResponse):  # the question, not the deletion done
        response.context_data["live_stories"] = list(queryset.filter(status=Article.Status.PUBLISHED))
    return response


class RowsGoneFormSet(InlineRowsReadOnce):
    """An inline whose page shows a row someone else deleted since it was opened. Django would refuse the
    row's hidden id as "not one of the available choices", an error no one sees, on every save, so the
    editor could never save again. Here such a row is written again as a new one, as the page shows it:
    for bylines and "Read more" links, whose deletion changes the article, that happens only when the
    editor saves over the other change after the edit-conflict warning. With `write_again` off (notes,
    which change no version, and corrections, which would come back with a new date) it is dropped."""

    write_again = True

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.gone = []
        if self.is_bound:
            pk_name = self.model._meta.pk.name
            keys = [f"{self.add_prefix(i)}-{pk_name}" for i in range(self.initial_form_count())]
            # The formset's own queryset, read once here and reused for its forms (no second query).
            still_there = {str(row.pk) for row in self.get_queryset()}
            # Gone, or already shown again without its id (the form as re-rendered after the warning).
            self.gone = [i for i, key in enumerate(keys) if self.data.get(key, "") not in still_there]
            if self.gone:
                self.data = self.data.copy()
                for i in self.gone:
                    self.data[keys[i]] = ""  # a new row, not an id that is no more
                    if not self.write_again:
                        self.data[f"{self.add_prefix(i)}-DELETE"] = "on"

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i in self.gone:
            form.fields[self.model._meta.pk.name].required = False  # Django requires it of a row it knew
        return form

    def save_new_objects(self, commit=True):
        saved = super().save_new_objects(commit)
        for form in (self.forms[i] for i in self.gone):
            if form.cleaned_data and not self._should_delete_form(form):
                saved.append(self.save_new(form, commit=commit))
                self.new_objects.append(saved[-1])
                if not commit:
                    self.saved_forms.append(form)
        return saved


class DropsRowsGoneFormSet(RowsGoneFormSet):
    write_again = False


class InOrderFormSet(RowsGoneFormSet):
    """Rows with a "position" are numbered 0, 1, 2 ... as sent, ties in the order they stand on the page: a
    row added with "Add another" came with the first row's 0, and a byline list read "0, 0"."""

    names_the_row = None  # the field without which a row is the blank one "Add another" left

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if self.is_bound:
            self._number_in_order()

    def _number_in_order(self):
        try:
            total = min(int(self.data.get(self.add_prefix("TOTAL_FORMS"), 0)), self.absolute_max)
        except ValueError:
            return  # the management form's own error says so
        rows = []
        for i in range(total):
            prefix = self.add_prefix(i)
            if not self.data.get(f"{prefix}-{self.names_the_row}") or self.data.get(f"{prefix}-DELETE"):
                continue
            try:
                rows.append((int(self.data.get(f"{prefix}-position", "")), i))
            except ValueError:
                return  # the field's own error says so
        renumbered = {f"{self.add_prefix(i)}-position": str(n) for n, (_, i) in enumerate(sorted(rows))}
        if any(self.data.get(key) != value for key, value in renumbered.items()):
            self.data = self.data.copy()
            self.data.update(renumbered)


class BylineFormSet(InOrderFormSet):
    """A story on the site, on the schedule or being sent there keeps at least one byline, and a reporter's
    carries their own (services.byline_refusal). Checked with the form, so a refused "publish" leaves the
    bylines as they were instead of deleted."""

    names_the_row = "author"
    user = None  # who saves them: BylineInline.get_formset

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = _kept_forms(self)
        going_out = any(name in self.data for name in ("_publish", "_schedule"))
        if (going_out or services.must_keep_a_byline(self.instance)) and not kept:
            raise ValidationError(services.BYLINE_KEPT)
        authors = [form.cleaned_data["author"] for form in kept]
        if refusal := services.byline_refusal(article=self.instance, authors=authors, user=self.user):
            raise ValidationError(refusal)


NO_BYLINE_AUTHOR = "Choose who wrote it (the + beside the list adds an author who is not there yet)."


class BylineInline(AutocompleteInputMixin, FollowsArticlePermissions, admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")  # each row's heading names them

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "author":
            field.error_messages["required"] = NO_BYLINE_AUTHOR
        return field


class RelatedFormSet(InOrderFormSet):
    names_the_row = "related"

    def clean(self):
        super().clean()
        for form in _kept_forms(self):
            related = form.cleaned_data.get("related")
            if related is not None and related.pk == self.instance.pk:
                form.add_error("related", "An article cannot be related to itself.")


class RelatedArticleInline(AutocompleteInputMixin, FollowsArticlePermissions, admin.TabularInline):
    model = RelatedArticle
    formset = RelatedFormSet
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["related"]
    verbose_name = "related article"
    verbose_name_plural = "related articles, shown first under “Read more”"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("related")  # each row's heading names it


class CorrectionsFormSet(DropsRowsGoneFormSet):
    """A correction once saved stays as readers saw it: shown read-only (as text, not a greyed-out box that
    looks editable) and without a delete box, as the API neither changes nor removes one (a newsroom's record
    of what it got wrong). A further one is added."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is not None:
            for name in ("kind", "note"):
                show_as_text(form.fields[name])
        else:  # only a new one: a saved one with markup from before the rule cannot be changed to meet it
            form.fields["note"].validators.append(no_markup)
        return form

    def _should_delete_form(self, form):
        # can_delete is off, so the DELETE that RowsGoneFormSet marks for a row gone meanwhile is read here.
        return form in (self.forms[i] for i in self.gone) or super()._should_delete_form(form)


class CorrectionInline(FollowsArticlePermissions, admin.StackedInline):
    model = Correction
    formset = CorrectionsFormSet
    extra = 0
    can_delete = False
    verbose_name_plural = "corrections and updates (readers see these; once saved, they stay)"
    # Dated when saved, as the API dates them: not when the form was opened, and not back-dated by hand.
    readonly_fields = ["noted_at"]

    def has_add_permission(self, request, obj=None):
        """Once the story has run (services.NOT_YET_PUBLISHED): before, its text is simply changed."""
        return (
            obj is not None
            and obj.first_published_at is not None
            and super().has_add_permission(request, obj)
        )


class NotesFormSet(DropsRowsGoneFormSet):
    """A note is changed only by who wrote it; to the others it is shown read-only (an editor may delete
    one). A reporter whose story came back to draft could rewrite the editor's note, still signed by the
    editor, and an editor a reporter's."""

    user = None  # set by EditorialNoteInline.get_formset

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        note = form.instance
        if note.pk is not None and note.written_by_id != self.user.pk:
            show_as_text(form.fields["text"])
        return form


class EditorialNoteInline(FollowsArticlePermissions, admin.StackedInline):
    """Notes between staff; the public site, feeds, sitemaps, search and the API never read this model."""

    model = EditorialNote
    formset = NotesFormSet
    extra = 0
    fields = ["text", "writer", "written_at"]
    readonly_fields = ["writer", "written_at"]
    verbose_name = "editorial note"
    verbose_name_plural = "editorial notes (staff only, never shown to readers)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("written_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    @admin.display(description="Written by")
    def writer(self, note):
        """The name, not a link to the user's page: those are the administrator's, and refused to editors."""
        return display_name(note.written_by) if note.written_by_id else "—"


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEvent
    extra = 0
    can_delete = False
    fields = ["action", "by", "at", "detail"]
    readonly_fields = fields
    verbose_name_plural = "workflow history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="by")
    def by(self, event):
        """The name, not a link: the user pages are the administrator's, and refused editors and reporters."""
        return display_name(event.actor) if event.actor else "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MineFilter(admin.SimpleListFilter):
    """Articles I created or have a byline on; the desk's "My drafts" links here."""

    title = "whose"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "Mine")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(mine(request.user))
        return queryset


class ArticleAdminForm(NamesTheSlugsHolder):
    """Checks the workflow button pressed before anything is saved, so a refused action saves nothing."""

    request = None  # set by ArticleAdmin.get_form; the admin supplies Meta (model and fields)
    advice = "choose another."  # two stories cannot share one address
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
        if "publish_at" in self.fields:
            # The admin reads the time in the newsroom's zone, not the browser's: say which, and its time now.
            now = timezone.localtime()
            self.fields["publish_at"].help_text = (
                f"When a scheduled article goes live, in the newsroom's time, {now:%Z} "
                f"(there it is {date_format(now, 'TIME_FORMAT')} now)."
            )
            self.fields["publish_at"].error_messages["invalid_time"] = "Enter a time as well, e.g. 09:30."

    def clean_body(self):
        """The body as the sanitiser keeps it (the editor's field cleans it). Where it keeps nothing of what
        was sent (a pasted script or embed alone), say so, as the API does, not "cannot be blank"."""
        body = self.cleaned_data["body"]
        if not body.strip() and self.data.get(self.add_prefix("body"), "").strip():
            raise ValidationError(services.NOTHING_KEPT)
        return body

    def clean(self):
        cleaned = super().clean()
        self._explain_a_missing_slug(cleaned.get("headline"))
        self._check_no_one_saved_since()
        post = self.request.POST if self.request else {}
        action = next((name for name in WORKFLOW_ACTIONS if name in post), None)
        if action and getattr(self.request, "article_restored", None) == "recover":
            raise ValidationError(
                "A recovered article comes back off the site: save to recover it, then take the workflow's "
                "next step from its page."
            )
        if action in PUBLISHER_ACTIONS and not services.can_publish(self.request.user):
            raise ValidationError(
                "Only editors can send a story back to draft."
                if action == "_return_to_draft"
                else "Only editors can publish, schedule or unpublish articles."
            )
        self._check_the_body_is_kept(cleaned.get("body"), action)
        at = cleaned.get("publish_at")
        if (
            self.instance.status == Article.Status.PUBLISHED
            and action != "_unpublish"  # taking it off the site first is the way to schedule it
            and (action == "_schedule" or "publish_at" in self.changed_data)
        ):
            # Checked here, not left to the service after the save: a published story given a future
            # "Publish at" would keep it (and show it in the API) while the step itself was refused.
            self.add_error("publish_at", services.ALREADY_PUBLISHED)
        # A scheduled article saved without a workflow button keeps a time the schedule can act on.
        scheduled = self.instance.status == Article.Status.SCHEDULED
        rescheduled = scheduled and action is None and "publish_at" in self.fields
        if action == "_schedule" or rescheduled:
            if "publish_at" in self.errors:
                pass  # a date without a time: the field's own error asks for one
            elif not at:
                self.add_error(
                    "publish_at",
                    "Choose when the article should be published."
                    + (" To take it off the schedule, press Unpublish." if rescheduled else ""),
                )
            elif at <= timezone.now() and (action or "publish_at" in self.changed_data):
                self.add_error("publish_at", "The scheduled time must be in the future.")
        if at and at > timezone.now() + SCHEDULE_HORIZON:
            self.add_error("publish_at", SCHEDULE_TOO_FAR)
        self._check_a_time_typed_is_not_ignored(at, action)
        return cleaned

    def _explain_a_missing_slug(self, headline):
        """The browser fills the slug as the headline is typed (Django's URLify), and there is none to fill
        from a headline without letters or digits (only emoji or punctuation), nor from one in an alphabet
        URLify does not spell (Hebrew, Chinese): "This field is required." left the editor to wonder why the
        slug stayed empty. For the latter, the slug the server would make is offered."""
        if not (headline and self.has_error("slug", "required")):
            return
        made = services.free_slug(headline)
        del self.errors["slug"]
        message = services.SLUG_NOT_FILLED.format(slug=made) if made else services.NO_SLUG_FROM_HEADLINE
        self.add_error("slug", ValidationError(message, code="required"))

    def _check_a_time_typed_is_not_ignored(self, at, action):
        """A "Publish at" does something only with Save and schedule (or on a story already scheduled).
        With Publish now it was dropped and the story went out at once (an embargo broken by a slip); with a
        plain Save, Submit or Send back it was kept, and the story looked scheduled but never went out."""
        status = self.instance.status
        if not at or "publish_at" in self.errors or action in ("_schedule", "_unpublish"):
            return
        if status == Article.Status.PUBLISHED:
            return  # a time given to a published story is refused above (ALREADY_PUBLISHED)
        changed = "publish_at" in self.changed_data
        when = moment(at)
        if action == "_publish" and (changed or status != Article.Status.SCHEDULED):
            # A scheduled story published early with its time untouched is a deliberate step.
            self.add_error(
                "publish_at",
                f"This says {when}, but Publish now puts the story out at once. Press Save and schedule to "
                "publish it then, or clear the time to publish now.",
            )
        elif action != "_publish" and status != Article.Status.SCHEDULED:
            self.add_error(
                "publish_at",
                f"A time here schedules the story only with Save and schedule: press that to publish it at "
                f"{when}, or clear the time.",
            )

    GOING_OUT = {"_submit_review": "sent for review", "_publish": "published", "_schedule": "scheduled"}

    def _check_the_body_is_kept(self, body, action):
        """Checked with the form, next to the body, so a refused step saves nothing (the workflow step, run
        after the save, found the empty body only once the rest was saved)."""
        if body is None or action in ("_unpublish", "_return_to_draft"):
            return
        going_out_as = self.GOING_OUT.get(action, "")
        if refusal := services.body_refusal(article=self.instance, body=body, going_out_as=going_out_as):
            self.add_error("body", refusal)

    def _check_no_one_saved_since(self):
        """Refuse the save if the article changed after this form was opened (optimistic locking).

        The admin saves inside the transaction that runs this check, so the row lock taken here holds
        until the save is done. On a conflict the editor's text stays in the form and the form now
        carries the current version: saving again is a deliberate choice to replace the other changes.
        """
        expected = self.cleaned_data.get("expected_version")
        if self.instance.pk is None or expected is None:
            return
        try:
            self.instance.version = check_version(
                article_pk=self.instance.pk, expected=expected, user=getattr(self.request, "user", None)
            )
        except EditConflict as conflict:
            self.data = self.data.copy()
            self.data[self.add_prefix("expected_version")] = str(conflict.current_version)
            raise ValidationError(
                f"{conflict.message} Your text is kept below. Open the article in a new tab to see "
                "what was saved; saving this form again will replace it with yours.",
                code="edit_conflict",
            ) from conflict


def _without_items_of(nested, prefix):
    """The admin's nested list of what a deletion takes, without the entries that start with `prefix`."""
    return [
        _without_items_of(item, prefix) if isinstance(item, list) else item
        for item in nested
        if isinstance(item, list) or not str(item).startswith(prefix)
    ]


class RevisionPerStoryAdmin(VersionAdmin):
    """VersionAdmin, but its list is not one revision. django-reversion runs the whole list view inside one,
    and the revisions the workflow's services open join it: a bulk action saved every story it touched in
    one revision, and restoring one of them from its History reverted them all. The services record each
    story's step (user and comment) in a revision of its own; the list's other writes (deletion, sharing)
    save no version, and it edits no story (no `list_editable`). Still one transaction, as before; the
    `has_change_permission` it added is for reversion's list template, which ours does not use."""

    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():
            return super(VersionAdmin, self).changelist_view(request, extra_context)


@admin.register(Article)
class ArticleAdmin(StrictInputMixin, RevisionPerStoryAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline", "status", "section", "authors_display", "timing", "comment_count",
    ]  # fmt: skip
    list_filter = [
        "status",
        MineFilter,
        "section",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["section"]
    # A story is looked for by its words and by who wrote it ("Quillon" found nothing).
    search_fields = ["headline", "dek", "slug", "bylines__author__display_name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "lead_image", "section"]
    readonly_fields = ["status", "first_published_at", "published_at", "updated_at", "preview_link"]
    inlines = [
        BylineInline,
        RelatedArticleInline,
        CorrectionInline,
        EditorialNoteInline,
        WorkflowEventInline,
        ShareRecordInline,
    ]
    actions = ["publish_selected", "unpublish_selected", "share_selected"]

    def get_actions(self, request):
        """Django's "Delete selected" names the stories on the site first, as the delete page does."""
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (delete_selected_articles, *actions["delete_selected"][1:])
        return actions

    change_list_template = "admin/articles/article/change_list.html"

    class Media:
        js = ["admin_desk/article_form.js", "admin_desk/confirm.js"]
        css = {"all": ["admin_desk/desk.css"]}

    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "section", "tags", "expected_version"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_caption"]}),
        (
            "Credits and options",
            {"fields": ["source_credit", "comments_enabled", "is_featured", "is_breaking"]},
        ),
        ("Social sharing", {"fields": ["share_on_publish", "share_text"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "first_published_at",
                    "published_at",
                    "updated_at",
                    "preview_link",
                ]
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            return body_form_field(
                label="Body",
                help_text=db_field.help_text,
                max_length=db_field.max_length,
                widget=AdminProseEditorWidget(attrs={"rows": 20}),
            )
        if db_field.name == "dek":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("headline", "source_credit", "lead_image_caption"):
            field.widget.attrs["style"] = "width: min(100%, 44em)"
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new article starts with its writer's own byline, when they write as an author of ours."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        new_article = obj is None or obj._state.adding  # the add form passes its unsaved instance
        if isinstance(inline, BylineInline) and new_article and request.method == "GET":
            own = Author.objects.filter(user=request.user).values_list("pk", flat=True).first()
            if own:
                kwargs["initial"] = [{"author": own, "position": 0}]
        return kwargs

    def get_urls(self):
        preview = self.admin_site.admin_view(self.unsaved_preview_view)
        return [
            path("preview/", preview, name="articles_article_preview_new"),
            path("<path:object_id>/preview/", preview, name="articles_article_preview"),
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name="articles_article_changes",
            ),
            *super().get_urls(),
        ]

    def changes_view(self, request, object_id, version_id):
        """What one save changed, beside the version before it; for whoever may read the article."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = list(Version.objects.get_for_object(article).select_related("revision__user"))
        at = next((n for n, version in enumerate(versions) if version.pk == version_id), None)
        if at is None:
            raise Http404("No such version of this article.")
        version = versions[at]
        previous = versions[at + 1] if at + 1 < len(versions) else None
        saved = moment(version.revision.date_created)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes saved {saved}",
            "opts": self.model._meta,
            "original": article,
            "version": version,
            "previous": previous,
            "rows": changes(previous.field_dict if previous else None, version.field_dict),
        }
        return TemplateResponse(request, "admin/articles/article/changes.html", context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save from a form opened while the story was the writer's to edit, sent after it stopped being
        (submitted from another tab, published or taken by an editor): Django answered a bare 403 and the
        text was lost. It is a conflict like any other: what happened, and the text to copy."""
        if request.method == "POST" and object_id is not None:
            article = self.get_object(request, unquote(object_id))
            if (
                article is not None
                and self.has_view_permission(request, article)
                and not self.has_change_permission(request, article)
                and services.is_own(article=article, user=request.user)  # others' stories stay a 403
            ):
                return self._not_saved_view(request, article)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _not_saved_view(self, request, article):
        changed = who_changed(*last_change(article.pk, request.user))
        context = {
            **self.admin_site.each_context(request),
            "title": "Not saved",
            "opts": self.model._meta,
            "original": article,
            "message": f"{changed}, after you opened it. It is "
            f"{article.get_status_display().lower()} now, and no longer yours to edit, so nothing was saved.",
            "headline": request.POST.get("headline", ""),
            "dek": request.POST.get("dek", ""),
            "body": mark_safe(sanitize_html(request.POST.get("body", ""))),  # noqa: S308 - our sanitiser
        }
        return TemplateResponse(request, "admin/articles/article/not_saved.html", context, status=409)

    def unsaved_preview_view(self, request, object_id=None):
        """The form's "Preview" button posts here: the article with its unsaved changes, staff only."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and article is None:
            raise Http404("No such article.")
        allowed = (
            self.has_change_permission(request, article) if article else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        data = request.POST.copy()
        data.pop("expected_version", None)  # a preview is not a save: a newer version must not stop it
        for button in WORKFLOW_ACTIONS:
            data.pop(button, None)
        form = self.get_form(request, article, change=article is not None)(
            data, request.FILES, instance=article
        )
        form_valid = form.is_valid()
        formsets, _ = self._create_formsets(request, form.instance, change=article is not None)
        if not (form_valid and all(formset.is_valid() for formset in formsets)):
            errors = [_labelled(form, name, messages) for name, messages in form.errors.items()]
            errors += [str(e) for formset in formsets for e in formset.non_form_errors()]
            errors += [
                f"{capfirst(formset.model._meta.verbose_name)} {index + 1}, " + _labelled(row, name, messages)
                for formset in formsets
                for index, row in enumerate(formset.forms)
                for name, messages in row.errors.items()
            ]
            return TemplateResponse(
                request,
                "admin/articles/article/preview_errors.html",
                {**self.admin_site.each_context(request), "title": "Preview", "errors": errors},
                status=400,
            )

        def save():
            instance = form.save(commit=False)
            if instance.pk is None:
                instance.created_by = request.user
            instance.save()
            form.save_m2m()
            for formset in formsets:
                formset.instance = instance
                formset.save()
            return instance

        return render_unsaved(request, save)

    def render_change_form(self, request, context, *args, **kwargs):
        # The editor's import map is an inline script: it carries the page's CSP nonce, when there is one.
        nonce = getattr(request, "csp_nonce", None)  # django-csp's lazy nonce is falsy until read
        if nonce is not None:
            nonce = str(nonce)
            context["media"] = AssetMedia.from_media(context["media"], nonce=nonce)
        response = super().render_change_form(request, context, *args, **kwargs)
        article = context.get("original")
        if article is not None and request.method == "GET" and not context["has_change_permission"]:
            # A page to read, not to change, says why, as a refused delete does.
            refusal = services.edit_refusal(article=article, user=request.user)
            self.message_user(request, refusal, messages.WARNING)
        if nonce:
            from csp.constants import NONCE

            response._csp_update = {"script-src": [NONCE]}
        return response

    def get_fieldsets(self, request, obj=None):
        """Who may only view an article (a colleague's draft, a submitted one) reads its body as formatted
        text, not as HTML source."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": ["body_as_readers_see_it" if f == "body" else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="Body")
    def body_as_readers_see_it(self, article):
        # Cleaned of scripts, styles and unknown markup on every save (articles.sanitize), as the site shows.
        return format_html('<div class="article-body-view">{}</div>', mark_safe(article.body))  # noqa: S308

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            fields += ["is_featured", "is_breaking", "publish_at"]
        return fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        # The comments app's one definition of a visible comment, as the site and the API count them.
        return with_comment_counts(queryset, name="comment_total")

    @admin.display(description="Comments", ordering="comment_total")
    def comment_count(self, article):
        return article.comment_total

    @admin.display(description="When", ordering=Coalesce("published_at", "publish_at"))
    def timing(self, article):
        """One column for the time that matters: when it went out, or when it is due to."""
        if article.published_at:
            return moment(article.published_at)
        if article.status == Article.Status.SCHEDULED and article.publish_at:
            return f"Due {moment(article.publish_at)}"
        return "-"

    def autocomplete_label(self, article):
        """A "Read more" choice not on the site says so: readers see it there only once it is published."""
        if article.status == Article.Status.PUBLISHED:
            return article.headline
        if article.status == Article.Status.SCHEDULED and article.publish_at:
            due = moment(article.publish_at)
            return f"{article.headline} (scheduled for {due}; under “Read more” from then)"
        state = article.get_status_display().lower()
        return f"{article.headline} ({state}; under “Read more” once published)"

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return services.can_edit(article=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        """Per story (services.can_delete); without one, whether the user may delete any: editors, and
        reporters their own drafts (a story of someone else's selected for deletion is named as refused)."""
        if obj is not None:
            return services.can_delete(article=obj, user=request.user)
        return super().has_delete_permission(request) or request.user.has_perm("articles.change_article")

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published else None

    @admin.display(description="Preview link")
    def preview_link(self, article):
        if article.pk is None:
            return "Save the article to get a preview link."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open preview</a> — anyone with this link can read '
            "the article until it expires or the article is withdrawn.",
            preview_url(article),
        )

    object_history_template = "admin/articles/article/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        """The versions link to their restore page only for who may restore one (who may edit it now)."""
        article = self.get_object(request, unquote(object_id))
        can_restore = article is not None and self.has_change_permission(request, article)
        return super().history_view(request, object_id, {**(extra_context or {}), "can_restore": can_restore})

    def get_object(self, request, object_id, from_field=None):
        """On a version's restore page the form shows the old words with the article's live workflow state
        (its status, its time), which is what saving keeps, and offers the steps that state allows."""
        before = getattr(request, "article_before_restore", None)
        if before is not None:
            # The version's rows are in (revision_view, recover_view): set right before anything reads them.
            del request.article_before_restore
            self._set_restored_rows_right(request, before)
        article = super().get_object(request, object_id, from_field)
        for name, value in getattr(request, "article_workflow_state", {}).items():
            if article is not None and name != "version":  # the edit-conflict check reads the restored row's
                setattr(article, name, value)
        return article

    def _set_restored_rows_right(self, request, before):
        """The version's corrections give way to today's (a recovered article has only the version's), and
        what it names that was deleted since is left out, and said so: on the version's page, and again
        once it is saved (response_change)."""
        if request.article_restored == "revert":
            corrections = before["corrections"]
            kept = [correction.pk for correction in corrections]
            Correction.objects.filter(article_id=before["pk"]).exclude(pk__in=kept).delete()
            # Written back as they are today, those the revert deleted too, in one query whatever their
            # number (a save each made the page's queries grow with them).
            Correction.objects.bulk_create(
                corrections,
                update_conflicts=True,
                unique_fields=["pk"],
                update_fields=["kind", "note", "noted_at"],
            )
        restored = Article.objects.get(pk=before["pk"])
        request.article_gone = drop_what_is_gone(restored, live=before["article"])
        if request.article_gone and request.method == "GET":
            self.message_user(
                request,
                f"Deleted since this version was saved, so not in it as shown here: {request.article_gone}.",
                messages.WARNING,
            )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore an old version's words, not its workflow state nor its corrections, and only for who may
        edit it now.

        django-reversion reverts the rows first and checks permissions on the reverted article, so
        without this a reporter could turn an article in review back into their editable draft, and an
        editor restoring a headline would silently unpublish the article. It also reverts the corrections
        with the rest (deleting those made since): they are the newsroom's record of what it got wrong,
        so the article keeps the ones it has now. And it writes back a lead image, bylines, "Read more"
        links, tags and a section deleted since, pointing at nothing (a 500 on the version's page, or a
        story stripped of its picture): they are left out, and the editor told which (articles.restore).
        """
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        taken = self._slug_taken(get_object_or_404(Version.objects.get_for_object(article), pk=version_id))
        if taken:
            self.message_user(
                request,
                f"This version cannot be restored: {taken}, or copy what you need from this version (its "
                "Changes page) into the story as it is.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        request.article_workflow_state = {name: getattr(article, name) for name in WORKFLOW_FIELDS}
        request.article_before_restore = {
            "pk": article.pk,
            "corrections": list(article.corrections.all()),
            "article": Article(
                pk=article.pk,
                section_id=article.section_id,
                lead_image_id=article.lead_image_id,
                lead_image_caption=article.lead_image_caption,
            ),
        }
        # Its address now: the version may have another slug or section, and reversion writes it back
        # without Article.save(), which would have kept the old address (save_model).
        ran = article.first_published_at is not None
        request.article_path_before_restore = article.get_absolute_url() if ran else None
        request.article_restored = "revert"
        return super().revision_view(request, object_id, version_id, extra_context)

    @staticmethod
    def _slug_taken(version) -> str:
        """Why the version cannot be written back, if another article has taken its slug since (slugs are
        unique), and what to do; "" if none has. reversion's own refusal, from the UNIQUE constraint, read
        "missing dependency"."""
        try:
            slug = version.field_dict.get("slug")
        except RevertError:
            return ""  # reversion's view says the version cannot be read
        holder = Article.objects.filter(slug=slug).exclude(pk=version.object_id).first()
        if holder is None:
            return ""
        return (
            f"its slug “{holder.slug}” is now the address of another article, “{holder}”. Give that article "
            "another slug first"
        )

    def response_change(self, request, obj):
        """After a restore, say what came back and what did not, on the article's own page (Django's
        "was changed successfully" and the list said neither)."""
        restored = getattr(request, "article_restored", None)
        if restored is None:
            return super().response_change(request, obj)
        gone = getattr(request, "article_gone", "")
        if restored == "recover":
            state = "withdrawn (it had been published)" if obj.first_published_at else "a draft"
            message = (
                f"“{obj}” is back, as {state}. Check it, then send it through the workflow to publish it "
                "again."
            )
        else:
            # A workflow button on the version's page took its step too, and said so: the state is new.
            stepped = any(name in request.POST for name in WORKFLOW_ACTIONS)
            state = "" if stepped else f"workflow state ({obj.get_status_display().lower()}) and its "
            message = (
                f"“{obj}” is again as the version you chose had it"
                + (", but for what has been deleted since (below)" if gone else "")
                + f": its words, picture, bylines, tags and “Read more” links. Its {state}corrections are as "
                "they were; the history keeps what it had before."
            )
        self.message_user(request, message, messages.SUCCESS)
        if gone:
            self.message_user(
                request, f"Deleted since this version was saved, so not restored: {gone}.", messages.WARNING
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def delete_view(self, request, object_id, extra_context=None):
        """Deleting a story readers can see now says so first: what it takes off the site with it, and that
        Unpublish keeps it (deleting is for stories that should never have existed).

        A story the user may not delete (a reporter, someone else's or one past the draft stage) takes them
        back to its page with the rule, the API's words (services): Django answered a bare 403. So does a
        "Yes, I'm sure" sent for a story with social posts, whose delete page says why and offers no Yes."""
        article = self.get_object(request, unquote(object_id))
        if article is not None and self.has_view_or_change_permission(request, article):
            refusal = ""
            if not self.has_delete_permission(request, article):
                refusal = services.NOT_YOURS_TO_DELETE
            elif request.method == "POST" and article.shares.exists():
                refusal = services.SHARED_NOT_DELETED
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        if article is not None and article.status == Article.Status.PUBLISHED:
            from comments.queries import comment_count

            extra_context = {
                "live_story": {
                    "comments": comment_count(article),
                    "read_more": RelatedArticle.objects.filter(related=article).count(),
                },
                **(extra_context or {}),
            }
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        """Share records are never deleted (the admin allows it to no one), so neither is a story that was
        posted to social networks: the posts link to it. The delete page says so, and what to do instead.

        The links to tags go with a story, the tags stay: they are not listed ("Article-tag relationship:
        Article_tags object (1)" told an editor nothing)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if Article._meta.verbose_name in perms_needed:
            # "Delete selected" with a story the user may not delete (a reporter, someone else's story or
            # one past the draft stage): name it, not the type "article" under "related objects".
            perms_needed.discard(Article._meta.verbose_name)
            perms_needed.update(
                f"“{article.headline}”: {services.REPORTERS_DELETE}"
                for article in objs
                if not services.can_delete(article=article, user=request.user)
            )
        tag_link = Article.tags.through._meta
        deleted = _without_items_of(deleted, f"{capfirst(tag_link.verbose_name)}: ")
        counts.pop(tag_link.verbose_name_plural, None)
        if ShareRecord._meta.verbose_name in perms_needed:
            # Each story that was posted, by its headline, as for the stories above.
            perms_needed.discard(ShareRecord._meta.verbose_name)
            shared = set(ShareRecord.objects.filter(article__in=objs).values_list("article_id", flat=True))
            perms_needed.update(
                f"“{article.headline}”: {services.SHARED_STAYS}" for article in objs if article.pk in shared
            )
        return deleted, counts, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_recover": can_recover(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        """Each deleted article with when and by whom it was deleted, and until when it can be recovered
        (DELETED_ARTICLES_KEPT_DAYS), the latest deletion first.
        django-reversion's list dated each by its last save and linked only that date: two stories deleted
        minutes apart both read as saved days ago, and the headline an editor clicks was not a link."""
        if not can_recover(request.user):
            raise PermissionDenied
        deleted = list(Version.objects.get_deleted(Article).select_related("revision"))
        entries = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                action_flag=DELETION,
                object_id__in=[version.object_id for version in deleted],
            )
            .select_related("user")
            .order_by("action_time")
        )
        deletion = {entry.object_id: entry for entry in entries}  # the latest deletion of each id wins
        for version in deleted:
            entry = deletion.get(version.object_id)
            version.deleted_at = entry.action_time if entry else None
            version.deleted_by = display_name(entry.user) if entry and entry.user else ""
            version.recoverable_until = services.recoverable_until(
                deleted_at=version.deleted_at, last_saved=version.revision.date_created
            )
        deleted.sort(key=lambda version: version.deleted_at or version.revision.date_created, reverse=True)
        context = {"deleted": deleted, "kept_days": settings.DELETED_ARTICLES_KEPT_DAYS}
        return super().recoverlist_view(request, {**context, **(extra_context or {})})

    def recover_view(self, request, version_id, extra_context=None):
        """Bring a deleted article back: editors only, and never straight onto the site.

        django-reversion's view takes any version, of an article that still exists too, and checks only the
        add permission: a reporter could "recover" a draft-era version of their own published story and so
        unpublish and rewrite it. Here the version must be of an article that no longer exists, and the
        article comes back withdrawn (or a draft, if it never ran), to be published again through the
        workflow like any other. What it names that was deleted since is left out, as when restoring a
        version (revision_view), and a slug taken since refuses it.
        """
        if not can_recover(request.user):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        if Article.objects.filter(pk=version.object_id).exists():
            raise PermissionDenied("This article was not deleted: use its History to restore a version.")
        taken = self._slug_taken(version)
        if not Section.objects.exists():  # its own is gone too, and every article is in one
            taken = "there is no section left to put it in. Add one first"
        if taken:
            self.message_user(request, f"This article cannot be recovered: {taken}.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_recoverlist"))
        ran = version.field_dict.get("first_published_at") is not None
        request.article_workflow_state = {
            "status": Article.Status.UNPUBLISHED if ran else Article.Status.DRAFT,
            "publish_at": None,
        }
        request.article_before_restore = {"pk": version.object_id, "article": None}
        request.article_restored = "recover"
        return super().recover_view(request, version_id, extra_context)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request.article_formsets = formsets  # for save_model: did anything but a staff note change?
        return formsets, inline_instances

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif "_unpublish" in request.POST:
            # A slug typed with Unpublish never reached readers: articles/removed/ names the one they knew.
            request.article_slug_on_site = form.initial.get("slug", "")  # as stored, before this save
        if change and self._only_staff_notes_changed(request, form):
            # Nothing readers see changed: the story keeps its version and its "Updated" time.
            return
        for name, value in getattr(request, "article_workflow_state", {}).items():
            setattr(obj, name, value)
        if getattr(request, "article_restored", None):
            # The version's words came back with its own revised_at (reversion writes the row as stored):
            # to readers it is a change now.
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)
        if getattr(request, "article_path_before_restore", None):
            keep_old_path(obj, request.article_path_before_restore)
        if getattr(request, "article_restored", None) == "recover":
            services.record_recovery(article=obj, by=request.user)

    @staticmethod
    def _only_staff_notes_changed(request, form) -> bool:
        """An editorial note written or changed, and nothing else: no field, no other inline, no workflow
        button, no restore. (A save with no change at all still saves, and raises the version.)"""
        formsets = getattr(request, "article_formsets", [])
        notes = any(formset.has_changed() for formset in formsets if formset.model is EditorialNote)
        return notes and not (
            form.has_changed()
            or any(name in request.POST for name in WORKFLOW_ACTIONS)
            or hasattr(request, "article_workflow_state")
            or any(formset.has_changed() for formset in formsets if formset.model is not EditorialNote)
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is EditorialNote:
            for note_form in formset.forms:
                if note_form.instance.pk is None and note_form.has_changed():
                    note_form.instance.written_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._run_workflow_action(request, form.instance)

    def _run_workflow_action(self, request, article):
        post = request.POST
        done = None
        try:
            if "_submit_review" in post:
                services.submit_for_review(article=article, by=request.user)
                done = "Sent to the editors for review."
            elif "_publish" in post:
                services.publish_article(article=article, by=request.user)
                done = "Published."
            elif "_schedule" in post:
                services.schedule_article(article=article, by=request.user, at=article.publish_at)
                done = f"Scheduled for {moment(article.publish_at)}."
            elif "_unpublish" in post:
                was_scheduled = article.status == Article.Status.SCHEDULED
                services.unpublish_article(
                    article=article,
                    by=request.user,
                    slug_on_site=getattr(request, "article_slug_on_site", ""),
                )
                # Readers never saw a scheduled story: it comes off the schedule, not off the site.
                done = (
                    "Taken off the schedule." if was_scheduled else "Unpublished: readers no longer see it."
                )
            elif "_return_to_draft" in post:
                noted = any(  # the notes saved with this step (their formset was saved just before)
                    getattr(formset, "new_objects", None)
                    for formset in getattr(request, "article_formsets", [])
                    if formset.model is EditorialNote
                )
                services.return_to_draft(article=article, by=request.user, note_written=noted)
                done = "Sent back to draft: its writer can edit it again" + (
                    "." if noted else " (add an editorial note to say why)."
                )
        except (PermissionDenied, ValidationError) as error:
            # The edits are kept; only the workflow step is refused, and the editor is told why.
            self.message_user(
                request, f"Your changes were saved, but: {error_message(error)}", messages.ERROR
            )
        if done:
            self.message_user(request, done, messages.SUCCESS)
            request.workflow_step_done = done
        article.refresh_from_db()

    def log_change(self, request, obj, message):
        """The history names the workflow step a button took, with what the same save changed (the revision
        takes its comment from this message): not "No fields changed." for a press of Publish."""
        step = getattr(request, "workflow_step_done", None)
        if step:
            changed = LogEntry(change_message=json.dumps(message)).get_change_message() if message else ""
            message = f"{step} {changed}" if changed else step
        return super().log_change(request, obj, message)

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        """Not a scheduled story: its time may be an embargo, and a tick among others is no way to break
        one. Its own form's "Save and publish now" sends it early, on purpose."""
        for article in queryset.filter(status=Article.Status.SCHEDULED):
            due = moment(article.publish_at)
            self.message_user(
                request,
                f"“{article.headline}” was not published: it is scheduled for {due}. To send it out "
                "before then, open it and use “Save and publish now”.",
                messages.ERROR,
            )
        self._bulk(
            request,
            queryset.exclude(status=Article.Status.SCHEDULED),
            services.publish_article,
            "published",
        )

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, services.unpublish_article, "unpublished")

    @admin.action(description=sharing_admin.SHARE_WHERE_NEVER_POSTED, permissions=["publish"])
    def share_selected(self, request, queryset):
        """A story published with "Share on publish" off, or before an account was added, has no social post
        to press "Share again" on: this posts it, once, to each configured account that never had it."""
        for article in queryset:
            try:
                shares = sharing_services.share_where_never_posted(article=article, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"“{article.headline}”: {error_message(error)}", messages.ERROR)
                continue
            where = ", ".join(share.account for share in shares)
            self.message_user(request, f"“{article.headline}” is on its way to {where}.", messages.SUCCESS)

    def _bulk(self, request, queryset, service, verb):
        done, unchanged, refused = 0, [], []
        for article in queryset:
            before = article.status
            try:
                after = service(article=article, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"“{article.headline}”: {error_message(error)}")
                continue
            if after.status == before:  # publishing a published story does nothing, and says so
                unchanged.append(f"“{article.headline}” was already {verb}.")
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} article{pluralize(done)} {verb}.", messages.SUCCESS)
        for line in unchanged:
            self.message_user(request, line, messages.INFO)
        for line in refused:
            self.message_user(request, line, messages.ERROR)
