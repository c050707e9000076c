from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.html import format_html

from articles.images import ImageUploadField
from newsroom.admin import StrictInputMixin

from .models import Author


@admin.register(Author)
class AuthorAdmin(StrictInputMixin, admin.ModelAdmin):
    list_display = ["display_name", "kind", "job_title", "portrait", "user"]
    list_filter = ["kind"]
    search_fields = ["display_name", "job_title", "slug"]
    prepopulated_fields = {"slug": ["display_name"]}
    list_select_related = ["user"]
    formfield_overrides = {
        models.ImageField: {"form_class": ImageUploadField},  # the media library's checks and messages
        # "lena.example.org" becomes https://lena.example.org, as in the comment form (Django 6's default).
        models.URLField: {"assume_scheme": "https"},
    }
    fieldsets = [
        (None, {"fields": ["display_name", "slug", "kind", "job_title", "bio", "photo"]}),
        ("Public social handles", {"fields": ["x_handle", "mastodon_handle", "bluesky_handle", "website"]}),
        ("Private", {"fields": ["user", "contact_email"], "description": "Never shown to readers."}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The login behind a byline: a list of the newsroom's staff accounts, by name. (A raw id with a
        lookup opened the user list, which editors may not see.)"""
        if db_field.name == "user":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_staff=True, is_active=True)
                .order_by("first_name", "username")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            field.label_from_instance = lambda user: (
                f"{user.get_full_name()} ({user.get_username()})"
                if user.get_full_name()
                else user.get_username()
            )
        return field

    @admin.display(description="Photo")
    def portrait(self, author):
        if not author.photo:
            return "—"
        return format_html('<img src="{}" alt="" width="40" height="40">', author.photo_square.url)
