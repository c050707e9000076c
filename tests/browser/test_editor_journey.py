"""An editor writes with formatting and a library image, previews, publishes; readers see exactly that.

Real Chromium through Playwright (see conftest.py). Screenshots of the desk and of the editor are saved in
test-output/screenshots/.
"""

import re

import pytest
from django.contrib.auth.models import Group

from articles.models import Article
from tests.browser.conftest import SCREENSHOTS
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, UserFactory
from tests.site_data import harbour_picture

pytestmark = pytest.mark.browser

EDITABLE = ".prose-editor:has(#id_body) .tiptap[contenteditable=true]"


@pytest.fixture
def desk_editor(site):
    user = UserFactory(username="desk_editor", first_name="Dana", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))  # the role as migrations made it
    return user


@pytest.fixture
def editor_tab(chromium, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    local = re.compile(r"^https?://(localhost|127\.0\.0\.1)[:/]")
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if local.match(route.request.url)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.console_errors = errors
    tab.outside_requests = outside
    yield tab
    context.close()


def shot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def sign_in(tab, site, username):
    tab.goto(site.url + "/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", "correct horse battery staple")
    tab.click("input[type=submit]")


def questions_asked(tab, accept=(False,)):
    """The confirm() questions the page asks, in order; each is answered as `accept[0]` says then."""
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept() if accept[0] else dialog.dismiss()

    tab.on("dialog", answer)
    return questions


def choose_action(tab, pk, action):
    """Tick one row of an admin list and choose one of its actions (the caller presses Go)."""
    tab.check(f"input[name=_selected_action][value='{pk}']")
    tab.select_option("select[name=action]", action)


def select_the_body(tab, site, article):
    """Signed in as the desk's editor, the article's body in the editor, all of it selected."""
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    tab.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    body = tab.locator(EDITABLE)
    body.wait_for()
    body.click()
    tab.keyboard.press("Control+A")


def paste(tab, html):
    """Paste HTML into the body's editor, as a browser does from another program's clipboard."""
    tab.eval_on_selector(
        EDITABLE,
        """(el, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", html.replace(/<[^>]*>/g, ""));
            const init = {clipboardData: data, bubbles: true, cancelable: true};
            el.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        html,
    )


def save_and_reread(tab, article):
    """Save the form open in the tab, and read the article as it was saved."""
    tab.click("input[name=_save]")
    tab.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))
    article.refresh_from_db()


def story_body(tab):
    """The body as the page holds it, as HTML."""
    return tab.eval_on_selector(".story-body", "el => el.innerHTML").strip()


def test_editor_writes_previews_and_publishes_and_readers_see_that_formatting(editor_tab, site, desk_editor):
    tab = editor_tab
    section = SectionFactory(slug="city", name="City")
    author = AuthorFactory(user=desk_editor, display_name="Dana Reyes")
    picture = ImageFactory(
        title="Harbour at dawn",
        caption="The new pier at first light.",
        credit="Lia Moss",
        alt_text="Ferries moored at a new pier",
        file=harbour_picture(),
    )
    article = ArticleFactory(
        section=section, headline="Ferries return to the harbour", slug="ferries-return", authors=[author]
    )

    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    assert tab.locator("#desk-drafts .desk-count").inner_text() == "1"
    assert tab.locator("#desk-drafts li a").inner_text() == "Ferries return to the harbour"
    shot(tab, "desk")

    tab.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    body = tab.locator(EDITABLE)
    body.wait_for()
    assert body.get_attribute("spellcheck") != "false"  # the browser checks a writer's spelling
    body.click()
    tab.keyboard.press("Control+A")
    tab.keyboard.press("Delete")
    keys = tab.keyboard
    keys.type("Ferry services are back. ")
    keys.press("Control+B")
    keys.type("Two piers")
    keys.press("Control+B")
    keys.type(" open, ")
    keys.press("Control+I")
    keys.type("on time")
    keys.press("Control+I")
    keys.type(".")
    keys.press("Enter")
    keys.type("## Timetable")
    keys.press("Enter")
    keys.type("- Morning boats")
    keys.press("Enter")
    keys.type("Evening boats")
    keys.press("Enter")
    keys.press("Enter")
    keys.type("---")

    # A figure with a picture from the library, through the editor's "Browse..." picker.
    tab.click('.prose-editor:has(#id_body) button[data-name="figure"]')
    dialog = tab.locator("dialog[open]")
    with tab.context.expect_page() as opened:
        dialog.get_by_role("button", name=re.compile("Browse")).click()
    picker = opened.value
    picker.wait_for_load_state()
    choice = picker.locator(".image-picker-choice", has_text="Harbour at dawn")
    choice.wait_for()
    # A choice fills the figure dialog and closes the picker's window. A plain click could lose the race with
    # that close (Playwright's TargetClosedError, seen once in a fresh clone): the page clicks, we await the
    # close.
    with picker.expect_event("close"):
        choice.evaluate("button => setTimeout(() => button.click())")
    assert dialog.locator("input[name=altText]").input_value() == "Ferries moored at a new pier"
    dialog.locator("input[name=caption]").fill("The new pier at first light.")
    dialog.get_by_role("button", name="Insert").click()

    # Below the figure (ProseMirror's gap cursor), a block quote made a pull quote.
    tab.locator(EDITABLE).locator("figcaption").click()
    keys.press("End")
    keys.press("ArrowDown")
    keys.type("> The harbour is alive again.")
    style = tab.locator(".prose-editor:has(#id_body) .prose-menubar__dropdown").filter(
        has=tab.get_by_role("button", name="Block style")
    )
    # Its arrow is drawn, not a character a font may lack (U+23F7 showed as a box on Debian's fonts).
    arrow = style.locator(".prose-menubar__selected").evaluate(
        "el => { const a = getComputedStyle(el, '::after'); return [a.content, a.borderTopWidth] }"
    )
    assert arrow == ['""', "5px"]
    style.locator(".prose-menubar__selected").click()
    style.locator(".prose-menubar__picker").get_by_text("blockquote: Pull quote").click()

    words = tab.locator("#id_body_words")
    assert re.match(r"\d+ words · about 1 min to read", words.inner_text())
    assert int(words.get_attribute("data-words")) >= 15
    assert "characters" in tab.locator("#id_headline_length").inner_text()
    shot(tab, "editor")

    # Preview: the unsaved article in the site's template, in a new tab.
    with tab.context.expect_page() as opened:
        tab.get_by_role("button", name="Preview", exact=True).click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Ferries return to the harbour"
    assert "Preview: this article is not published." in preview.locator(".preview-banner").inner_text()
    previewed = story_body(preview)
    assert "<strong>Two piers</strong>" in previewed and "<h2>Timetable</h2>" in previewed
    shot(preview, "preview")
    preview.close()
    assert Article.objects.get(pk=article.pk).body == "<p>The council voted seven to two in favour.</p>"

    tab.get_by_role("button", name="Save and publish now").click()
    tab.wait_for_url(re.compile(r"/admin/articles/article/"))
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    stored = article.body
    for fragment in [
        "<p>Ferry services are back. <strong>Two piers</strong> open, <em>on time</em>.</p>",
        "<h2>Timetable</h2>",
        "<ul><li><p>Morning boats</p></li><li><p>Evening boats</p></li></ul>",
        "<hr>",
        f'data-file="{picture.pk}"',
        '<figcaption class="figure-caption">The new pier at first light.</figcaption></figure>',
        '<blockquote class="pullquote"><p>The harbour is alive again.</p></blockquote>',
    ]:
        assert fragment in stored, stored
    assert previewed == stored

    # The public page shows exactly what was stored, and the figure's picture is the library's rendition.
    tab.goto(site.url + article.get_absolute_url())
    assert story_body(tab) == stored
    assert tab.eval_on_selector(".story-body figure img", "img => img.complete && img.naturalWidth > 0")
    assert "/media/renditions/" in tab.eval_on_selector(".story-body figure img", "img => img.currentSrc")
    shot(tab, "published")

    # The editor's page reopened shows the same HTML (the editor kept everything it was given).
    tab.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    tab.locator(EDITABLE).wait_for()
    assert tab.locator(EDITABLE).locator("blockquote.pullquote").count() == 1
    assert tab.locator(EDITABLE).locator("figure img").count() == 1
    assert tab.outside_requests == []
    assert tab.console_errors == []


def test_a_new_storys_body_is_a_writing_area_not_a_one_line_box(editor_tab, site, desk_editor):
    """An empty body was a 30 px box, read as a one-line field; it starts about twenty lines tall, and its
    counter does not promise a minute's reading of nothing."""
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    tab.goto(site.url + "/admin/articles/article/add/")
    body = tab.locator(EDITABLE)
    body.wait_for()
    assert body.inner_text().strip() == ""
    assert tab.locator("#id_body_words").inner_text() == "0 words"  # no "about 1 min to read" of nothing
    height = body.bounding_box()["height"]
    assert height >= 300, height
    headline = tab.locator("#id_headline").bounding_box()["height"]
    assert height > 8 * headline
    shot(tab, "editor-new-story")
    assert not tab.console_errors


def test_the_slug_follows_the_headline_put_right_after_a_refusal(editor_tab, site, desk_editor):
    """Django's slug filler follows the headline only while the slug is empty as the page loads: on a new
    story's form sent back (here for HTML in the headline), the slug kept the refused spelling once the
    headline was put right. It follows until the writer types a slug of their own."""
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    tab.goto(site.url + "/admin/articles/article/add/")
    tab.locator("#id_headline").press_sequentially("<b>Big</b> news")
    assert tab.locator("#id_slug").input_value() == "bbigb-news"
    tab.click("input[name=_continue]")
    tab.wait_for_selector(".errornote")
    assert "Plain text only" in tab.locator(".field-headline .errorlist").inner_text()
    assert tab.locator("#id_slug").input_value() == "bbigb-news"

    tab.locator("#id_headline").fill("")
    tab.locator("#id_headline").press_sequentially("Big news")
    assert tab.locator("#id_slug").input_value() == "big-news"
    tab.locator("#id_slug").fill("big-news-today")
    tab.locator("#id_headline").press_sequentially(" tonight")
    assert tab.locator("#id_slug").input_value() == "big-news-today"  # the writer's own stays
    assert not Article.objects.exists()
    assert not tab.console_errors


def test_headings_pasted_from_elsewhere_stay_headings_in_the_body(editor_tab, site, desk_editor):
    """A web page's or a word processor's "Heading 1" (and h5, h6) pasted into the body: the editor knows h2
    to h4 only, and made them plain paragraphs; they come in as the sanitiser renames them on save."""
    tab = editor_tab
    article = ArticleFactory(headline="Who pays for the pier", body="<p>Draft.</p>")
    select_the_body(tab, site, article)
    pasted = '<h1 id="x">Who pays</h1><p>The council, <b>mostly</b>.</p><h6>Figures from the port</h6>'
    paste(tab, pasted)

    html = tab.eval_on_selector(EDITABLE, "el => el.innerHTML")
    assert "<h2>Who pays</h2>" in html and "<h4>Figures from the port</h4>" in html, html
    assert "<strong>mostly</strong>" in html and "<h1" not in html and "<h6" not in html
    assert not tab.console_errors


def word_item(text, marker, level=1, position="Middle"):
    """A list item as Word puts it on the clipboard: a paragraph with its bullet or number typed in."""
    return (
        f"<p class=MsoListParagraphCxSp{position} style='text-indent:-18.0pt;mso-list:l0 level{level} lfo1'>"
        "<!--[if !supportLists]--><span style='font-family:Symbol'><span style='mso-list:Ignore'>"
        f"{marker}<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span>"
        f"<!--[endif]-->{text}<o:p></o:p></p>"
    )


def test_lists_pasted_from_word_stay_lists_to_the_page(editor_tab, site, desk_editor):
    """Word writes each list item as a paragraph with its bullet or number typed in: they came into the body
    as paragraphs reading "·   Ferries" and "1.   Vote", and the page showed no list."""
    tab = editor_tab
    article = ArticleFactory(published=True, headline="What the council decided", body="<p>Draft.</p>")
    select_the_body(tab, site, article)
    pasted = (
        "<p class=MsoNormal>Decided:<o:p></o:p></p>"
        + word_item("Ferries run <b>hourly</b>", "·", position="First")
        + word_item("From the north pier", "o", level=2)
        + word_item("Fares stay", "·", position="Last")
        + "<p class=MsoNormal>Next steps:<o:p></o:p></p>"
        + word_item("Vote in March", "1.", position="First")
        + word_item("Works begin", "2.", position="Last")
    )
    paste(tab, pasted)
    save_and_reread(tab, article)
    assert article.body == (
        "<p>Decided:</p>"
        "<ul><li><p>Ferries run <strong>hourly</strong></p><ul><li><p>From the north pier</p></li></ul></li>"
        "<li><p>Fares stay</p></li></ul>"
        "<p>Next steps:</p>"
        "<ol><li><p>Vote in March</p></li><li><p>Works begin</p></li></ol>"
    )
    tab.goto(site + article.get_absolute_url())
    shot(tab, "story-with-lists-from-word")
    items = tab.eval_on_selector_all(".story-body li > p", "els => els.map(el => el.textContent)")
    assert items == [
        "Ferries run hourly",
        "From the north pier",
        "Fares stay",
        "Vote in March",
        "Works begin",
    ]
    assert tab.eval_on_selector_all(".story-body ol > li", "els => els.length") == 2
    assert not tab.console_errors


def test_a_table_pasted_from_a_word_processor_keeps_its_rows_and_cells_to_the_page(
    editor_tab, site, desk_editor
):
    """Without tables in the editor, a pasted timetable's cells ran together ("BerthClosed") in one paragraph.
    Now its header and data cells are kept through the save and shown on the story's page as a table."""
    tab = editor_tab
    article = ArticleFactory(published=True, headline="Ferry berths this week", body="<p>Draft.</p>")
    select_the_body(tab, site, article)
    pasted = (
        '<table class="MsoTableGrid" style="border:solid" border="1"><tr><td><b>Berth</b></td>'
        '<td style="mso-x:1"><b>Status</b></td></tr><tr><td>North</td><td>Closed</td></tr>'
        "<tr><td>South</td><td>Open <i>from Monday</i></td></tr></table>"
    )
    paste(tab, pasted)
    shot(tab, "editor-with-table")
    save_and_reread(tab, article)
    assert article.body == (
        "<table><tbody>"
        "<tr><td><p><strong>Berth</strong></p></td><td><p><strong>Status</strong></p></td></tr>"
        "<tr><td><p>North</p></td><td><p>Closed</p></td></tr>"
        "<tr><td><p>South</p></td><td><p>Open <em>from Monday</em></p></td></tr>"
        "</tbody></table>"
    )
    tab.goto(site.url + article.get_absolute_url())
    cells = tab.eval_on_selector_all(
        ".story-body table tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    assert cells == [["Berth", "Status"], ["North", "Closed"], ["South", "Open from Monday"]]
    shot(tab, "article-with-table")
    assert not tab.console_errors


def test_a_byline_added_with_add_another_comes_last(editor_tab, site, desk_editor):
    """Django's blank row says position 0, which put a third byline second: it is numbered after the rest."""
    tab = editor_tab
    first, second = AuthorFactory(display_name="Ann Lee"), AuthorFactory(display_name="Bo Park")
    article = ArticleFactory(headline="Two bylines so far", authors=[first, second])
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    tab.goto(site.url + f"/admin/articles/article/{article.pk}/change/")

    tab.click("#bylines-group .add-row a")
    tab.click("#related_links-group .add-row a")

    positions = tab.eval_on_selector_all(
        "#bylines-group tr.form-row:not(.empty-form) input[name$='-position']", "els => els.map(e => e.value)"
    )
    assert positions == ["0", "1", "2"]
    assert tab.input_value("#related_links-group tr.dynamic-related_links input[name$='-position']") == "0"
    assert not tab.console_errors


def test_taking_a_story_off_the_site_asks_first(editor_tab, site, desk_editor):
    """Unpublish on the form and the list's bulk action ask; dismissing the question changes nothing."""
    story = ArticleFactory(published=True, headline="Ferry strike ends")
    other = ArticleFactory(published=True, headline="Quay reopens")
    tab = editor_tab
    sign_in(tab, site, "desk_editor")

    accept = [False]
    questions = questions_asked(tab, accept)
    tab.goto(site.url + f"/admin/articles/article/{story.pk}/change/")
    tab.click("input[name=_unpublish]")
    tab.wait_for_timeout(300)
    assert questions == ["Take this story off the site? Readers will no longer see it."]
    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED

    accept[0] = True
    tab.goto(site.url + "/admin/articles/article/")
    choose_action(tab, other.pk, "unpublish_selected")
    with tab.expect_navigation():
        tab.click("button[name=index]")
    assert questions[-1].startswith("Take the selected stories off the site?")
    assert Article.objects.get(pk=other.pk).status == Article.Status.UNPUBLISHED

    accept[0] = False  # publishing several at once asks too
    choose_action(tab, other.pk, "publish_selected")
    tab.click("button[name=index]")
    tab.wait_for_timeout(300)
    assert questions[-1] == (
        "Publish the selected stories now? Readers see them at once, and they are shared. "
        "(Scheduled ones keep their time.)"
    )
    assert Article.objects.get(pk=other.pk).status == Article.Status.UNPUBLISHED
    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED


def test_removing_one_comment_from_its_page_asks_about_that_comment(editor_tab, site, desk_editor):
    from comments.models import ReaderComment
    from tests.comments.helpers import make_comment

    comment = make_comment(ArticleFactory(published=True), text="A rude remark")
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    questions = questions_asked(tab)
    tab.goto(site.url + f"/admin/newsroom_comments/readercomment/{comment.pk}/change/")
    tab.click("button[name=action][value=remove]")
    tab.click("button[name=action][value=mark_spam]")
    tab.wait_for_timeout(300)

    assert questions == [
        "Remove this comment from the site?",
        "Mark this comment as spam and remove it from the site?",
    ]
    assert ReaderComment.objects.approved().filter(pk=comment.pk).exists()


def test_erasing_commenters_data_from_the_queue_asks_first(editor_tab, site):
    """The one step in the queue that cannot be undone asks, and a dismissed question erases nothing."""
    from comments.models import ReaderComment
    from tests.comments.helpers import make_comment

    UserFactory(username="desk_chief", is_staff=True, is_superuser=True)  # only they may erase
    comment = make_comment(ArticleFactory(published=True), text="Mine to erase")
    tab = editor_tab
    sign_in(tab, site, "desk_chief")
    questions = questions_asked(tab)
    tab.goto(site.url + "/admin/newsroom_comments/readercomment/?state=all")
    choose_action(tab, comment.pk, "erase_personal_data")
    tab.click("button[name=index]")
    tab.wait_for_timeout(300)

    assert questions and questions[-1].startswith("Erase the name, email, website and IP address")
    assert ReaderComment.objects.get(pk=comment.pk).user_email == "grace@example.net"


def test_sharing_again_from_the_shares_list_asks_first(editor_tab, site, desk_editor, settings):
    """The list's bulk actions post to the networks at once, as the story's own buttons do: both ask."""
    from sharing.models import ShareRecord

    settings.SHARING_ACCOUNTS = [{"name": "dev-log", "network": "log"}]
    share = ShareRecord.objects.create(
        article=ArticleFactory(published=True), account="dev-log", network="log", state=ShareRecord.State.SENT
    )
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    questions = questions_asked(tab)
    tab.goto(site.url + "/admin/sharing/sharerecord/")
    choose_action(tab, share.pk, "share_again_selected")
    tab.click("button[name=index]")
    tab.wait_for_timeout(300)

    assert questions == [
        "Post the selected stories once more, as new posts, on the same accounts? They go out at once."
    ]
    assert ShareRecord.objects.count() == 1  # dismissed: nothing asked of the networks


WORDS_SPLIT_ACROSS_LINES = """table => {
  const split = [];
  for (const cell of table.querySelectorAll("tbody th, tbody td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        if (range.getClientRects().length > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


def test_history_on_a_phone_wraps_names_and_dates_between_words(editor_tab, site, desk_editor):
    """At 390 px Django's history table let the name column shrink to a letter: "Mart a Quill on"."""
    import reversion

    desk_editor.first_name, desk_editor.last_name = "Marta", "Quillon"
    desk_editor.save()
    article = ArticleFactory(headline="Harbour pilots vote to strike over night shifts")
    with reversion.create_revision():
        reversion.set_user(desk_editor)
        reversion.set_comment(
            "Added. Added byline “Marta Quillon on Harbour pilots vote to strike over night shifts”. Added "
            "related article “Storm surge closes the North Basin for the first time in nine years”."
        )
        article.save()
    tab = editor_tab
    tab.set_viewport_size({"width": 390, "height": 844})
    sign_in(tab, site, "desk_editor")

    tab.goto(f"{site.url}/admin/articles/article/{article.pk}/history/")

    assert tab.locator("#change-history tbody td").first.inner_text() == "Marta Quillon"
    shot(tab, "history-390")
    assert tab.eval_on_selector("#change-history", WORDS_SPLIT_ACROSS_LINES) == []


def test_a_story_read_without_the_right_to_edit_it_shows_its_lists_as_lists(editor_tab, site, reporter):
    """The admin's form styles pushed a body's list 160 px right of its paragraphs and took its bullets
    away: a reporter reading a colleague's story saw three loose lines far from the text."""
    article = ArticleFactory(
        body="<p>What changes on Monday:</p><ul><li>The ferry runs at midnight.</li><li>Fares stay the same."
        "</li></ul><ol><li>Board at the quay.</li><li>Show the ticket.</li></ol>",
    )
    tab = editor_tab
    sign_in(tab, site, "reporter")
    tab.wait_for_url(re.compile(r"/admin/$"))

    tab.goto(f"{site.url}/admin/articles/article/{article.pk}/change/")

    view = tab.locator(".article-body-view")
    paragraph = view.locator("p").first.bounding_box()
    for kind, marker in (("ul", "disc"), ("ol", "decimal")):
        item = view.locator(f"{kind} > li").first
        assert item.evaluate("li => getComputedStyle(li).listStyleType") == marker
        indent = item.bounding_box()["x"] - paragraph["x"]
        assert 0 < indent <= 40, (kind, indent)  # room for the marker, beside the text as on the site
    shot(tab, "article-read-only-lists")


def test_a_long_headline_in_the_shares_list_wraps_and_every_column_stays_in_view(
    editor_tab, site, desk_editor
):
    """The article column kept its headline to one line: at 1280 px a long one pushed "Created at" out of
    the list's box, to be scrolled to sideways."""
    from sharing.models import ShareRecord

    headline = (
        "Harbour authority and ferry crews agree a three-year pay deal after a week of talks on the quay"
    )
    ShareRecord.objects.create(
        article=ArticleFactory(headline=headline, published=True),
        account="dev-log",
        network="log",
        state=ShareRecord.State.SENT,
    )
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))

    tab.goto(site.url + "/admin/sharing/sharerecord/")

    box = tab.eval_on_selector(".results", "box => [box.clientWidth, box.scrollWidth]")
    assert box[1] <= box[0], box  # nothing to scroll to
    assert tab.locator("#result_list tbody th").first.inner_text() == headline  # linked to the share
    shot(tab, "shares-list")


def test_leaving_a_story_with_changes_not_saved_asks_first(editor_tab, site, desk_editor):
    """A breadcrumb clicked after writing left the page at once and the words were gone; the browser now asks,
    and staying keeps them. An untouched form, and a save, leave without a question."""
    story = ArticleFactory(headline="Night ferry trial", body="<p>The first crossing leaves at midnight.</p>")
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    accept = [False]
    questions = []
    tab.on(
        "dialog",
        lambda dialog: (questions.append(dialog.type), dialog.accept() if accept[0] else dialog.dismiss()),
    )
    change = site.url + f"/admin/articles/article/{story.pk}/change/"

    def leave():
        tab.click(".breadcrumbs a >> nth=0")
        tab.wait_for_timeout(500)

    tab.goto(change)
    tab.locator(EDITABLE).wait_for()
    leave()
    assert tab.url == site.url + "/admin/"
    assert questions == []  # nothing changed, nothing asked

    tab.goto(change)
    tab.click("#id_headline")
    tab.keyboard.press("End")
    tab.keyboard.type(" extended")
    leave()
    assert questions == ["beforeunload"]
    assert tab.url == change  # the writer stayed, the words still there
    assert tab.locator("#id_headline").input_value() == "Night ferry trial extended"

    accept[0] = True  # the writer lets that go
    tab.goto(change)
    accept[0] = False
    body = tab.locator(EDITABLE)
    body.locator("p").first.click()
    tab.keyboard.press("End")
    tab.click(".prose-menubar button[data-name=horizontalRule]")  # a change made with the toolbar alone
    leave()
    assert questions == ["beforeunload", "beforeunload", "beforeunload"]
    assert tab.url == change

    body.locator("p").first.click()
    tab.keyboard.press("End")
    tab.keyboard.type(" It takes forty minutes.")
    tab.click("input[name=_save]")
    tab.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))
    assert len(questions) == 3  # saving is not leaving
    story.refresh_from_db()
    assert story.headline == "Night ferry trial"
    assert story.body == "<p>The first crossing leaves at midnight. It takes forty minutes.</p><hr><p></p>"
    assert not tab.console_errors


def test_the_word_count_keeps_its_line_beside_a_body_with_a_wide_picture(editor_tab, site, desk_editor):
    """A picture in the body widened the editor, and the words and reading time beside it were squeezed to
    a word or two a line."""
    picture = ImageFactory(title="Cranes at dawn", file=harbour_picture(width=1600, height=900))
    story = ArticleFactory(
        body=(
            "<p>The cranes stood still.</p>"
            f'<figure class="figure"><img src="{picture.file.url}" alt="Cranes" data-file="{picture.pk}">'
            '<figcaption class="figure-caption">Cranes at dawn.</figcaption></figure>'
        )
    )
    tab = editor_tab
    sign_in(tab, site, "desk_editor")
    tab.wait_for_url(re.compile(r"/admin/$"))
    tab.goto(site.url + f"/admin/articles/article/{story.pk}/change/")
    tab.locator(EDITABLE).wait_for()
    tab.wait_for_function("document.querySelector('.prose-editor img').complete")

    meter = tab.locator("#id_body_words")
    assert meter.inner_text() == "7 words · about 1 min to read"  # the caption too
    # The lines its text is set on (its box is as tall as the editor beside it).
    lines = meter.evaluate(
        """el => {
            const text = document.createRange();
            text.selectNodeContents(el);
            return new Set([...text.getClientRects()].map(rect => Math.round(rect.top))).size;
        }"""
    )
    assert lines == 1
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(tab, "editor-wide-picture")
    assert not tab.console_errors
