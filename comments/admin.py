"""The moderators' side: a queue of held comments with bulk decisions. Email and IP addresses appear only
for users with `newsroom_comments.view_commenter_personal_data` (superusers; no role has it by default)."""

import json
from collections import Counter
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import DomainNameValidator
from django.db.models import Count, Max, Prefetch, Q
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django_comments.models import CommentFlag
from django_comments_xtd.models import BlackListedDomain, XtdComment

from articles.models import Article
from newsroom.admin import StrictInputMixin, error_message
from newsroom.formats import ago, moment
from newsroom.users import display_name

from . import services
from .models import CommentReport, HoldRule, OutgoingMail, ReaderComment, comment_state
from .queries import NOT_ON_SITE, articles_named_to, with_answered_comments, with_article_names
from .rendering import mask_emails, public_name

PERSONAL_DATA_PERM = "newsroom_comments.view_commenter_personal_data"

# xtd's own admin lists email and IP addresses to anyone who may view comments; ours replaces it.
for model in (XtdComment, CommentFlag):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


# xtd's list of blocked domains, which moderators keep, with our checks on what its address may hold.
if admin.site.is_registered(BlackListedDomain):
    admin.site.unregister(BlackListedDomain)


class BlockedDomainForm(forms.ModelForm):
    """A domain as addresses end with it (`moderation.is_blocked_domain` reads what follows an address's
    "@"): "@spam.example" or a web address was saved and blocked nobody."""

    class Meta:
        model = BlackListedDomain
        fields = ["domain"]
        help_texts = {
            "domain": "What follows the “@” of an address: spam.example blocks mail.spam.example too."
        }

    def clean_domain(self):
        domain = self.cleaned_data["domain"].lower().rstrip(".")
        try:
            DomainNameValidator()(domain)
        except ValidationError:
            raise ValidationError(
                "Type the domain alone, as it comes after the “@” of an address: spam.example (which blocks "
                "mail.spam.example too).",
                code="invalid",
            ) from None
        return domain


@admin.register(BlackListedDomain)
class BlockedDomainAdmin(StrictInputMixin, admin.ModelAdmin):
    form = BlockedDomainForm
    search_fields = ["domain"]


# Fields that identify a commenter; none is shown, searched or filtered on without the permission above.
PERSONAL_FIELDS = {"user_email", "ip_address"}


def sees_personal_data(request) -> bool:
    return request.user.has_perm(PERSONAL_DATA_PERM)


# A comment's states, as the queue's filter and its State column name them.
STATE_NAMES = {
    "held": "Held",
    "reported": "Reported by readers",
    "published": "Published",
    "removed": "Removed",
    "spam": "Spam",
}


class StateFilter(admin.SimpleListFilter):
    """The queue: without a choice, the list shows held comments."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*STATE_NAMES.items(), ("all", "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            selected = (self.value() or "held") == value
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset.in_state(self.value())


class RuleFilter(admin.SimpleListFilter):
    title = "rule that held it"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return HoldRule.choices

    def queryset(self, request, queryset):
        """The rule holding it now, or the one that held it before a decision (approved, removed)."""
        if self.value():
            held = Q(moderation__held_reason=self.value())
            was_held = Q(moderation__held_reason="", moderation__was_held_for=self.value())
            return queryset.filter(held | was_held)
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    title = "article"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        """The 30 articles most recently commented on in the state the list shows (held by default), and
        the one chosen if it has comments at all: any other id would show a moderator a draft's headline."""
        shown = ReaderComment.objects.in_state(request.GET.get(StateFilter.parameter_name))
        latest = shown.values("object_pk").annotate(latest=Max("submit_date")).order_by("-latest")[:30]
        ids = [int(row["object_pk"]) for row in latest if str(row["object_pk"]).isdigit()]
        chosen = self.value()
        if (
            chosen
            and chosen.isdigit()
            and len(chosen) <= 18
            and int(chosen) not in ids
            and ReaderComment.objects.filter(object_pk=chosen).exists()
        ):
            ids.append(int(chosen))
        existing = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
        headlines = dict(articles_named_to(request.user).filter(pk__in=ids).values_list("pk", "headline"))
        return [
            (str(pk), Truncator(headlines[pk]).chars(60) if pk in headlines else f"{NOT_ON_SITE} (no. {pk})")
            for pk in ids
            if pk in existing
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(object_pk=self.value())
        return queryset


def _decided_at(comment) -> str:
    moderation = getattr(comment, "moderation", None)
    return moderation.decided_at.isoformat() if moderation and moderation.decided_at else ""


@admin.register(ReaderComment)
class ReaderCommentAdmin(StrictInputMixin, admin.ModelAdmin):
    list_display = [
        "excerpt",
        "in_reply_to",
        "article_link",
        "commenter",
        "state_label",
        "rule",
        "age",
        "reports",
    ]

    class Media:
        js = ["admin_desk/confirm.js"]  # removing or spamming asks first

    list_filter = [StateFilter, RuleFilter, ArticleFilter]
    search_fields = ["comment", "user_name"]
    actions = ["approve", "keep", "remove", "mark_spam", "export_personal_data", "erase_personal_data"]
    list_per_page = 50
    ordering = ["submit_date"]
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("moderation__decided_by")
            # The reasons of the reports still open, for the list's page in one query.
            .prefetch_related(
                Prefetch(
                    "reports",
                    queryset=CommentReport.objects.filter(reviewed_at__isnull=True).only("comment", "reason"),
                    to_attr="open_reports",
                )
            )
        )
        queryset = queryset.with_answered_on_site().annotate(report_count=Count("reports", distinct=True))
        return with_article_names(with_answered_comments(queryset), request.user)

    # The page's heading by the state shown: "Moderation queue" over published comments misled.
    TITLES = {
        "reported": "Comments reported by readers",
        "published": "Published comments",
        "removed": "Removed comments",
        "spam": "Comments marked as spam",
        "all": "All comments",
    }

    def changelist_view(self, request, extra_context=None):
        title = self.TITLES.get(request.GET.get(StateFilter.parameter_name), "Moderation queue")
        return super().changelist_view(request, extra_context={"title": title, **(extra_context or {})})

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        if sees_personal_data(request):
            fields += ["user_email", "=ip_address"]
        return fields

    def lookup_allowed(self, lookup, value, request=None):
        """Django lets a list be filtered on any of its model's own fields from the address; for email and
        IP that would reveal them one guessed letter at a time (`?user_email__startswith=a`)."""
        if lookup.split(LOOKUP_SEP)[0] in PERSONAL_FIELDS and not (request and sees_personal_data(request)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            article_ids = (
                articles_named_to(request.user)
                .filter(headline__icontains=search_term)
                .values_list("pk", flat=True)[:100]
            )
            results |= queryset.filter(object_pk__in=[str(pk) for pk in article_ids])
        return results, may_have_duplicates

    # Columns. Never the email or the IP address: lists get copied, printed and exported.
    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.comment).chars(120)

    @admin.display(description="In reply to")
    def in_reply_to(self, comment):
        """What a reply answers, its name and text as readers see them (addresses masked), and its state when
        it is off the site: "he deserves it" cannot be judged without the comment it answers."""
        if comment.parent_id == comment.pk:  # xtd: a comment that starts a thread answers itself
            return "—"
        answered = comment.answers
        if answered is None:
            return f"Comment no. {comment.parent_id}, no longer stored"
        state = comment_state(spam=answered["spam"], removed=answered["removed"], public=answered["public"])
        state = "" if state == "published" else f" ({state})"
        return format_html(
            '<a href="{}">{}</a>{}: “{}”',
            reverse("admin:newsroom_comments_readercomment_change", args=[comment.parent_id]),
            public_name(answered["name"]),
            state,
            Truncator(mask_emails(answered["text"])).chars(200),
        )

    @admin.display(description="Article")
    def article_link(self, comment):
        """The queue of this article's comments, from the list and from a comment's own page alike."""
        queue = reverse("admin:newsroom_comments_readercomment_changelist") + f"?article={comment.object_pk}"
        if not comment.article_headline and not comment.article_on_site:
            # Withdrawn (or deleted), to a moderator: the comments stay reachable, the headline unnamed.
            return format_html('<a href="{}">{}</a>', queue, NOT_ON_SITE)
        link = format_html('<a href="{}">{}</a>', queue, Truncator(comment.article_headline).chars(60))
        if comment.article_on_site:
            return link
        # Withdrawn since: readers see neither the article nor its comments, whatever their state here.
        return format_html('{} <span class="quiet">(withdrawn: not on the site)</span>', link)

    @admin.display(description="Name", ordering="user_name")
    def commenter(self, comment):
        return comment.user_name

    @admin.display(description="Website")
    def website(self, comment):
        return comment.user_url or "—"

    @admin.display(description="State")
    def state_label(self, comment):
        """In the filter's words ("Held", not "held")."""
        return STATE_NAMES.get(comment.state, comment.state)

    @admin.display(description="Held by rule")
    def rule(self, comment):
        """A held reply whose comment left the site since is listed with the held ones but not counted on
        the desk or in the digest (ReaderComment.objects.awaiting_decision()): the column says why. One
        decided on since says which rule held it."""
        moderation = getattr(comment, "moderation", None)
        if moderation and moderation.past_rule:
            return f"Was held: {moderation.past_rule}"
        if not (moderation and moderation.held_reason):
            return "—"
        rule = moderation.get_held_reason_display()
        if (
            comment.state == "held"
            and not comment.answered_on_site
            and moderation.held_reason != HoldRule.THREAD_REMOVED
        ):
            return f"{rule}; not counted as waiting while the comment it answers is off the site"
        return rule

    @admin.display(description="Was held by rule")
    def was_held_by_rule(self, comment):
        return comment.moderation.past_rule

    @admin.display(description="Posted", ordering="submit_date")
    def age(self, comment):
        return ago(comment.submit_date)

    @admin.display(description="Reports", ordering="report_count")
    def reports(self, comment):
        """How many readers reported it, and why, for those still open: "3 (open: Abusive or hateful 2,
        Spam 1)"; what was reported decides between keeping and removing it."""
        reasons = Counter(report.get_reason_display() for report in comment.open_reports)
        if not reasons:
            return f"{comment.report_count} (all closed)" if comment.report_count else "0"
        why = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
        return f"{comment.report_count} (open: {why})"

    @admin.display(description="Last decision")
    def last_decision(self, comment):
        """Who last decided on it, and when: the queue's answer to "who took this down?"."""
        moderation = getattr(comment, "moderation", None)
        if moderation is None or moderation.decided_at is None:
            return "None yet"
        who = moderation.decided_by
        name = display_name(who) if who else "an account since deleted"
        when = moment(moderation.decided_at)
        verb = {"spam": "Marked as spam", "removed": "Removed", "published": "Approved"}.get(
            comment.state, "Held"
        )
        return f"{verb} by {name}, {when}"

    # The change page: read-only; decisions are the actions.
    def get_fields(self, request, obj=None):
        fields = [
            "article_link",
            "commenter",
            "website",
            "comment",
            "submit_date",
            "state_label",
            "rule",
            "reports",
            "last_decision",
        ]
        if obj is not None and obj.parent_id != obj.pk:
            fields.insert(fields.index("comment"), "in_reply_to")
        moderation = getattr(obj, "moderation", None)
        if moderation and moderation.past_rule:
            # Decided on since: why it was held stays on its page, as history, not "Held by rule: —".
            fields[fields.index("rule")] = "was_held_by_rule"
        if sees_personal_data(request):
            fields[2:2] = ["user_email", "ip_address"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Nothing to save here: the page offers the decisions that fit the comment's state instead, sent
        to the queue's own actions."""
        comment = self.get_object(request, object_id)
        decisions = []
        if comment is not None and self.has_moderate_permission(request):
            decisions = self.decisions_for(comment)
        extra_context = {
            "title": "Reader comment",
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "decisions": decisions,
            # The queue's filters the moderator opened the comment from: a decision leads back there.
            "queue_filters": request.GET.get("_changelist_filters", ""),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_action(self, request, queryset):
        """A decision from a comment's own page is taken on the comment as that page showed it: another
        moderator's decision since (removed, approved) is not overturned by a click on an older page."""
        seen = request.POST.get("seen_state")
        if seen is not None:
            ids = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            # The state and the last decision only: not the list's report counts and headlines.
            comments = ReaderComment.objects.select_related("moderation__decided_by").filter(
                pk__in=[i for i in ids if i.isdigit()]
            )
            seen_decision = request.POST.get("seen_decision", "")
            # Its state, or a decision that leaves the state as it was (Keep closes the reports).
            changed = next((c for c in comments if c.state != seen or _decided_at(c) != seen_decision), None)
            if changed is not None:
                since = self.last_decision(changed)
                self.message_user(
                    request,
                    f"Not done: this comment changed since you opened its page ({since}). Here it is as it "
                    "is now.",
                    messages.ERROR,
                )
                page = reverse("admin:newsroom_comments_readercomment_change", args=[changed.pk])
                back = request.POST.get("queue_filters")
                if back:  # the pile it was opened from, so that the decision taken there leads back to it
                    page += "?" + urlencode({"_changelist_filters": back})
                return HttpResponseRedirect(page)
        response = super().response_action(request, queryset)
        back = request.POST.get("queue_filters")
        if back is not None and isinstance(response, HttpResponseRedirect):
            # Decided from the comment's own page: back to the pile it was opened from (the form posts to
            # every state, so that the action finds the comment), not to the list of all comments.
            queue = reverse("admin:newsroom_comments_readercomment_changelist")
            return HttpResponseRedirect(f"{queue}?{QueryDict(back).urlencode()}" if back else queue)
        return response

    def decisions_for(self, comment) -> list[tuple[str, str]]:
        state = comment.state
        if state == "held":
            names = ["approve", "remove", "mark_spam"]
        elif state == "published":
            reported = comment.reports.filter(reviewed_at__isnull=True).exists()
            names = ["keep", "remove", "mark_spam"] if reported else ["remove", "mark_spam"]
        else:
            names = ["approve"]
        labels = {
            "approve": "Approve",
            "keep": "Keep (close the reports)",
            "remove": "Remove",
            "mark_spam": "Spam",
        }
        return [(name, labels[name]) for name in names]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return services.can_moderate(request.user)

    def has_personal_data_permission(self, request):
        return sees_personal_data(request)

    def get_list_display(self, request):
        return self.list_display

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self._decide(request, queryset, services.approve_comments, "approved")

    @admin.action(
        description="Keep selected reported comments (close their reports)", permissions=["moderate"]
    )
    def keep(self, request, queryset):
        self._decide(request, queryset, services.keep_comments, "kept")

    @admin.action(description="Remove selected comments", permissions=["moderate"])
    def remove(self, request, queryset):
        self._decide(request, queryset, services.remove_comments, "removed")

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._decide(request, queryset, services.remove_comments, "marked as spam", spam=True)

    def _decide(self, request, queryset, decide, verb, **options):
        selected = list(queryset)
        try:
            count = decide(comments=selected, by=request.user, **options)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, error_message(error), messages.ERROR)
            return
        if not count:  # e.g. Keep on held comments, which have no open reports: a green "0" would say done
            self.message_user(
                request,
                f"Nothing {verb}: none of the selected comments could be {verb}.",
                messages.WARNING,
            )
            return
        done = f"{count} comment{pluralize(count)} {verb}"
        if (left := len(selected) - count) > 0:  # five approved, one held: not just "1 approved."
            unchanged = pluralize(left, "was left as it was,were left as they were")
            done += f"; the {left} other{pluralize(left)} selected {unchanged}"
        self.message_user(request, f"{done}.", messages.SUCCESS)

    @admin.action(
        description="Export all comment data of the selected commenters (JSON)", permissions=["personal_data"]
    )
    def export_personal_data(self, request, queryset):
        """A file for the staff member who asked, by writer, found by account and by email as erasure finds
        them. A selected comment with neither left names nobody, and the message says so."""
        data, untraced = services.export_writers_of(comment_ids=list(queryset.values_list("pk", flat=True)))
        if untraced:
            plural = untraced != 1
            outcome = "Not in the export" if data else "Nothing to export"
            which = f"{untraced} selected comment" if data else "the selected comment"
            self.message_user(
                request,
                f"{outcome}: {which}{'s hold' if plural else ' holds'} no email or account any more, so "
                f"{'their writers' if plural else 'its writer'} cannot be found (a name is no proof of the "
                "same person).",
                messages.WARNING,
            )
        if not data:
            return None
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(
        description="Erase personal data of the selected commenters (all their comments)",
        permissions=["personal_data"],
    )
    def erase_personal_data(self, request, queryset):
        """Done here and now, not queued: the message can then say what was erased (one person's comments are
        few), and no broker stands between staff and an erasure they were told is done."""
        erased = services.erase_writers_of(comment_ids=list(queryset.values_list("pk", flat=True)))
        if not erased:
            self.message_user(
                request,
                "Nothing to erase: the selected comments hold no name, email, website or IP any more.",
            )
            return
        self.message_user(
            request,
            f"Erased: {erased} comment{pluralize(erased)} (the selected ones and their writers' others by "
            "the same email or account) no longer show a name, email, website or IP.",
            messages.SUCCESS,
        )

    def view_on_site(self, comment):
        """Only where readers can see it: a comment on the site, on a story on the site."""
        if comment.is_public and not comment.is_removed and getattr(comment, "article_on_site", False):
            redirect = reverse("comments-url-redirect", args=[comment.content_type_id, comment.object_pk])
            return f"{redirect}#c{comment.pk}"
        return None


class MailStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("given_up", "Given up"), ("waiting", "Waiting for a retry")]

    def queryset(self, request, queryset):
        if self.value() == "given_up":
            return queryset.given_up()
        if self.value() == "waiting":
            return queryset.still_trying()
        return queryset


@admin.register(OutgoingMail)
class UndeliveredMailAdmin(admin.ModelAdmin):
    """Comment mail not sent (yet): what the outbox is retrying or gave up on, and why. The recipients are
    commenters' addresses, so only who may see those sees this list; it is read-only, and retention deletes
    the rows when their links expire."""

    list_display = ["kind", "to", "created_at", "attempts", "last_error"]
    list_filter = [MailStateFilter, "kind"]
    fields = readonly_fields = ["kind", "to", "subject", "created_at", "attempts", "tried_at", "last_error"]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(sent_at__isnull=True).defer("body", "attachment")

    def has_view_permission(self, request, obj=None):
        return sees_personal_data(request)

    def has_module_permission(self, request):
        return sees_personal_data(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        title = "Comment mail not delivered"
        return super().changelist_view(request, extra_context={"title": title, **(extra_context or {})})
