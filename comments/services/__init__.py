"""Writes about comments. The form views, the admin, the API and the tasks all go through these."""

from .moderating import approve_comments, can_moderate, keep_comments, queue_held_digest, remove_comments
from .posting import (
    CONFIRM,
    HELD,
    NOT_PUBLISHED,
    PARENT_NOT_AVAILABLE,
    PARENT_OFF_SITE,
    PUBLISHED,
    LinkExpired,
    PostOutcome,
    confirm_pending,
    follower_from_token,
    follows_thread,
    mute_thread,
    pending_from_token,
    post_comment,
    published_article_of,
    require_published,
)
from .privacy import (
    ANONYMOUS,
    SENT_MAIL_KEPT_DAYS,
    anonymise_expired_commenters,
    confirm_data_request,
    data_request_from_token,
    data_requests_left_behind,
    delete_expired_pending,
    erase_commenter_data,
    erase_writers_of,
    export_commenter_data,
    export_writers_of,
    queue_data_request,
    request_data,
    run_data_request,
)

__all__ = [
    "ANONYMOUS", "CONFIRM", "HELD", "LinkExpired", "NOT_PUBLISHED", "PARENT_NOT_AVAILABLE", "PARENT_OFF_SITE",
    "PUBLISHED", "PostOutcome", "SENT_MAIL_KEPT_DAYS", "published_article_of",
    "anonymise_expired_commenters", "approve_comments", "can_moderate", "confirm_data_request",
    "confirm_pending", "data_request_from_token", "data_requests_left_behind", "delete_expired_pending",
    "erase_commenter_data", "erase_writers_of", "export_commenter_data", "export_writers_of",
    "follower_from_token", "follows_thread", "keep_comments", "mute_thread", "pending_from_token",
    "post_comment", "queue_data_request", "queue_held_digest", "remove_comments", "request_data",
    "require_published", "run_data_request",
]  # fmt: skip
