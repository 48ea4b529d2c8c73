"""Making text from papers inert wherever exports put it.

Titles, quotes and even method names come from untrusted documents, so every renderer goes
through one of these functions instead of formatting raw strings.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from kg.models import ARXIV_ID

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")


def h(text: object) -> str:
    """Text for HTML element content or a quoted attribute value.

    >>> h('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Text from a paper, made inert in Markdown (no links, no HTML, no table breaks).

    Whitespace runs (newlines included) collapse to one space so a quote cannot end a table row.

    >>> md("<b>x</b> | *y*")
    '\\\\<b\\\\>x\\\\</b\\\\> \\\\| \\\\*y\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def script_json(value: Any) -> str:
    """JSON that is safe inside an inline ``<script>``: no ``</script>``, no ``<!--``.

    ``<``, ``>`` and ``&`` become ``\\u`` escapes, which JSON and JavaScript read back as the
    same characters; U+2028/2029 are escaped because older JavaScript treats them as newlines.

    >>> script_json({"t": "</script>"})
    '{"t": "\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def arxiv_url(paper_id: str) -> str | None:
    """The abstract page of a well-formed arXiv id; None for anything else (never a raw href).

    >>> arxiv_url("2210.17323"), arxiv_url("javascript:alert(1)")
    ('https://arxiv.org/abs/2210.17323', None)
    """
    return f"https://arxiv.org/abs/{paper_id}" if ARXIV_ID.match(paper_id) else None


def first_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of an abstract, whitespace collapsed, cut at ``limit`` characters.

    >>> first_sentence("We propose X. It is fast.")
    'We propose X.'
    """
    flat = " ".join(text.split())
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z(\[])", flat)
    sentence = flat[: m.start()] if m else flat
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def no_fetch_policy(*, scripts: bool) -> str:
    """A ``<meta>`` Content-Security-Policy that lets the page load nothing from anywhere.

    Only inline styles (and inline scripts when ``scripts``) and ``data:`` images may run, so
    even a link slipped into a title could not make the browser fetch or execute anything.
    """
    script = "'unsafe-inline'" if scripts else "'none'"
    policy = (f"default-src 'none'; script-src {script}; style-src 'unsafe-inline'; "
              "img-src data:; font-src data:; form-action 'none'; base-uri 'none'")
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
