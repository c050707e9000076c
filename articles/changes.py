"""What one save changed: an article's version beside the one before it, word by word, for the history.

django-reversion keeps every version's fields; difflib (the standard library) finds the changed words. The
body is compared as the text a reader sees, a paragraph to a line, not as its HTML.
"""

import re
from difflib import SequenceMatcher
from html import unescape

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

# The fields an editor writes, in the form's order, with the label the form gives them.
COMPARED = [
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("dek", "Standfirst"),
    ("body", "Body"),
    ("lead_image_caption", "Lead image caption"),
    ("source_credit", "Source credit"),
    ("share_text", "Share text"),
]
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|pre)>|<br\s*/?>", re.IGNORECASE)
_TOKENS = re.compile(r"\s+|[^\s]+")


def readable(name: str, value) -> str:
    text = "" if value is None else str(value)
    if name == "body":
        text = unescape(strip_tags(_BLOCK_END.sub("\n", text)))
        text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    return text


def word_diff(old: str, new: str):
    """Escaped text with removed words in <del> and added ones in <ins>."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(escape("".join(before[i1:i2])))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every piece escaped above


def changes(previous: dict | None, current: dict) -> list[dict]:
    """The compared fields that differ between two versions' field dicts (all of them for the first)."""
    rows = []
    for name, label in COMPARED:
        old = readable(name, (previous or {}).get(name))
        new = readable(name, current.get(name))
        if old != new:
            rows.append({"label": label, "diff": word_diff(old, new)})
    return rows
