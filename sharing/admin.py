"""Editors' side of sharing: each article's shares (inline), all shares (list), retry and share again."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from newsroom import converters  # noqa: F401 - registers <id:>
from newsroom.admin import InlineRowsReadOnce, StrictInputMixin

from . import accounts, services
from .models import ShareRecord

State = ShareRecord.State
READONLY = [
    "article", "account", "network", "round", "state", "text", "attempts", "last_error", "remote_id",
    "remote_url", "next_attempt_at", "requested_by", "created_at", "updated_at", "sent_at", "failed_at",
]  # fmt: skip


def outcome(share: ShareRecord) -> str:
    """Pending / sent with a link / failed with the error, as one line of HTML."""
    if share.state == State.SENT:
        tries = f" after {share.attempts} attempts" if share.attempts > 1 else ""
        if share.remote_url:
            return format_html(
                'Sent{}: <a href="{}" target="_blank" rel="noopener">view the post</a>',
                tries,
                share.remote_url,
            )
        return f"Sent{tries}"
    if share.state == State.FAILED:
        return format_html('<strong style="color:#ba2121">Failed</strong>: {}', share.last_error)
    if share.state == State.WITHDRAWN:
        return "Not posted: the article was withdrawn before its turn; publishing it again posts it"
    if share.last_error:
        return format_html("Pending, retrying ({} attempts so far): {}", share.attempts, share.last_error)
    return "Pending"


def action_buttons(share: ShareRecord) -> str:
    """Buttons that post the surrounding form to the share's own admin views (CSRF token included). Each
    asks first (admin_desk/confirm.js): a post goes out to readers at once, and the page's unsaved edits are
    left behind."""
    buttons = []
    unsaved = " Changes not yet saved on this page are lost."
    if share.state == State.FAILED:
        question = f"Try posting this story to {share.account} again?{unsaved}"
        buttons.append(("Retry", reverse("admin:sharing_sharerecord_retry", args=[share.pk]), question))
    if share.state in (State.SENT, State.FAILED):
        question = f"Post this story to {share.account} once more, as a new post?{unsaved}"
        url = reverse("admin:sharing_sharerecord_share_again", args=[share.pk])
        buttons.append(("Share again", url, question))
    return format_html_join(
        " ",
        '<button type="submit" class="button" formmethod="post" formnovalidate formaction="{}" '
        'data-confirm="{}">{}</button>',
        ((url, question, label) for label, url, question in buttons),
    )


# The article list's action that posts a story published without sharing (articles.admin.share_selected).
SHARE_WHERE_NEVER_POSTED = "Share selected articles where they were never posted"


def none_yet(article) -> str:
    """What the article page says where the story has no social posts: when they come, if they ever do
    (services.queue_shares_for_publish posts on the first publication only, with "Share on publish")."""
    if article is None or article.first_published_at is None:
        configured = accounts.configured_accounts()
        if not configured:
            return (
                "Not posted to any social network, and publishing will not post it: the newsroom has no "
                "social accounts set up."
            )
        return (
            "Not posted to any social network yet. When the story is first published with “Share on "
            f"publish” ticked (under Social sharing), it is posted to the newsroom's accounts: "
            f"{', '.join(map(str, configured))}."
        )
    return (
        "Not posted to any social network: it was first published with “Share on publish” off, or before "
        "the newsroom's accounts were set up. While it is on the site, an editor can post it from the "
        f"article list: tick it and choose “{SHARE_WHERE_NEVER_POSTED}”."
    )


class ShareRecordInline(admin.TabularInline):
    """On the article page; read-only. The buttons leave unsaved edits to the article behind. With no
    posts, it says so and when they come, not an empty table (its template)."""

    model = ShareRecord
    formset = InlineRowsReadOnce  # each row's heading names the story: the page's, not read again
    template = "sharing/admin/share_records_inline.html"
    extra = 0
    can_delete = False
    fields = ["account", "network", "round", "status", "attempts", "updated_at", "actions"]
    readonly_fields = fields
    ordering = ["account", "round"]
    verbose_name = "social post"
    verbose_name_plural = "social posts (Retry and Share again discard unsaved changes on this page)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("sharing.view_sharerecord")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"none_yet": none_yet(obj)})

    def get_fields(self, request, obj=None):
        """The buttons only for who may press them (editors); a reporter saw them, then a refusal."""
        from articles.services import can_publish

        fields = super().get_fields(request, obj)
        return fields if can_publish(request.user) else [f for f in fields if f != "actions"]

    @admin.display(description="Status")
    def status(self, share):
        return outcome(share)

    @admin.display(description="Actions")
    def actions(self, share):
        return action_buttons(share) if share.pk else ""


@admin.register(ShareRecord)
class ShareRecordAdmin(StrictInputMixin, admin.ModelAdmin):
    list_display = ["story", "account", "network", "round", "status", "attempts", "created_at"]
    list_filter = ["state", "network", "account"]
    list_select_related = ["article"]
    search_fields = ["article__headline", "account", "remote_id"]
    date_hierarchy = "created_at"
    readonly_fields = [*READONLY, "status"]
    fields = readonly_fields
    actions = ["retry_selected", "share_again_selected"]

    class Media:
        js = ["admin_desk/confirm.js"]  # both actions post to the networks at once: asked first

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        from articles.services import can_publish

        return can_publish(request.user)

    @admin.display(description="Status", ordering="state")
    def status(self, share):
        return outcome(share)

    @admin.display(description="Article", ordering="article__headline")
    def story(self, share):
        """The headline wraps as text does: Django keeps a ForeignKey column to one line, and a long
        headline pushed the list's last columns out of view at 1280 pixels."""
        return str(share.article)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<id:pk>/retry/", view(self.retry_view), name="sharing_sharerecord_retry"),
            path("<id:pk>/share-again/", view(self.share_again_view), name="sharing_sharerecord_share_again"),
            *super().get_urls(),
        ]

    def retry_view(self, request, pk):
        return self._one(
            request, pk, lambda share: services.retry_share(share=share, by=request.user), "retried"
        )

    def share_again_view(self, request, pk):
        return self._one(
            request,
            pk,
            lambda share: services.share_again(article=share.article, account=share.account, by=request.user),
            "queued to be shared again",
        )

    def _one(self, request, pk, act, done):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        share = get_object_or_404(ShareRecord.objects.select_related("article"), pk=pk)
        try:
            act(share)
            self.message_user(request, f"{share.account}: {done}.", messages.SUCCESS)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, f"{share.account}: {_message(error)}", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[share.article_id]))

    @admin.action(description="Retry selected failed shares", permissions=["publish"])
    def retry_selected(self, request, queryset):
        self._bulk(request, queryset, lambda share: services.retry_share(share=share, by=request.user))

    @admin.action(description="Share selected articles again on the same accounts", permissions=["publish"])
    def share_again_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda share: services.share_again(article=share.article, account=share.account, by=request.user),
        )

    def _bulk(self, request, queryset, act):
        done = 0
        for share in queryset.select_related("article"):
            try:
                act(share)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{share}: {_message(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} share(s) queued.", messages.SUCCESS)


def _message(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
