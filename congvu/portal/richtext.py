"""The rich text of articles, cleaned to an allow-list before it is stored.

Editors paste from word processors and other sites; whatever they paste, only these tags and
attributes survive. No script or style, no event handler (`onerror=`, `onclick=`), no
`javascript:` or `data:` link: the stored body is safe to put on a page as it is.
"""

from __future__ import annotations

import html

import nh3

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption", "table", "thead",
    "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(text: str) -> str:
    """The HTML `text` with everything outside the allow-list removed; links get a `rel` that
    gives the opened page no handle on ours."""
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """The text of the HTML `text` without any tag, for search and descriptions."""
    return html.unescape(nh3.clean(text, tags=set(), attributes={})).replace("\xa0", " ")
