"""Example values for the OpenAPI schema (newsroom.api.add_missing_examples puts them on the bodies)."""

import datetime

from django.utils import timezone

from newsroom.api import (
    SCHEMA_EXAMPLES,
)

from .serializers import COMMENT_OUTCOME_MESSAGES

ARTICLE_EXAMPLE = {
    "id": 42,
    "url": "https://news.example.org/api/v1/articles/42/",
    "headline": "Council approves new harbour plan",
    "slug": "council-approves-harbour-plan",
    "dek": "The plan adds two ferry piers and a cycle path.",
    "section": {"id": 1, "name": "City", "slug": "city"},
    "tags": [{"id": 3, "name": "Transport", "slug": "transport"}],
    "bylines": [
        {
            "id": 7,
            "display_name": "Ada Reporter",
            "slug": "ada-reporter",
            "kind": "staff",
            "job_title": "City correspondent",
            "url": "https://news.example.org/api/v1/authors/ada-reporter/",
            "page_url": "https://news.example.org/authors/ada-reporter/",
        }
    ],
    "lead_image": {
        "id": 5,
        "width": 1600,
        "height": 900,
        "alt": "Three cranes against an orange sky",
        "caption": "Harbour cranes at dawn.",
        "credit": "Staff photographer",
        "renditions": [
            {"url": "https://news.example.org/media/renditions/a/480.jpg", "width": 480},
            {"url": "https://news.example.org/media/renditions/a/800.jpg", "width": 800},
        ],
    },
    "source_credit": "With reporting by AFP",
    "is_featured": False,
    "is_breaking": False,
    "status": "published",
    "published_at": "2026-11-25T09:30:00Z",
    "first_published_at": "2026-11-25T09:30:00Z",
    "updated_at": "2026-11-25T10:02:11Z",
    "canonical_url": "https://news.example.org/city/2026/11/25/council-approves-harbour-plan/",
    "comment_count": 3,
}

# Request examples name what the demo newsroom (`make run`) has, so that they can be sent as they stand from
# the docs' "Try it out"; no slug, so that the same example sent twice makes a second draft, not a 400.
WRITE_EXAMPLE = {
    "headline": "Council approves new harbour plan",
    "dek": "The plan adds two ferry piers and a cycle path.",
    "body": "<p>The council voted seven to two in favour.</p>",
    "section": "city",
    "tags": ["ferries"],
    "bylines": ["marta-quillon"],
    "related": [17, 12],
    "lead_image": 5,
}
BYLINES_EXAMPLE = {"bylines": ["marta-quillon", "sunniva-lark"]}

# A fixed date passes and is then refused ("must be in the future"): the contract names tomorrow morning,
# filled in each time it is served (tomorrow_morning below).
TOMORROW_MORNING = "(tomorrow at 07:00 UTC)"
SCHEDULE_EXAMPLE = {"publish_at": TOMORROW_MORNING}


def tomorrow_morning(result, generator, request, public):
    """drf-spectacular post-processing hook: TOMORROW_MORNING in any example becomes that time."""
    when = (timezone.now() + datetime.timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    moment = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def fill(node):
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value) for value in node]
        return moment if node == TOMORROW_MORNING else node

    return fill(result)


SECTION_EXAMPLE = {
    "id": 1,
    "name": "City",
    "slug": "city",
    "description": "Council, courts, transport and the harbour front.",
    "position": 0,
    "url": "https://news.example.org/api/v1/sections/city/",
    "page_url": "https://news.example.org/city/",
    "articles_url": "https://news.example.org/api/v1/articles/?section=city",
}
TAG_EXAMPLE = {
    "id": 3,
    "name": "Transport",
    "slug": "transport",
    "url": "https://news.example.org/api/v1/tags/transport/",
    "page_url": "https://news.example.org/tag/transport/",
    "articles_url": "https://news.example.org/api/v1/articles/?tag=transport",
}
TAG_WRITE_EXAMPLE = {"name": "Night ferries"}
NEW_TAG_EXAMPLE = {
    "id": 9,
    "name": "Night ferries",
    "slug": "night-ferries",
    "url": "https://news.example.org/api/v1/tags/night-ferries/",
    "page_url": "https://news.example.org/tag/night-ferries/",
    "articles_url": "https://news.example.org/api/v1/articles/?tag=night-ferries",
}
COMMENT_EXAMPLE = {
    "id": 12,
    "parent_id": 10,
    "level": 1,
    "name": "Sam",
    "website": "https://sam.example.org/",
    "submit_date": "2026-11-25T11:00:00Z",
    "text_html": "<p>Good news for cyclists.</p>",
    "staff": False,
}
IMAGE_EXAMPLE = {
    "id": 5,
    "title": "Harbour cranes",
    "caption": "Harbour cranes at dawn.",
    "credit": "Staff photographer",
    "alt_text": "Three cranes against an orange sky",
    "width": 1600,
    "height": 900,
    "renditions": ARTICLE_EXAMPLE["lead_image"]["renditions"],
    "created_at": "2026-11-25T08:12:00Z",
}
SCHEMA_EXAMPLES.update(
    {
        "ArticleList": ARTICLE_EXAMPLE,
        "ArticleDetail": ARTICLE_EXAMPLE
        | {
            "body": "<p>The council voted seven to two in favour.</p>",
            "related": [
                {
                    "id": 17,
                    "headline": "Ferry timetable to change in spring",
                    "url": "https://news.example.org/api/v1/articles/17/",
                    "canonical_url": "https://news.example.org/city/2026/11/20/ferry-timetable-spring/",
                }
            ],
            "corrections": [
                {
                    "kind": "correction",
                    "note": "An earlier version gave the wrong vote count.",
                    "noted_at": "2026-11-25T10:00:00Z",
                }
            ],
            "comments_enabled": True,
            "publish_at": None,
            "created_at": "2026-11-24T17:40:00Z",
        },
        "ArticleWriteRequest": WRITE_EXAMPLE,
        "PatchedArticleWriteRequest": {"dek": "A shorter standfirst.", "tags": ["transport", "harbour"]},
        "ScheduleRequest": SCHEDULE_EXAMPLE,
        "ArticleComment": COMMENT_EXAMPLE,
        "CommentPostRequest": {
            "name": "Sam",
            "email": "sam@example.org",
            "comment": "Good news.",
            "parent_id": 0,
        },
        "CommentPosted": {
            "status": "published",
            "message": COMMENT_OUTCOME_MESSAGES["published"],
            "comment": COMMENT_EXAMPLE,
        },
        "Section": SECTION_EXAMPLE,
        "Tag": TAG_EXAMPLE,
        "TagWriteRequest": TAG_WRITE_EXAMPLE,
        "Image": IMAGE_EXAMPLE,
        "ImageRequest": {"file": "(the image file)", "title": "Harbour cranes", "alt_text": "Three cranes"},
        "PatchedImageRequest": {"caption": "Harbour cranes at dawn, seen from the Old Quay."},
    }
)
