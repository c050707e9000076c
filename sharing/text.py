"""Share text fitted to each network's length rule, cut at a word boundary, never cutting the URL.

Lengths are counted the way each network counts them:
- Bluesky: 300 grapheme clusters (an emoji with skin tone, or a letter with combining marks, is one).
- Mastodon: 500 grapheme clusters, every URL counting as 23.
- X: 280 weighted characters (twitter-text v3): every URL counts 23, an emoji 2, code points outside
  the Latin/general-punctuation ranges 2, everything else 1.
"""

import unicodedata

import regex

ELLIPSIS = "…"
URL_LENGTH = 23
URL_RE = regex.compile(r"https?://\S+")
GRAPHEME_RE = regex.compile(r"\X")
EMOJI_RE = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
TRAILING = " \t\n,;:–—-"
# twitter-text v3: code points in these ranges weigh 1, all others 2.
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def graphemes(text: str) -> list[str]:
    return GRAPHEME_RE.findall(text)


def grapheme_length(text: str) -> int:
    return len(graphemes(text))


def mastodon_length(text: str) -> int:
    return grapheme_length(URL_RE.sub("x" * URL_LENGTH, text))


def x_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for match in URL_RE.finditer(text):
        total += _x_weight(text[position : match.start()]) + URL_LENGTH
        position = match.end()
    return total + _x_weight(text[position:])


def _x_weight(text: str) -> int:
    total = 0
    for cluster in graphemes(text):
        if EMOJI_RE.search(cluster):
            total += 2
            continue
        for char in cluster:
            code = ord(char)
            total += 1 if any(low <= code <= high for low, high in X_LIGHT_RANGES) else 2
    return total


RULES = {"graphemes": grapheme_length, "mastodon": mastodon_length, "x": x_length}


def hashtags(tag_names) -> list[str]:
    """Tag names as hashtags: 'harbour plan' -> '#HarbourPlan'; names with no letters are skipped."""
    result = []
    for name in tag_names:
        words = regex.findall(r"\w+", name)
        tag = "".join(word[:1].upper() + word[1:] for word in words)
        if tag and not tag.isdigit() and f"#{tag}" not in result:
            result.append(f"#{tag}")
    return result


def compose(body: str, url: str, tags: list[str]) -> str:
    parts = [body.strip()] if body.strip() else []
    if tags:
        parts.append(" ".join(tags))
    if url:
        parts.append(url)
    return "\n\n".join(parts)


def fit(*, body: str, url: str, tags: list[str], limit: int | None, rule: str = "graphemes") -> str:
    """The share text: body, hashtags and URL, within `limit` as the network counts it.

    Hashtags go first (from the last), then the body is cut at a word boundary with an ellipsis.
    The URL is never cut: if even the URL alone does not fit, the URL alone is returned.
    """
    body = " ".join(body.split())  # one line, single spaces
    if limit is None:
        return compose(body, url, tags)
    measure = RULES[rule]
    tags = list(tags)
    while tags and measure(compose(body, url, tags)) > limit:
        tags.pop()
    if measure(compose(body, url, tags)) <= limit:
        return compose(body, url, tags)

    clusters = graphemes(body)

    def fits(count: int) -> bool:
        return measure(compose(_shortened(clusters, count), url, [])) <= limit

    low, high = 0, len(clusters)  # the largest count of clusters that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return compose("", url, [])
    # Cut at the last word boundary that fits (the end of the text is one too). A shorter text can count
    # for more: "https:// …" cut to "https://…" becomes a link, which Mastodon and X count as 23.
    boundaries = (i for i in range(low, 0, -1) if i == len(clusters) or clusters[i].isspace())
    count = next((i for i in boundaries if fits(i)), low)  # mid-word (between graphemes) as a last resort
    return compose(_shortened(clusters, count), url, [])


def _shortened(clusters: list[str], count: int) -> str:
    return "".join(clusters[:count]).rstrip(TRAILING) + ELLIPSIS if count else ""
