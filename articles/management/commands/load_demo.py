"""`manage.py load_demo`: the demo newsroom of Port Aldery, safe to run any number of times.

Everything is keyed by slug (images by title): what exists already is left alone, so a second run adds
nothing; readers' comments come with the article they are on. Workflow fields are set directly because
this is set-up data, not an editor's action; each new article gets one workflow event and one revision so
the admin's history reads naturally.
"""

from datetime import timedelta

import reversion
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import demo_data
from articles.demo_art import draw_scene, jpeg_bytes, portrait
from articles.models import Article, Byline, Correction, Image, RelatedArticle, Section, Tag, WorkflowEvent
from authors.models import Author
from comments.models import CommentReport, HoldRule, Moderation, ReaderComment
from sharing.accounts import configured_accounts

Status = Article.Status
DEMO_IMAGE_PREFIX = "Demo: "


def posts_to_real_networks() -> bool:
    """Whether SHARING_ACCOUNTS has an account besides the demo's `log`, which only writes to the log."""
    return any(account.network != "log" for account in configured_accounts())


class Command(BaseCommand):
    help = "Load the demo newsroom (sections, authors, articles with lead images). Adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it into a database that holds other articles and none "
            "of the demo's (refused otherwise: it looks like a newsroom's own).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Load nothing: only refuse, as a load would, a database that holds a newsroom's own "
            "articles (`make demo` and `make editor` ask before they migrate it).",
        )

    def handle(self, *args, force=False, check=False, **options):
        if not force:
            demo_data.refuse_a_real_newsroom("load_demo")
        if check:
            return
        now = timezone.now()
        with transaction.atomic():
            sections = self._sections()
            tags = self._tags()
            authors = self._authors()
            created = self._articles(now, sections, tags, authors)
            self._related(created)
            self._first_versions(created)
            self._comments(created)
        if created and posts_to_real_networks():
            self.stdout.write(
                "SHARING_ACCOUNTS names real networks: the demo's stories are set not to post to them "
                "(“Share on publish” off)."
            )
        counts = {status.label: Article.objects.filter(status=status).count() for status in Status}
        summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items() if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsroom: {len(created)} new article(s). Now {Section.objects.count()} sections, "
                f"{Author.objects.count()} authors, {Article.objects.count()} articles ({summary})."
            )
        )

    def _sections(self):
        """By slug, or by name where an editor has since given the section another address."""
        sections = {}
        for position, (slug, name, description) in enumerate(demo_data.SECTIONS):
            sections[slug] = Section.objects.filter(
                Q(slug=slug) | Q(name=name)
            ).first() or Section.objects.create(
                slug=slug, name=name, description=description, position=position
            )
        return sections

    def _tags(self):
        return {
            slug: Tag.objects.filter(Q(slug=slug) | Q(name=name)).first()
            or Tag.objects.create(slug=slug, name=name)
            for slug, name in demo_data.TAGS.items()
        }

    def _authors(self):
        authors = {}
        for slug, (name, kind, job, bio, x, mastodon, bluesky, color) in demo_data.AUTHORS.items():
            author = Author.objects.filter(slug=slug).first()
            if author is None:
                author = Author(
                    slug=slug,
                    display_name=name,
                    kind=kind,
                    job_title=job,
                    bio=bio,
                    x_handle=x,
                    mastodon_handle=mastodon,
                    bluesky_handle=bluesky,
                    contact_email=f"{slug}@newsroom.invalid",
                )
                photo = portrait(name, color, agency=kind == Author.Kind.AGENCY)
                author.photo.save(f"{slug}.jpg", ContentFile(jpeg_bytes(photo)), save=False)
                author.save()
            authors[slug] = author
        return authors

    def _lead_image(self, data, section):
        motif, caption, alt_text = data["image"]
        title = f"{DEMO_IMAGE_PREFIX}{data['headline']}"
        image = Image.objects.filter(title=title).first()
        if image is None:
            is_wire = data["authors"][0] == "coastal-press-agency"
            image = Image(
                title=title,
                caption=caption,
                alt_text=alt_text,
                credit="Illustration: Coastal Press Agency"
                if is_wire
                else "Illustration: Newsroom graphics desk",
            )
            picture = draw_scene(motif, seed=data["slug"], label=f"Port Aldery · {section.name}")
            image.file.save(f"{data['slug']}.jpg", ContentFile(jpeg_bytes(picture)), save=False)
            image.width, image.height = picture.size
            image.save()
        return image

    def _articles(self, now, sections, tags, authors):
        existing = set(Article.objects.values_list("slug", flat=True))
        created, events = [], []
        # Invented stories are posted only where nobody reads them: beat publishes the scheduled ones
        # minutes after the load, and a real account would have told its followers of them.
        shares = not posts_to_real_networks()
        for data in demo_data.ARTICLES:
            if data["slug"] in existing:
                continue
            section = sections[data["section"]]
            article = Article(
                slug=data["slug"],
                headline=data["headline"],
                dek=data["dek"],
                body="".join(data["body"]),
                section=section,
                lead_image=self._lead_image(data, section),
                source_credit=data.get("source_credit", ""),
                is_featured=data.get("featured", False),
                is_breaking=data.get("breaking", False),
                share_on_publish=shares,
            )
            state = data["state"]
            if state == "published":
                article.mark_published(now - timedelta(hours=data["ago"]))
                events.append((article, WorkflowEvent.Action.PUBLISHED, article.published_at))
            elif state == "scheduled":
                article.mark_scheduled(now + timedelta(minutes=data["in_minutes"]))
                events.append((article, WorkflowEvent.Action.SCHEDULED, now))
            elif state == "review":
                article.mark_in_review()
                events.append((article, WorkflowEvent.Action.SUBMITTED, now - timedelta(hours=3)))
            article.save()
            article.tags.set([tags[slug] for slug in data["tags"]])
            for position, slug in enumerate(data["authors"]):
                Byline.objects.create(article=article, author=authors[slug], position=position)
            if data.get("correction"):
                Correction.objects.create(
                    article=article,
                    note=data["correction"],
                    noted_at=article.published_at + timedelta(hours=4),
                )
            # Written some hours before it went out and untouched since (but for a correction), so the
            # admin's dates and the page's "Updated" look like a real desk's.
            written = (article.published_at or now) - timedelta(hours=6)
            touched = article.published_at or now
            if data.get("correction"):
                touched += timedelta(hours=4)
            Article.objects.filter(pk=article.pk).update(
                created_at=written, updated_at=touched, revised_at=touched
            )
            created.append((article, data))
        WorkflowEvent.objects.bulk_create(
            WorkflowEvent(article=article, action=action, at=at, detail="Demo content")
            for article, action, at in events
        )
        return created

    def _related(self, created):
        by_slug = dict(Article.objects.values_list("slug", "pk"))
        RelatedArticle.objects.bulk_create(
            RelatedArticle(article=article, related_id=by_slug[slug], position=position)
            for article, data in created
            for position, slug in enumerate(data.get("related", []))
            if slug in by_slug and slug != article.slug
        )

    def _first_versions(self, created):
        """Each story's first version in History, taken once its "Read more" links exist (they may name
        stories loaded after it), so that recovering or restoring it brings the whole story back."""
        for article, _data in created:
            with reversion.create_revision():
                reversion.set_comment("Demo content loaded.")
                reversion.add_to_revision(article)

    def _comments(self, created):
        """The readers' comments of `demo_data.COMMENTS`, spread between the story's publication and now."""
        now = timezone.now()
        for article, data in created:
            threads = demo_data.COMMENTS.get(data["slug"], [])
            count = sum(1 + len(replies) for *_, replies in threads)
            step = (now - article.published_at) / (count + 1) if count else None
            when = article.published_at
            for name, text, state, replies in threads:
                when += step
                comment = self._comment(article, name, text, when, public=state != "held")
                held = HoldRule.FIRST_TIME if state == "held" else ""
                Moderation.objects.create(comment=comment, held_reason=held)
                if state == "reported":
                    CommentReport.objects.bulk_create(
                        CommentReport(
                            comment=comment, reporter_key=f"demo-{n}", reason=CommentReport.Reason.ABUSE
                        )
                        for n in range(2)
                    )
                for reply_name, reply_text in replies:
                    when += step
                    reply = self._comment(article, reply_name, reply_text, when, parent=comment)
                    Moderation.objects.create(comment=reply)

    def _comment(self, article, name, text, when, *, public=True, parent=None):
        comment = ReaderComment(
            content_object=article,
            site_id=settings.SITE_ID,
            user_name=name,
            user_email=f"{name.lower().replace(' ', '.')}@example.net",
            comment=text,
            submit_date=when,
            is_public=public,
            parent_id=parent.pk if parent else 0,
        )
        comment.save()
        return comment
