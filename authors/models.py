from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill

from articles.fields import OneLineCharField, no_markup
from articles.images import validate_image_upload
from articles.redirects import KeepsOldAddresses


class AuthorQuerySet(models.QuerySet):
    def with_public_fields(self):
        """Everything a public page may show of an author, and nothing private."""
        return self.defer("contact_email", "user")

    def bylined(self):
        """Authors a reader may see: on the byline of at least one published story. One who writes only
        drafts so far (a guest for a story not yet out, say) would give that story away."""
        from articles.models import Article

        return self.filter(Exists(Article.objects.published().filter(bylines__author=OuterRef("pk"))))


# The author page links each handle to its network: one typed wrong (a profile's address pasted, a stray
# space) would be a broken link, so the form says what a handle looks like instead.
X_HANDLE = RegexValidator(
    r"^@?[A-Za-z0-9_]{1,15}$", "An X handle is 1 to 15 letters, digits or underscores, like newsroom_desk."
)
MASTODON_HANDLE = RegexValidator(
    r"^@?[A-Za-z0-9_.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
    "A Mastodon handle is @name@server, like @desk@mastodon.social (not the profile's address).",
)
BLUESKY_HANDLE = RegexValidator(
    r"^@?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$",
    "A Bluesky handle is a domain name, like name.bsky.social (not the profile's address).",
)


class Author(KeepsOldAddresses, models.Model):
    old_address_urls = ("authors:detail", "authors:feed", "authors:feed-atom")

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        CONTRIBUTOR = "contributor", "Contributor"
        AGENCY = "agency", "Agency (wire service)"

    display_name = OneLineCharField(
        max_length=120, validators=[no_markup], help_text="The name shown in bylines."
    )
    slug = models.SlugField(max_length=140, unique=True, help_text="Used in the author page's address.")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.STAFF,
        help_text="Groups them on the journalists page: staff, contributors, agencies.",
    )
    job_title = models.CharField(
        max_length=120, blank=True, validators=[no_markup], help_text="For example: Political correspondent."
    )
    bio = models.TextField(
        blank=True,
        max_length=1500,
        validators=[no_markup],
        help_text="A short biography shown on the author page: plain text, a blank line between paragraphs.",
    )
    photo = models.ImageField(
        upload_to="authors/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text="A portrait, at least 200 pixels on each side.",
    )
    photo_square = ImageSpecField(source="photo", processors=[ResizeToFill(240, 240)], format="JPEG")
    x_handle = models.CharField(
        "X handle", max_length=50, blank=True, help_text="Without the @.", validators=[X_HANDLE]
    )
    mastodon_handle = models.CharField(
        max_length=120, blank=True, help_text="Like @name@mastodon.social.", validators=[MASTODON_HANDLE]
    )
    bluesky_handle = models.CharField(
        max_length=120, blank=True, help_text="Like name.bsky.social.", validators=[BLUESKY_HANDLE]
    )
    website = models.URLField(blank=True, help_text="Their own site, linked from their author page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The login account of this author, if they have one.",
    )
    contact_email = models.EmailField(
        blank=True, help_text="Private: for the desk to reach the author. Never shown publicly."
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def is_agency(self):
        return self.kind == self.Kind.AGENCY
