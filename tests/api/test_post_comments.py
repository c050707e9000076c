"""Posting a comment through the API: the comments app's rules decide, and the email never comes back."""

import pytest
from django.core import mail

from comments.models import PendingComment, ReaderComment
from comments.moderation import NO_NAME
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

EMAIL = "sam.private@example.org"


@pytest.fixture(autouse=True)
def _comment_rules(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    settings.COMMENTS_DISALLOWED_WORDS = ["badword"]
    settings.COMMENTS_FLOOD_SECONDS = 15
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def article():
    return ArticleFactory(published=True)


def url(article):
    return f"/api/v1/articles/{article.pk}/comments/"


def test_an_anonymous_comment_waits_for_the_emailed_link(api, article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url(article), {"name": "Sam", "email": EMAIL, "comment": "Good news."}, format="json"
        )

    assert response.status_code == 202, response.json()
    assert response.json() == {
        "status": "confirm",
        "message": "We have emailed you a link: open it and press “Post my comment” to post the "
        "comment; it may then wait for a moderator.",
        "comment": None,
    }
    assert EMAIL not in response.content.decode()
    assert PendingComment.objects.get().user_email == EMAIL
    assert not ReaderComment.objects.exists()
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_a_signed_in_reader_is_published_at_once_and_can_be_read_back(api_as, reader, article):
    response = api_as(reader).post(url(article), {"comment": "First!"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "published"
    assert body["comment"]["name"] == "reader" and body["comment"]["text_html"] == "<p>First!</p>"
    assert reader.email not in response.content.decode()
    listed = api_as(None).get(url(article)).json()["results"]
    assert [c["id"] for c in listed] == [body["comment"]["id"]]


def test_every_missing_field_is_named_in_one_answer(api_as, article):
    """`{}` was answered "comment" first, then "name", then "email", one request each; the site's form
    names all three at once, and so does the API. Nothing is saved."""
    from tests.factories import UserFactory

    anonymous = api_as(None).post(url(article), {}, format="json")

    assert anonymous.status_code == 400
    errors = anonymous.json()["errors"]
    assert set(errors) == {"comment", "name", "email"}
    assert errors["email"] == ["Give an email address to confirm your comment."]
    # Signed in, only what the account cannot give: the text, and an address if the account has none.
    without_address = UserFactory(username="kit", email="")
    signed_in = api_as(without_address).post(url(article), {}, format="json")
    assert signed_in.status_code == 400
    assert set(signed_in.json()["errors"]) == {"comment", "email"}
    with_address = api_as(UserFactory(username="lee")).post(url(article), {}, format="json")
    assert set(with_address.json()["errors"]) == {"comment"}
    assert not ReaderComment.objects.exists()


@pytest.mark.parametrize("staff", [False, True])
def test_a_signed_in_client_comments_under_the_account_s_name_not_the_one_it_sends(
    api_as, article, staff, settings
):
    """A token's holder, reader or staff, could post under any name (a reporter's, the editor's): the name
    is the account's, full name or else username, and `name` is not needed; without a token it still is."""
    from tests.factories import UserFactory

    user = UserFactory(username="rosa", first_name="Rosa", last_name="Lind", is_staff=staff)

    response = api_as(user).post(
        url(article),
        {"name": "Marta Quillon", "email": "marta@example.org", "comment": "First!"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["comment"]["name"] == "Rosa Lind"
    assert (
        "marta@example.org" not in response.content.decode() and user.email not in response.content.decode()
    )
    comment = ReaderComment.objects.get()
    assert (comment.user, comment.user_name, comment.user_email) == (user, "Rosa Lind", "rosa@example.org")
    assert response.json()["comment"]["staff"] is staff
    listed = api_as(None).get(url(article)).json()["results"]
    assert [(c["name"], c["staff"]) for c in listed] == [("Rosa Lind", staff)]
    anonymous = api_as(None).post(url(article), {"email": EMAIL, "comment": "No name"}, format="json")
    assert anonymous.status_code == 400 and "name" in anonymous.json()["errors"]
    blank = api_as(None).post(url(article), {"name": " ", "email": EMAIL, "comment": "Blank"}, format="json")
    assert blank.status_code == 400 and blank.json()["errors"] == {"name": [NO_NAME]}
    # Signed in, an empty `name` is ignored like any other, not refused.
    settings.COMMENTS_FLOOD_SECONDS = 0  # a second comment at once is otherwise a flood
    again = api_as(user).post(url(article), {"name": "", "comment": "Second."}, format="json")
    assert again.status_code == 201 and again.json()["comment"]["name"] == "Rosa Lind"


def test_a_signed_in_client_s_name_is_ignored_whatever_its_length(api_as, reader, article):
    """Signed in, `name` is not used, so it is not checked: one longer than the form's 50 characters was a
    400 for a field the comment never takes. Without a token it still is, with its message."""
    long_name = "Marta Quillon, city reporter, answering for the desk"
    assert len(long_name) > 50

    response = api_as(reader).post(url(article), {"name": long_name, "comment": "First!"}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["comment"]["name"] == "reader"
    assert ReaderComment.objects.get().user_name == "reader"
    anonymous = api_as(None).post(
        url(article), {"name": long_name, "email": EMAIL, "comment": "Second."}, format="json"
    )
    assert anonymous.status_code == 400
    assert anonymous.json()["errors"] == {"name": ["Ensure this field has no more than 50 characters."]}
    assert ReaderComment.objects.count() == 1 and not PendingComment.objects.exists()


def test_a_held_comment_says_so_and_stays_hidden(api_as, reader, article):
    response = api_as(reader).post(url(article), {"name": "R", "comment": "Try my casino"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "held" and response.json()["comment"] is None
    assert api_as(None).get(url(article)).json()["results"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Sam", "comment": "No email"}, "email"),
        ({"name": "Sam", "email": "not-an-email", "comment": "x"}, "email"),
        ({"name": "x" * 51, "email": EMAIL, "comment": "x"}, "name"),
        ({"name": "Sam", "email": EMAIL, "comment": "x" * 3001}, "comment"),
        ({"name": "Sam", "email": EMAIL, "comment": "x", "url": "javascript:alert(1)"}, "url"),
        ({"name": "Sam", "email": EMAIL, "comment": "x", "website": "javascript:alert(1)"}, "website"),
        (
            {
                "name": "Sam",
                "email": EMAIL,
                "comment": "x",
                "website": "https://a.example",
                "url": "https://b.example",
            },
            "url",
        ),
        ({"name": "Sam", "email": EMAIL, "comment": "x", "is_public": True}, "is_public"),
    ],
)
def test_invalid_posts_are_refused_and_saved_nowhere(api, article, payload, field):
    response = api.post(url(article), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not PendingComment.objects.exists() and not ReaderComment.objects.exists()


@pytest.mark.parametrize(("given", "kind"), [("text", "text"), (True, "true or false")])
def test_a_parent_id_that_is_not_a_json_number_is_refused(api_as, reader, article, given, kind):
    """DRF reads "12" as 12 and true as 1: a client that sent the wrong type would post a reply it did not
    mean, or a reply to the comment numbered 1."""
    first = api_as(reader).post(url(article), {"name": "R", "comment": "First."}, format="json").json()
    parent = str(first["comment"]["id"]) if given == "text" else given

    response = api_as(reader).post(
        url(article), {"name": "R", "comment": "A reply.", "parent_id": parent}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {"parent_id": [f"Must be a number (a JSON number), not {kind}."]}
    assert list(ReaderComment.objects.values_list("comment", flat=True)) == ["First."]


@pytest.mark.parametrize("parent", ["none", "another story", "held", "removed"])
def test_a_parent_id_of_no_comment_on_the_site_under_the_story_is_a_400_naming_the_field(
    api_as, reader, article, parent
):
    """It was a 400 with no field named (`errors: {}`)."""
    from tests.comments.helpers import make_comment

    answered = {
        "none": None,
        "another story": make_comment(ArticleFactory(published=True), text="Elsewhere."),
        "held": make_comment(article, text="Waiting.", public=False),
        "removed": make_comment(article, text="Gone."),
    }[parent]
    if parent == "removed":
        ReaderComment.objects.filter(pk=answered.pk).update(is_public=False, is_removed=True)
    before = ReaderComment.objects.count()
    parent_id = answered.pk if answered else 1_000_000

    response = api_as(reader).post(
        url(article), {"name": "R", "comment": "A reply.", "parent_id": parent_id}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert response.json() == {
        "code": "bad_parent",
        "message": "The comment you are replying to is not available.",
        "errors": {"parent_id": ["The comment you are replying to is not available."]},
    }
    assert ReaderComment.objects.count() == before and not PendingComment.objects.exists()


def test_refusals_of_the_comment_rules_keep_their_status(api_as, reader, article, settings):
    client = api_as(reader)
    response = client.post(url(article), {"name": "R", "comment": "a badword here"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "disallowed_words"
    assert list(response.json()["errors"]) == ["comment"]
    assert client.post(url(article), {"name": "R", "comment": "Once"}, format="json").status_code == 201
    response = client.post(url(article), {"name": "R", "comment": "Once"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    response = client.post(url(article), {"name": "R", "comment": "Twice"}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "flood"
    assert response["Retry-After"] == "15"
    closed = ArticleFactory(published=True, comments_enabled=False)
    response = client.post(url(closed), {"name": "R", "comment": "Hello"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "closed"
    assert ReaderComment.objects.count() == 1


def test_drafts_take_no_comments(api, editor):
    draft = ArticleFactory()
    response = api.post(url(draft), {"name": "Sam", "email": EMAIL, "comment": "Hi"}, format="json")
    assert response.status_code == 404
    assert not PendingComment.objects.exists()


def test_comment_posts_are_throttled_per_address(api, article, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "comments": "2/hour"},
    }
    for n in range(2):
        payload = {"name": "Sam", "email": f"s{n}@example.org", "comment": f"Comment {n}"}
        assert (
            api.post(url(article), payload, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
            == 202
        )
    payload = {"name": "Sam", "email": "s9@example.org", "comment": "Comment 9"}
    response = api.post(url(article), payload, format="json", HTTP_X_FORWARDED_FOR="10.0.0.9")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert PendingComment.objects.count() == 2


def test_posts_sent_back_for_a_mistake_do_not_use_up_the_limit(api, article, settings):
    """A reader who leaves out the comment or mistypes the address gets a 400 and keeps their allowance."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "comments": "1/hour"},
    }
    mistakes = [{"name": "Sam", "email": EMAIL}, {"name": "Sam", "email": "sam@", "comment": "Hello"}]
    statuses = [api.post(url(article), payload, format="json").status_code for payload in mistakes * 2]
    assert statuses == [400] * 4

    payload = {"name": "Sam", "email": EMAIL, "comment": "Hello"}
    assert api.post(url(article), payload, format="json").status_code == 202
    again = {"name": "Sam", "email": "other@example.org", "comment": "Hello again"}
    response = api.post(url(article), again, format="json")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert list(PendingComment.objects.values_list("comment", flat=True)) == ["Hello"]


def test_an_address_at_a_blocked_domain_is_refused_through_the_api_too(api, article):
    from django_comments_xtd.models import BlackListedDomain

    BlackListedDomain.objects.create(domain="Spam.Example")
    payload = {"name": "Sam", "email": "sam@spam.example", "comment": "Cheap ferry tickets"}

    response = api.post(url(article), payload, format="json")

    assert response.status_code == 400 and response.json()["code"] == "blocked_domain"
    assert "We do not accept comments from email addresses at this domain." in response.json()["message"]
    assert response.json()["errors"] == {"email": [response.json()["message"]]}
    assert not PendingComment.objects.exists() and not ReaderComment.objects.exists() and not mail.outbox


def test_staff_answering_readers_are_not_held_to_the_readers_limit(api_as, editor, article, settings):
    """The comments app's flood rule skips staff; the API's per-address limit did not (one office address)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "comments": "2/hour"},
    }
    client = api_as(editor)
    statuses = [
        client.post(url(article), {"name": "The desk", "comment": f"Thanks, {n}."}, format="json").status_code
        for n in range(4)
    ]
    assert statuses == [201] * 4
    assert ReaderComment.objects.filter(user=editor).count() == 4


def test_the_website_goes_by_the_name_the_api_reads_it_by_and_by_its_former_one(
    api_as, reader, article, settings
):
    """`website` on the way in as on the way out; `url`, its former name, still works for old clients."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    client = api_as(reader)
    posted = client.post(
        url(article), {"name": "R", "comment": "First", "website": "https://r.example/"}, format="json"
    )
    assert posted.status_code == 201 and posted.json()["comment"]["website"] == "https://r.example/"
    older = client.post(
        url(article), {"name": "R", "comment": "Second", "url": "https://old.example/"}, format="json"
    )
    assert older.status_code == 201 and older.json()["comment"]["website"] == "https://old.example/"
    assert sorted(ReaderComment.objects.values_list("user_url", flat=True)) == [
        "https://old.example/",
        "https://r.example/",
    ]
