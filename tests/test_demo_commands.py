"""The set-up commands of `make run`, on PostgreSQL: the demo newsroom and the demo logins."""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Image, RelatedArticle
from articles.sanitize import sanitize_html
from authors.models import Author
from comments.models import ReaderComment
from tests.conftest import ROOT, embedded_env
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


Status = Article.Status


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_demo_builds_a_believable_newsroom_once():
    started = timezone.now()
    run("load_demo")
    articles = list(
        Article.objects.select_related("lead_image", "section").prefetch_related("bylines__author")
    )

    assert "0 new article(s)" in run("load_demo")
    assert Article.objects.count() == len(articles) >= 25
    assert Image.objects.count() == len(articles)

    assert Author.objects.filter(kind=Author.Kind.AGENCY, display_name="Coastal Press Agency").exists()
    for article in articles:
        image = article.lead_image
        assert (image.width, image.height) == (1600, 900)
        assert image.caption and image.credit and image.alt_text, article.slug
        assert article.dek and article.bylines.all(), article.slug
        assert article.body == sanitize_html(article.body), article.slug
        assert article.body.count("<p") >= (3 if article.status == Status.PUBLISHED else 1), article.slug
        if article.status == Status.PUBLISHED:
            assert started - timedelta(days=21) <= article.published_at <= started
            assert article.first_published_at == article.published_at
        elif article.status == Status.SCHEDULED:
            assert article.publish_at > started and article.published_at is None
        else:
            assert article.published_at is None
    soonest = min(a.publish_at for a in articles if a.status == Status.SCHEDULED)
    assert soonest - started < timedelta(minutes=5), "one scheduled article goes live soon after make run"
    wire = [a for a in articles if "Coastal Press Agency" in a.source_credit]
    assert wire and all("<blockquote>" in a.body or a.bylines.all()[0].author.is_agency for a in wire)
    assert RelatedArticle.objects.filter(article__in=articles).count() >= len(articles)
    assert Article.objects.filter(corrections__isnull=False).exists()


def test_the_demo_posts_to_no_real_social_account(settings):
    """Loaded where SHARING_ACCOUNTS names a real network, beat published the first scheduled demo story two
    minutes later and posted the invented news to it; with only the demo's `log` account, it posts there."""
    import json

    webhook = {"name": "wh", "network": "webhook", "url": "https://hooks.example", "secret": "s"}
    settings.SHARING_ACCOUNTS = json.dumps([{"name": "log", "network": "log"}, webhook])

    said = run("load_demo")

    assert "the demo's stories are set not to post to them" in said
    assert Article.objects.exists() and not Article.objects.filter(share_on_publish=True).exists()
    Article.objects.all().delete()
    settings.SHARING_ACCOUNTS = json.dumps([{"name": "log", "network": "log"}])
    assert "set not to post" not in run("load_demo")
    assert not Article.objects.filter(share_on_publish=False).exists()


def test_each_demo_storys_first_version_holds_its_read_more_links_tags_and_bylines():
    """History and Recover bring a demo story back from its "Demo content loaded." version: that version
    must hold what the story had, its "Read more" links included, which name stories loaded after it."""
    run("load_demo")
    linked = Article.objects.filter(related_links__isnull=False).distinct()
    assert linked.count() >= 20
    for article in linked.prefetch_related("related_links", "tags", "bylines"):
        version = Version.objects.get_for_object(article).get()
        assert version.revision.comment == "Demo content loaded."
        held = {(v.content_type.model, v.object_id) for v in version.revision.version_set.all()}
        for link in article.related_links.all():
            assert ("relatedarticle", str(link.pk)) in held, article.slug
        for byline in article.bylines.all():
            assert ("byline", str(byline.pk)) in held, article.slug
        assert sorted(version.field_dict["tags"]) == sorted(tag.pk for tag in article.tags.all())


def test_load_demo_runs_again_after_an_editor_renamed_a_section_and_a_tag():
    from articles.models import Section, Tag

    run("load_demo")
    sport = Section.objects.get(slug="sport")
    sport.slug = "sports"
    sport.save()
    Tag.objects.filter(slug="ferries").update(slug="ferry")
    counts = (Section.objects.count(), Tag.objects.count(), Article.objects.count())

    assert "0 new article(s)" in run("load_demo")
    assert (Section.objects.count(), Tag.objects.count(), Article.objects.count()) == counts
    assert Section.objects.get(name=sport.name).slug == "sports"


def test_the_demo_has_readers_comments_a_held_one_and_a_reported_one_once(client):
    run("load_demo")
    run("load_demo")
    comments = list(ReaderComment.objects.order_by("submit_date"))

    assert len(comments) == 9
    assert [c.comment[:30] for c in ReaderComment.objects.held()] == ["Every storm the same story. Fi"]
    assert [c.user_name for c in ReaderComment.objects.reported()] == ["Harbour Watcher"]
    assert ReaderComment.objects.filter(level=1, is_public=True).count() == 3  # replies, in their threads
    for comment in comments:
        article = Article.objects.get(pk=comment.object_pk)
        assert article.published_at < comment.submit_date <= timezone.now(), comment.user_name

    storm = Article.objects.get(slug="storm-surge-closes-north-basin")
    page = client.get(storm.get_absolute_url()).content.decode()
    assert "They close on the forecast, not on the water." in page
    assert "Every storm the same story" not in page  # held: only the moderators see it
    assert "@example.net" not in page


def test_ensure_demo_logins_creates_the_roles_and_the_administrator_and_remembers_passwords(tmp_path):
    run("load_demo")
    logins_file = tmp_path / "logins.json"

    printed = run("ensure_demo_logins", "--logins-file", str(logins_file))

    passwords = dict(re.findall(r"^\s*(\w+)\s+password: (\S+)$", printed, re.M))
    assert set(passwords) == {"editor", "reporter", "moderator", "administrator"}
    assert json.loads(logins_file.read_text()) == passwords
    users = {u.username: u for u in get_user_model().objects.filter(username__in=passwords)}
    for username, role in [("editor", "Editor"), ("reporter", "Reporter"), ("moderator", "Moderator")]:
        user = users[username]
        assert user.is_staff and user.is_active and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(passwords[username])
    assert Author.objects.get(user=users["reporter"]).slug == "marta-quillon"
    # The printed lines line up, the longest name included.
    assert len({line.index("password:") for line in printed.splitlines()[1:]}) == 1

    assert run("ensure_demo_logins", "--logins-file", str(logins_file)) == printed

    users["editor"].set_password("changed-in-the-admin")
    users["editor"].save()
    again = dict(
        re.findall(
            r"^\s*(\w+)\s+password: (\S+)$",
            run("ensure_demo_logins", "--logins-file", str(logins_file)),
            re.M,
        )
    )
    assert again["editor"] != passwords["editor"] and again["reporter"] == passwords["reporter"]
    users["editor"].refresh_from_db()
    assert users["editor"].check_password(again["editor"])
    assert json.loads(logins_file.read_text())["editor"] == again["editor"]


def test_the_demo_administrator_reaches_what_no_role_does(tmp_path, client):
    """Users, Tokens, Redirects, Outgoing mails, commenters' addresses and /health/status/ could not be
    tried in the demo without `createsuperuser`."""
    run("load_demo")
    printed = run("ensure_demo_logins", "--logins-file", str(tmp_path / "logins.json"))
    password = re.search(r"^\s*administrator\s+password: (\S+)$", printed, re.M).group(1)
    administrator = get_user_model().objects.get(username="administrator")
    assert administrator.is_superuser and administrator.is_staff and not administrator.groups.exists()

    signed_in = client.post(reverse("admin:login"), {"username": "administrator", "password": password})
    assert signed_in.status_code == 302
    for name in [
        "auth_user",
        "authtoken_tokenproxy",
        "redirects_redirect",
        "newsroom_comments_outgoingmail",
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert administrator.has_perm("newsroom_comments.view_commenter_personal_data")
    assert client.get("/health/status/").status_code == 200


@pytest.mark.parametrize("command", ["load_demo", "ensure_demo_logins"])
def test_the_demo_stays_out_of_a_newsrooms_own_database(tmp_path, command):
    """`make run` or `make demo` with the production `.env` reach the newsroom's own database: the demo's
    stories, pictures and logins with printed passwords stay out of it unless asked for with --force."""
    ArticleFactory(published=True, slug="our-own-story")
    args = [command]
    if command == "ensure_demo_logins":
        args += ["--logins-file", str(tmp_path / "logins.json")]
    users = set(get_user_model().objects.values_list("username", flat=True))
    authors = set(Author.objects.values_list("slug", flat=True))

    with pytest.raises(CommandError) as refused:
        run(*args)

    assert str(refused.value) == (
        "This database holds 1 article and none of the demo's: it looks like a newsroom's own (is "
        "DATABASE_URL, perhaps from .env, the production one?). Nothing was changed. To add the demo to it "
        f"all the same: manage.py {command} --force"
    )
    assert list(Article.objects.values_list("slug", flat=True)) == ["our-own-story"]
    assert set(Author.objects.values_list("slug", flat=True)) == authors and not Image.objects.exists()
    assert set(get_user_model().objects.values_list("username", flat=True)) == users
    assert not (tmp_path / "logins.json").exists()

    run(*args, "--force")
    if command == "load_demo":
        assert Article.objects.filter(slug="storm-surge-closes-north-basin").exists()
        run(*args)  # with the demo in, again as often as `make run` starts
    else:
        made = set(get_user_model().objects.values_list("username", flat=True)) - users
        assert made == {"editor", "reporter", "moderator", "administrator"}


OWN_STORY = """
from articles.models import Article, Section
section = Section.objects.create(name="City", slug="city")
Article.objects.create(headline="Our own story", slug="our-own-story", section=section, body="<p>Ours.</p>")
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_leaves_a_newsrooms_own_database_unmigrated_too(migrated_sqlite):
    """`make demo` depended on `make migrate`, which ran before the refusal: a checkout newer than the
    newsroom's production applied its migrations to the newsroom's database, then said "Nothing was
    changed" (helper-55). Here one migration is not applied, as in a database of the release before."""
    environ = embedded_env(migrated_sqlite)

    def manage(*args):
        return subprocess.run(  # noqa: S603 - this project's interpreter, fixed arguments
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300, check=True,
        ).stdout  # fmt: skip

    manage("shell", "-c", OWN_STORY)
    manage("migrate", "sessions", "zero", "--noinput")
    before = manage("showmigrations", "sessions")
    assert "[ ] 0001_initial" in before

    for target in ("demo", "editor"):
        refused = subprocess.run(  # noqa: S603 - make with fixed arguments
            ["make", "--no-print-directory", "-o", "install", f"BIN={ROOT / '.venv' / 'bin'}", target],  # noqa: S607
            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert refused.returncode != 0
        assert "This database holds 1 article and none of the demo's" in refused.stderr
        assert "manage.py migrate" not in refused.stdout
    assert manage("showmigrations", "sessions") == before
    listed = manage(
        "shell",
        "-c",
        "from articles.models import Article; print(list(Article.objects.values_list('slug', flat=True)))",
    )
    assert listed.strip().endswith("\n['our-own-story']")
