"""The comment URLs under /comments/. xtd's own views are not mounted: its confirmation and mute links are
pickles carrying the email address, and its API bypasses our moderation rules."""

from django.urls import path

from newsroom import converters  # noqa: F401 - registers <id:>

from . import views

urlpatterns = [
    path("post/", views.post_comment, name="comments-post"),
    path("form-fields/<id:article_id>/", views.form_fields, name="comments-form-fields"),
    path("posted/<str:token>/", views.posted, name="comments-posted"),
    path("confirm/<str:token>/", views.confirm, name="comments-confirm"),
    path("reply/<id:comment_id>/", views.reply, name="comments-reply"),
    path("report/<id:comment_id>/", views.report, name="comments-flag"),
    path("react/<id:comment_id>/<str:kind>/", views.react, name="comments-react"),
    path("unsubscribe/<str:token>/", views.mute, name="comments-mute"),
    path("my-data/", views.data_request, name="comments-data"),
    path("my-data/<str:token>/", views.data_confirm, name="comments-data-confirm"),
    path("notifications/", views.notification_settings, name="comments-notifications"),
    path("cr/<id:content_type_id>/<id:object_pk>/", views.comment_redirect, name="comments-url-redirect"),
]
