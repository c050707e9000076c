"""The roles come from a migration: every install has Reporter, Editor and Moderator with the right rights."""

import pytest
import reversion
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_the_three_roles_exist():
    assert {"Reporter", "Editor", "Moderator"} <= set(Group.objects.values_list("name", flat=True))


def test_reporter_writes_but_cannot_publish_delete_or_edit_others():
    perms = codenames("Reporter")

    assert {
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.add_byline", "articles.add_image", "articles.add_tag", "authors.view_author",
    } <= perms  # fmt: skip
    assert not perms & {
        "articles.publish_article", "articles.edit_any_article", "articles.delete_article",
        "articles.change_section", "authors.change_author",
    }  # fmt: skip


def test_editor_publishes_edits_everything_and_manages_sections_tags_and_authors():
    perms = codenames("Editor")

    assert {
        "articles.publish_article", "articles.edit_any_article", "articles.change_article",
        "articles.delete_article", "articles.add_section", "articles.change_section", "articles.change_tag",
        "articles.add_image", "authors.add_author", "authors.change_author",
    } <= perms  # fmt: skip


def test_moderator_has_comment_rights_only():
    perms = codenames("Moderator")

    assert "django_comments.can_moderate" in perms
    assert not {p for p in perms if p.startswith(("articles.", "authors."))}


@pytest.mark.parametrize(
    ("role", "can_publish", "can_edit_any"),
    [("Reporter", False, False), ("Editor", True, True), ("Moderator", False, False)],
)
def test_a_user_in_a_role_gets_its_rights(role, can_publish, can_edit_any):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))

    assert user.has_perm("articles.publish_article") is can_publish
    assert user.has_perm("articles.edit_any_article") is can_edit_any


def test_moderator_sees_no_article_admin_at_all(client_as, moderator):
    client = client_as(moderator)

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:articles_article_changelist") not in index.content.decode()
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert client.get(reverse("admin:articles_article_change", args=[ArticleFactory().pk])).status_code == 403
    assert client.get(reverse("admin:articles_section_changelist")).status_code == 403
    assert client.get(reverse("admin:authors_author_changelist")).status_code == 403


def refusal_text(response) -> str:
    assert response.status_code == 403
    return " ".join(
        BeautifulSoup(response.content, "html.parser").select_one(".error-page").get_text().split()
    )


@pytest.mark.parametrize(
    ("role", "says", "never"),
    [
        ("reporter", "If it is work on a story, an editor can do it; any other right is given by an "
         "administrator", "an editor can do it, or give you the right"),
        ("moderator", "If it is work on a story, an editor can do it; any other right is given by an "
         "administrator", "an editor can do it, or give you the right"),
        # Editors cannot change users' rights (Users is refused them), so they are sent to an administrator.
        ("editor", "an administrator, who manages the newsroom's accounts, can do it or give you the right",
         "an editor"),
    ],
    ids=["reporter", "moderator", "editor"],
)  # fmt: skip
def test_the_refusal_page_names_who_can_help_as_each_role_has_it(request, client_as, role, says, never):
    """It told a moderator "an editor can do it, or give you the right": editors cannot give rights."""
    client = client_as(request.getfixturevalue(role))

    text = refusal_text(client.get(reverse("admin:auth_user_changelist")))

    assert says in text and never not in text
    assert text.startswith(
        "Error 403 This page is not open to you Your role in the newsroom does not allow this"
    )


def test_the_refusal_page_gives_the_refusals_own_reason_where_it_has_one(client_as, editor):
    """Recovering a story that was never deleted: the page said the editor's role did not allow it, where
    the reason (and what to do instead) was the refusal's own."""
    article = ArticleFactory()
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    chief = UserFactory(username="chief", is_staff=True, is_superuser=True)
    url = reverse("admin:articles_article_recover", args=[version.pk])

    for user in (editor, chief):
        text = refusal_text(client_as(user).get(url))
        assert "This article was not deleted: use its History to restore a version." in text
        assert "Your role" not in text and "No account may" not in text


def test_the_refusal_page_tells_an_administrator_no_account_may(client_as):
    """What an administrator is refused, everyone is, and a refusal that gives no reason of its own says so:
    a comment's address, which no one may change."""
    chief = UserFactory(username="chief", is_staff=True, is_superuser=True)

    response = client_as(chief).get(reverse("admin:newsroom_comments_readercomment_add"))

    assert response.status_code == 403
    text = refusal_text(response)
    assert "No account may do this here, not even an administrator's." in text
    assert "Your role" not in text
