"""Public comment pages: post, outcome, confirm, reply, report, react, unsubscribe, and data requests."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_comments.models import CommentFlag
from django_comments_xtd.models import DISLIKEDIT_FLAG, LIKEDIT_FLAG

from articles.models import Article
from authors.models import Author
from newsroom import security
from newsroom.throttles import CommentPostThrottle, DataRequestThrottle
from newsroom.views import seconds_to_wait, wait_in_words

from . import services, tokens
from .forms import REPLY_TO_MAX, DataRequestForm, NotificationSettingForm, ReaderCommentForm, ReportForm
from .models import AuthorNotificationSetting, CommentReport, OutgoingMail, ReaderComment
from .moderation import Refused, closed_reason
from .queries import comment_url, max_level

OUTCOME_MESSAGES = {
    services.PUBLISHED: ("Your comment is published", "Thank you. Your comment is published."),
    services.HELD: (
        "Your comment is awaiting moderation",
        "Thank you. Your comment is held for moderation and will appear once a moderator approves it.",
    ),
    services.CONFIRM: (
        "Check your email to confirm your comment",
        "We sent you an email with a link. Open it and press “Post my comment” to post your comment; "
        "it may then wait for a moderator before it appears.",
    ),
    # A confirmation link opened again after a moderator decided: what the writer may know, and no promise.
    services.NOT_PUBLISHED: (
        "Your comment is not on the site",
        "A moderator decided not to publish this comment, so it will not appear on the site.",
    ),
    services.PARENT_OFF_SITE: (
        "Your reply is not on the site",
        "The comment your reply answers is no longer on the site, so your reply does not appear either.",
    ),
}
FIELD_KEYS = ("name", "email", "url", "comment", "followup", "reply_to")
AS_ITS_OWN = "Your text is below, to send as a comment of its own."


def client_ip(request) -> str | None:
    """The reader's address for the flood rule: the one helper every rate limit uses (newsroom.security)."""
    return security.client_ip(request)


def _page(request, *, title, message="", status=200, tone="info", **context):
    response = render(
        request,
        "comments/message.html",
        {"title": title, "message": message, "tone": tone, **context},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _published_article(content_type, object_pk):
    if content_type != "articles.article":
        raise Http404("Comments are only taken on articles.")
    try:
        return Article.objects.published().get(pk=int(object_pk))
    except (ValueError, TypeError, Article.DoesNotExist) as error:
        raise Http404("No such article.") from error


def _typed_text(request) -> str:
    """What the reader wrote, to be shown back to them for copying when it cannot be posted."""
    return request.POST.get("comment", "")[: settings.COMMENT_MAX_LENGTH * 2]


def _parent_id(request) -> int:
    """The comment a post answers, from its reply_to field, for the page sent back with it: 0 (a comment of
    its own) when the field is missing, not a whole number, or outside the ids the form takes (0 to
    REPLY_TO_MAX): an id no row can have is refused as an invalid one is, and never reaches a query."""
    try:
        parent_id = int(request.POST.get("reply_to") or 0)
    except ValueError:
        return 0
    return parent_id if 0 <= parent_id <= REPLY_TO_MAX else 0


def _answering(article, parent_id, heading=None):
    """A form sent back with an error keeps what it answers: the comment it replies to, quoted above it."""
    parent = (
        ReaderComment.objects.approved().for_article(article).filter(pk=parent_id).first()
        if parent_id
        else None
    )
    return {
        "replying_to": parent,
        "form_heading": heading or ("Your reply" if parent else "Leave a Reply"),
    }


def _fresh_form(article, request, *, parent_id=0, error=None, check=False):
    """A new form (new timestamp and hash) holding what the reader typed, so nothing they wrote is lost;
    with `error`, a (field, message) pair, that field is marked with the message; with `check`, the fields
    that are not valid are marked."""
    initial = {key: request.POST.get(key, "") for key in FIELD_KEYS if key in request.POST}
    initial["followup"] = bool(request.POST.get("followup"))
    initial["reply_to"] = parent_id
    form = ReaderCommentForm(article, initial=initial, user=request.user)
    if error is None and not check:
        return form
    marked = ReaderCommentForm(article, data={**initial, **form.generate_security_data()}, user=request.user)
    marked.is_valid()
    if error is not None:
        marked.add_error(*error)
    return marked


def _story_gone(request):
    """Withdrawn while the reader wrote (or never there): the story is not named, the text is kept."""
    return _page(
        request,
        title="Comment not posted",
        status=404,
        tone="error",
        message="This story is no longer on the site, so your comment was not saved.",
        kept_text=_typed_text(request),
    )


def resend_after_csrf_failure(request):
    """The comment form of a page served from the page cache carries no CSRF token for this reader; with
    JavaScript, comments/form.js fetches one, without it the post fails the check. Instead of a bare 403,
    give the reader their text back in a form with a fresh token (and cookie), so a second click posts it.
    A story withdrawn meanwhile (the token fetch found nothing) gets what a post with a token gets."""
    try:
        article = _published_article(request.POST.get("content_type"), request.POST.get("object_pk"))
    except Http404:
        return _story_gone(request)
    parent_id = _parent_id(request)
    return _page(
        request,
        title="Please send your comment again",
        status=403,
        tone="error",
        article=article,
        message="Your comment was not saved yet: the form's security check failed, most likely because the "
        "page came from our cache before your browser had this site's security cookie. It has one now: your "
        "text is below, send it once more.",
        form=_fresh_form(article, request, parent_id=parent_id),
        **_answering(article, parent_id, heading="Send again"),
    )


@csrf_protect
def post_comment(request):
    if request.method != "POST":
        # The form's address, opened from the history or a copied link after an error page.
        response = _page(
            request,
            title="Nothing to show here",
            message="Comments are sent from the form under each article; this address only receives them.",
            status=405,
            tone="info",
        )
        response["Allow"] = "POST"
        return response
    try:
        article = _published_article(request.POST.get("content_type"), request.POST.get("object_pk"))
    except Http404:
        return _story_gone(request)
    form = ReaderCommentForm(article, data=request.POST, user=request.user)
    parent_id = _parent_id(request)
    if form.security_errors():
        if "honeypot" in form.errors:
            return _page(
                request,
                title="Comment refused",
                status=400,
                tone="error",
                article=article,
                message="Your comment was refused: it looked automated.",
            )
        return _page(
            request,
            title="Please send your comment again",
            status=400,
            tone="error",
            article=article,
            message="The form had expired or was altered, so your comment was not saved. Your text is below: "
            "please check it and send it again.",
            form=_fresh_form(article, request, parent_id=parent_id),
            **_answering(article, parent_id, heading="Send again"),
        )
    if "reply_to" in form.errors:
        # An id no comment can have (not a whole number, or outside 0 to REPLY_TO_MAX): the field is hidden,
        # so marking it helps nobody, and the form sent back with it would fail the same way for ever. Read
        # as an id of no comment on this article is (bad_parent, below): nothing saved, the text back to send
        # as a comment of its own, any other field at fault marked.
        fix_too = set(form.errors) != {"reply_to"}
        message = f"{services.PARENT_NOT_AVAILABLE} {AS_ITS_OWN}"
        return _page(
            request,
            title="Comment not posted",
            status=400,
            tone="error",
            article=article,
            message=f"{message} Please correct the fields marked below." if fix_too else message,
            form=_fresh_form(article, request, parent_id=0, check=fix_too),
            **_answering(article, 0),
        )
    if not form.is_valid():
        return _page(
            request,
            title="Please correct your comment",
            status=400,
            tone="error",
            article=article,
            message="Your comment was not saved: please correct the fields marked below.",
            form=form,
            **_answering(article, parent_id),
        )
    throttle = CommentPostThrottle()  # the API's per-address budget, shared: one limit, either way in
    if not throttle.allow_request(request, None):
        wait = seconds_to_wait(throttle)
        response = _page(
            request,
            title="Comment not posted",
            status=429,
            tone="error",
            article=article,
            message=f"Too many comments from your address: please send it again in {wait_in_words(wait)}. "
            "Your text is below.",
            form=_fresh_form(article, request, parent_id=parent_id),
            **_answering(article, parent_id),
        )
        response["Retry-After"] = str(wait)
        return response
    data = form.cleaned_data
    try:
        outcome = services.post_comment(
            article=article,
            user=request.user,
            name=data["name"],
            email=data["email"],
            url=data.get("url", ""),
            text=data["comment"],
            ip=client_ip(request),
            parent_id=data.get("reply_to") or 0,
            followup=data.get("followup", False),
        )
    except Refused as refusal:
        keep = refusal.code in ("flood", "disallowed_words", "blocked_domain")  # the reader can fix these
        marked = (refusal.field, refusal.message) if refusal.field else None
        if refusal.code in ("bad_parent", "too_deep"):
            # The comment answered was removed or held meanwhile, or is not on this article (or the thread is
            # as deep as it goes): the text comes back as a comment of its own, to send as it is.
            keep, parent_id, marked = True, 0, None
            refusal.message += f" {AS_ITS_OWN}"
        response = _page(
            request,
            title="Comment not posted",
            message="Your comment was not saved: please correct the field marked below."
            if marked
            else refusal.message,
            status=refusal.status,
            tone="error",
            article=article,
            form=_fresh_form(article, request, parent_id=parent_id, error=marked) if keep else None,
            kept_text="" if keep else _typed_text(request),  # comments closed: to copy, not to send
            **_answering(article, parent_id),
        )
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    token = tokens.make(
        {"s": outcome.status, "a": article.pk, "c": outcome.comment.pk if outcome.comment else None},
        tokens.OUTCOME_SALT,
    )
    return HttpResponseRedirect(reverse("comments-posted", args=[token]), status=303)


def posted(request, token):
    try:
        value = tokens.read(token, tokens.OUTCOME_SALT, max_age=24 * 3600)
    except signing.BadSignature as error:
        raise Http404("Unknown comment.") from error
    article = Article.objects.published().filter(pk=value["a"]).first()
    if article is None:  # withdrawn since: its headline is not the reader's to see any more
        raise Http404("Unknown comment.")
    return _outcome_page(request, value["s"], article, value.get("c"))


NEW_THREAD = "The comment you replied to is no longer on the site, so yours starts a conversation of its own."


def _outcome_page(request, status, article, comment_id=None, note=""):
    title, message = OUTCOME_MESSAGES[status]
    message = f"{message} {note}" if note else message
    comment = None
    if status == services.PUBLISHED and comment_id:
        comment = ReaderComment.objects.approved().filter(pk=comment_id).only("pk", "thread_id").first()
    back = comment_url(article, comment) if comment else None
    tone = "success" if status in (services.PUBLISHED, services.HELD, services.CONFIRM) else "info"
    return _page(request, title=title, message=message, tone=tone, article=article, back_url=back)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The mailed link opens a page with a button; only pressing it posts the comment. Mail scanners and
    link previews open links by themselves, and must not post a comment for an address that never agreed."""
    try:
        if request.method != "POST":
            pending = services.pending_from_token(token)
            if not pending.confirmed_at:
                services.require_published(pending.article)
                if reason := closed_reason(pending.article):  # no button that cannot work
                    raise Refused(reason, status=403, code="closed")
                return _confirm_page(request, pending)
        outcome = services.confirm_pending(token=token)
    except services.LinkExpired as error:
        return _page(request, title="This link does not work", message=str(error), status=404, tone="error")
    except Refused as refusal:
        # Comments closed since the post: the reader's words, which only this link's holder wrote, to copy.
        kept = services.pending_from_token(token).comment if refusal.code == "closed" else ""
        return _page(
            request,
            title="Comment not posted",
            message=refusal.message,
            status=refusal.status,
            tone="error",
            kept_text=kept,
        )
    comment = outcome.comment  # None when a moderator deleted it since
    article = Article.objects.published().filter(pk=outcome.pending.article_id).first()
    if article is None:  # a used link opened again after the story was withdrawn: its headline is not shown
        return _page(
            request,
            title="This story is not on the site",
            message="The story you commented on is no longer on the site.",
            status=404,
            tone="error",
        )
    # A reply whose comment was taken off the site before the link was pressed was posted as a new thread.
    waits_or_shows = outcome.status in (services.PUBLISHED, services.HELD)
    note = (
        NEW_THREAD if waits_or_shows and outcome.pending.parent_id and comment.parent_id == comment.pk else ""
    )
    return _outcome_page(request, outcome.status, article, comment.pk if comment else None, note=note)


def _confirm_page(request, pending):
    response = render(
        request,
        "comments/confirm.html",
        {"title": "Post your comment", "pending": pending, "article": pending.article},
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _public_comment(comment_id):
    comment = get_object_or_404(ReaderComment.objects.approved(), pk=comment_id)
    article = Article.objects.published().filter(pk=comment.object_pk).first()
    if article is None or comment.content_type != ContentType.objects.get_for_model(Article):
        raise Http404("No such comment.")
    return comment, article


def reply(request, comment_id):
    comment, article = _public_comment(comment_id)
    closed = closed_reason(article)
    if closed:
        return _page(request, title="Reply", message=closed, status=403, article=article)
    if comment.level >= max_level():
        return _page(
            request,
            title="Reply",
            message="Replies cannot be nested any deeper here.",
            status=403,
            article=article,
        )
    form = ReaderCommentForm(article, comment=comment, user=request.user)
    response = render(
        request,
        "comments/reply.html",
        {
            "title": "Reply",
            "comment": comment,
            "article": article,
            "form": form,
            "back_to": comment_url(article, comment),
        },
    )
    response["Cache-Control"] = "private, no-store"  # the form holds the reader's CSRF token
    return response


def _reporter_key(request) -> str:
    who = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{client_ip(request)}"
    return salted_hmac("newsroom.comments.report", who, algorithm="sha256").hexdigest()


def _already_reported(request, article, report):
    """A signed-in reader's second report: what became of the first. (Readers without an account are known
    by their address alone, which others share: telling them would say that someone there reported it.)"""
    if report.reviewed_at is None:
        said = "Moderators will look at it."
    else:
        said = "A moderator has looked at it since and kept it on the page."
    return _page(
        request,
        title="Already reported",
        message=f"You have already reported this comment. {said}",
        article=article,
        back_to=comment_url(article, report.comment),
    )


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def report(request, comment_id):
    comment, article = _public_comment(comment_id)
    reporter_key = _reporter_key(request)
    earlier = CommentReport.objects.filter(comment=comment, reporter_key=reporter_key)
    if request.user.is_authenticated and (report := earlier.first()):
        return _already_reported(request, article, report)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    CommentReport.objects.create(
                        comment=comment, reporter_key=reporter_key, reason=form.cleaned_data["reason"]
                    )
            except IntegrityError:  # reported before from this account or this address: one report is enough
                if request.user.is_authenticated:  # two sends at once
                    return _already_reported(request, article, earlier.get())
                return _page(
                    request,
                    title="Thank you",
                    message="Thank you. This comment has been reported to the moderators.",
                    tone="success",
                    article=article,
                    back_to=comment_url(article, comment),
                )
            return _page(
                request,
                title="Thank you",
                message="Thank you. A moderator will look at this comment.",
                tone="success",
                article=article,
                back_to=comment_url(article, comment),
            )
    else:
        form = ReportForm()
    response = render(
        request,
        "comments/report.html",
        {
            "title": "Report a comment",
            "comment": comment,
            "article": article,
            "form": form,
            "back_to": comment_url(article, comment),
        },
        status=400 if form.is_bound else 200,  # a report without a reason, as the comment form answers
    )
    response["Cache-Control"] = "private, no-store"  # whether the form is offered depends on the account
    return response


@login_required
@require_POST
@csrf_protect
def react(request, comment_id, kind):
    comment, article = _public_comment(comment_id)
    flag = {"like": LIKEDIT_FLAG, "dislike": DISLIKEDIT_FLAG}.get(kind)
    if flag is None:
        raise Http404("Unknown reaction.")
    other = DISLIKEDIT_FLAG if flag == LIKEDIT_FLAG else LIKEDIT_FLAG
    with transaction.atomic():
        # One reaction at a time per comment: two clicks at once would both find none and both insert it.
        type(comment).objects.select_for_update().filter(pk=comment.pk).first()
        CommentFlag.objects.filter(comment=comment, user=request.user, flag=other).delete()
        existing = CommentFlag.objects.filter(comment=comment, user=request.user, flag=flag)
        if existing.exists():
            existing.delete()  # pressing it again takes the reaction back
        else:
            CommentFlag.objects.create(
                comment=comment, user=request.user, flag=flag, flag_date=timezone.now()
            )
    return HttpResponseRedirect(comment_url(article, comment), status=303)


# The signed token is the whole authority, and muting is all a POST can do: mail providers send the RFC 8058
# one-click POST with no cookie and no CSRF token, so the check would refuse exactly the request it is for.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def mute(request, token):
    """The mailed link (GET) asks with a button; the POST, from that button or from the mail client's own
    unsubscribe (RFC 8058 one-click), stops reply mail for the thread. Mail scanners open links by
    themselves, and must not unsubscribe anyone."""
    posted = request.method == "POST"
    comment = services.mute_thread(token=token) if posted else services.follower_from_token(token)
    if comment is None:
        return _page(
            request,
            title="This link does not work",
            message="This link is not valid.",
            status=404,
            tone="error",
        )
    # The story is named (and linked) while readers can see it; a withdrawn one's headline is not theirs.
    article = services.published_article_of(comment)
    conversation = f"this conversation on “{article.headline}”" if article else "this conversation"
    if not posted and not services.follows_thread(comment):
        return _page(
            request,
            title="Already unsubscribed",
            tone="success",
            message=f"You get no emails about replies in {conversation}.",
            article=article,
        )
    if not posted:
        response = render(request, "comments/mute.html", {"title": "Stop reply emails", "article": article})
        response["Cache-Control"] = "private, no-store"
        return response
    return _page(
        request,
        title="Unsubscribed",
        tone="success",
        message=f"You will get no more emails about replies in {conversation}.",
        article=article,
    )


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def data_request(request):
    """Only a valid request counts against the limit (a mistyped address did, and the next good one was
    refused for an hour); one over the limit keeps the form as filled in, saying how long to wait."""
    wait = None
    if request.method == "POST":
        form = DataRequestForm(request.POST)
        status = 400
        if form.is_valid():
            throttle = DataRequestThrottle()
            if throttle.allow_request(request, None):
                services.request_data(**form.cleaned_data)
                return _page(
                    request,
                    title="Check your email",
                    tone="success",
                    message="If we hold comments from that address, the link is on its way. It works for "
                    f"{tokens.confirm_max_age().days} days.",
                )
            wait = seconds_to_wait(throttle)
            form.add_error(
                None, f"Too many requests from your address: please try again in {wait_in_words(wait)}."
            )
            status = 429
    else:
        form, status = DataRequestForm(), 200
    kept = {
        "confirm_days": settings.COMMENTS_CONFIRM_DAYS,
        "personal_data_days": settings.COMMENT_PERSONAL_DATA_DAYS,
        "sent_mail_days": services.SENT_MAIL_KEPT_DAYS,
    }
    response = render(
        request,
        "comments/data_request.html",
        {"title": "Your comment data", "form": form, "kept": kept},
        status=status,
    )
    if wait:
        response["Retry-After"] = str(wait)
    response["Cache-Control"] = "private, no-store"  # the form holds the address typed in
    return response


def _done_message(data_request) -> str:
    """What became of a request already carried out: an erasure is done when it is recorded; an export is
    a mail, said to be sent only once the mail server took it."""

    def when(moment):
        return date_format(timezone.localtime(moment), "j F Y, H:i T")

    if data_request.kind != "export":
        return f"Your comment data was erased on {when(data_request.done_at)}."
    sent_at = (
        OutgoingMail.objects.filter(dedupe_key=f"export:{data_request.pk}")
        .values_list("sent_at", flat=True)
        .first()
    )
    if sent_at:
        return f"We emailed the copy of your comment data to your address on {when(sent_at)}."
    return "The copy of your comment data is ready and on its way to your address."


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def data_confirm(request, token):
    try:
        data_request = services.data_request_from_token(token)
    except services.LinkExpired as error:
        return _page(request, title="This link does not work", message=str(error), status=404, tone="error")
    if data_request.done_at:
        return _page(request, title="Already done", message=_done_message(data_request), tone="success")
    if data_request.confirmed_at:
        return _page(request, title="Already on its way", message="We have already started this request.")
    if request.method == "POST":
        services.confirm_data_request(request=data_request)
        done = (
            "We are sending the copy to your address."
            if data_request.kind == "export"
            else "Your comment data is being erased."
        )
        return _page(request, title="Done", message=done, tone="success")
    if data_request.kind != "erase":
        what = "email you a copy of your comment data"
    elif data_request.remove_texts:
        what = "erase the personal data of your comments and remove their texts from the site"
    else:
        what = (
            "erase the personal data of your comments; their texts stay on the site, under the name "
            f"“{services.ANONYMOUS}”, with any email address typed in them hidden"
        )
    response = render(
        request,
        "comments/data_confirm.html",
        {
            "title": "Confirm your request",
            "message": f"Press the button to {what}.",
            "show_button": True,
            "data_request": data_request,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    """The choice is written when it is made (POST): opening the page, or a HEAD, writes nothing."""
    if request.method == "POST":
        form = NotificationSettingForm(request.POST)
        if form.is_valid():
            AuthorNotificationSetting.objects.update_or_create(
                user=request.user, defaults={"notify_new_comments": form.cleaned_data["notify_new_comments"]}
            )
            return _page(request, title="Saved", message="Your choice is saved.", tone="success")
    chosen = AuthorNotificationSetting.objects.filter(user=request.user, notify_new_comments=True).exists()
    form = NotificationSettingForm(initial={"notify_new_comments": chosen})
    # The mail goes to the account's address about the stories of the author linked to it (posting.py):
    # without either, the box was ticked and "saved" for mail that could never come.
    context = {
        "title": "Comment notifications",
        "form": form,
        "writes_bylines": Author.objects.filter(user=request.user).exists(),
    }
    return render(request, "comments/notifications.html", context)


@never_cache
@require_safe
def form_fields(request, article_id):
    """Fresh CSRF token and security fields for a comment form on a page that came from a cache."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    security = ReaderCommentForm(article).generate_security_data()
    return JsonResponse(
        {
            "csrfmiddlewaretoken": get_token(request),
            "timestamp": security["timestamp"],
            "security_hash": security["security_hash"],
        }
    )


def comment_redirect(request, content_type_id, object_pk):
    """Comment.get_absolute_url() lands here; only a published article is a destination."""
    if content_type_id != ContentType.objects.get_for_model(Article).pk:
        raise Http404("No such page.")
    article = get_object_or_404(Article.objects.published(), pk=object_pk)
    return HttpResponseRedirect(article.get_absolute_url())
