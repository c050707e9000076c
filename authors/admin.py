from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from newsroom.admin import StrictInputMixin

from .models import Author


@admin.register(Author)
class AuthorAdmin(StrictInputMixin, admin.ModelAdmin):
    list_display = ["display_name", "kind", "job_title", "portrait", "user"]
    list_filter = ["kind"]
    search_fields = ["display_name", "job_title", "slug"]
    prepopulated_fields = {"slug": ["display_name"]}
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    # "lena.example.org" becomes https://lena.example.org, as in the comment form (Django 6's default too).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["display_name", "slug", "kind", "job_title", "bio", "photo"]}),
        ("Public social handles", {"fields": ["x_handle", "mastodon_handle", "bluesky_handle", "website"]}),
        ("Private", {"fields": ["user", "contact_email"], "description": "Never shown to readers."}),
    ]

    @admin.display(description="Photo")
    def portrait(self, author):
        if not author.photo:
            return "—"
        return format_html('<img src="{}" alt="" width="40" height="40">', author.photo_square.url)
