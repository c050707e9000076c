import pytest

from sharing import text

URL = "https://news.example.org/world/2026/11/25/council-approves-harbour-plan/"
LIMITS = [(280, "x"), (300, "graphemes"), (500, "mastodon")]


def words(word, n):
    return " ".join([word] * n)


@pytest.mark.parametrize(("limit", "rule"), LIMITS)
def test_short_text_is_kept_whole_with_url_and_hashtags(limit, rule):
    result = text.fit(
        body="Council approves harbour plan", url=URL, tags=["#Harbour", "#Council"], limit=limit, rule=rule
    )
    assert result == f"Council approves harbour plan\n\n#Harbour #Council\n\n{URL}"


@pytest.mark.parametrize(("limit", "rule"), LIMITS)
@pytest.mark.parametrize(
    "word",
    [
        "harbour",
        "👩🏽‍💻",  # one grapheme of five code points
        "e\u0301te\u0301",  # combining acute accents
        "שלום",  # Hebrew, right to left
        "مرحبا",  # Arabic, right to left
        "港湾計画",  # counted double on X
    ],
    ids=["latin", "emoji", "combining", "hebrew", "arabic", "cjk"],
)
def test_long_text_is_cut_at_a_word_boundary_and_fits(limit, rule, word):
    body = words(word, 400)
    result = text.fit(body=body, url=URL, tags=["#Tag"], limit=limit, rule=rule)
    measure = text.RULES[rule]

    assert measure(result) <= limit
    assert result.endswith(f"…\n\n{URL}")  # the URL whole, after the ellipsis
    kept = result.split("\n\n")[0].removesuffix("…")
    assert kept.split(" ") == [word] * len(kept.split(" "))  # only whole words: no cut grapheme or word
    assert measure(text.compose(f"{kept} {word}…", URL, [])) > limit  # one word more would not fit
    assert "#Tag" not in result  # hashtags go before the body is cut


def test_hashtags_are_dropped_from_the_end_first():
    body = words("a", 100)  # 199 characters
    result = text.fit(body=body, url=URL, tags=["#First", "#Second" * 5], limit=260, rule="x")
    assert result == f"{body}\n\n#First\n\n{URL}"


def test_x_counts_every_link_as_23():
    long_url = "https://news.example.org/" + "x" * 200
    assert text.x_length(f"Read {long_url}") == 5 + 23
    assert text.x_length("👩🏽‍💻") == 2
    assert text.x_length("港") == 2
    result = text.fit(body=words("harbour", 60), url=long_url, tags=[], limit=280, rule="x")
    assert long_url in result and text.x_length(result) <= 280
    assert len(result) > 280  # counted as X counts, not as Python does


def test_bluesky_counts_graphemes_not_code_points():
    family = "👨‍👩‍👧‍👦"
    assert len(family) == 7 and text.grapheme_length(family) == 1
    body = " ".join([family] * 200)
    result = text.fit(body=body, url=URL, tags=[], limit=300, rule="graphemes")
    assert text.grapheme_length(result) <= 300
    assert family in result and "\u200d\n" not in result  # no family was split


def test_combining_marks_stay_with_their_letter():
    body = ("Cafe\u0301 " * 100).strip()
    result = text.fit(body=body, url=URL, tags=[], limit=300, rule="graphemes")
    kept = result.split("\n\n")[0].removesuffix("…")
    assert kept.endswith("Cafe\u0301")


def test_one_very_long_word_is_cut_between_graphemes():
    body = "👍🏽" * 500
    result = text.fit(body=body, url=URL, tags=[], limit=300, rule="graphemes")
    kept = result.split("\n\n")[0].removesuffix("…")
    assert text.grapheme_length(result) <= 300
    assert kept == "👍🏽" * (len(kept) // 2)


def test_the_url_is_never_cut_even_when_nothing_else_fits():
    long_url = "https://news.example.org/" + "y" * 400
    assert text.fit(body="Headline here", url=long_url, tags=["#A"], limit=300, rule="graphemes") == long_url


def test_hashtags_from_tag_names():
    assert text.hashtags(["harbour plan", "City-Council", "2026", "שלום עולם", "harbour plan"]) == [
        "#HarbourPlan",
        "#CityCouncil",
        "#שלוםעולם",
    ]
