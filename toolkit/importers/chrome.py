"""Page chrome: what a blog theme puts around an article, as text and as HTML.

A copied page drags in "Posted on … Leave a comment", share buttons ("Share this:",
"Twitter", "Facebook"), "Like this: Loading…", widget lists and the comment form; a
saved page has the same inside nav, aside, footer and classed divs. None of it is the
article, so none of it may be narrated.
"""

from __future__ import annotations

import re

# Whole lines that are only ever theme text, compared case-insensitively without a
# trailing colon or full stop.
_CHROME_LINES = frozenset(
    line.strip().rstrip(":.…").strip()
    for line in """share this | like this | like loading... | like loading… | loading...
    | loading… | related | related posts | you may also like | leave a comment | leave a reply
    | cancel reply | post navigation | previous post | next post | share | tweet | email
    | print | facebook | twitter | x | reddit | pinterest | linkedin | tumblr | whatsapp
    | telegram | pocket | mastodon | bluesky | threads | more | continue reading | read more
    | like | reblog | subscribe | comment | comments | search | menu | skip to content
    | back to top | report this content | share on facebook | share on twitter | share on x
    | primary menu | main menu | toggle navigation | open menu | close menu | close
    | this entry was posted in | bookmark the permalink""".split("|")
)
_CHROME_PATTERN = re.compile(
    r"^(?:posted on|posted in|filed under|tagged|tags|categories|category|published on"
    r"|posted by|written by|updated on|last updated)\b[^.!?]{0,120}$"
    r"|^by [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}$"
    r"|^click to (?:share|email|print)\b|^\d+ (?:comments?|likes?|responses?|min(?:ute)? read)$"
    r"|^(?:like|liked by) \d+|^\d+ bloggers? like this\.?$|^be the first to like this\.?$"
    r"|^(?:one|\d+) (?:thoughts?|responses?|comments?|repl(?:y|ies)) (?:on|to)\b",
    re.IGNORECASE,
)
# Where a comment section or the sidebar begins in copied text: everything after is not
# the post (readers' comments, recent-post lists, archives).
_CUT_MARKERS = re.compile(
    r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) "
    r"(?:thoughts?|responses?|comments?|repl(?:y|ies)) (?:on|to)\b"
    r"|^leave a reply(?: cancel reply)?$|^your email address will not be published"
    r"|^recent posts$|^recent comments$|^archives$|^blog at wordpress\.com\.?$"
    r"|^proudly powered by wordpress\.?$|^follow (?:blog|us) via email$|^search for:?$"
    r"|^create a free website or blog at wordpress\.com\.?$",
    re.IGNORECASE,
)

# HTML: class, id and role tokens of theme parts around an article. Matched whole, or
# as a hyphen- or underscore-separated part for the distinctive ones, so that
# "entry-content" and "tag-history" (a post's own classes) never match.
CHROME_TOKENS = frozenset(
    """sidebar widget widget-area secondary colophon masthead site-header site-footer
    site-navigation main-navigation navigation nav navbar menu breadcrumb breadcrumbs
    entry-meta post-meta entry-footer post-footer byline posted-on cat-links tags-links
    comments-link edit-link comments comments-area comment-respond respond comment-list
    reply sharedaddy sd-sharing-enabled sd-like jp-relatedposts related-posts relatedposts
    share-buttons social-share social-links sharing addtoany a2a_kit newsletter subscribe
    subscribe-form jetpack_subscription_widget mc4wp-form cookie-notice cookie-banner
    advert advertisement ads adsbygoogle ad-slot sponsored screen-reader-text sr-only
    visually-hidden skip-link author-bio about-author author-box post-navigation
    nav-links wp-block-buttons wp-block-social-links wp-block-latest-posts
    wp-block-comments wp-block-post-comments-form wp-block-search wp-block-post-navigation-link
    wp-block-post-terms wp-block-post-date wp-block-post-author more-link footnotes
    wp-block-footnotes""".split()
)
CHROME_PARTS = frozenset(
    """sidebar widget share sharing sharedaddy social breadcrumb breadcrumbs comments respond
    relatedposts newsletter cookie advert advertisement adsbygoogle navbar byline""".split()
)
CHROME_ROLES = frozenset(
    "navigation banner contentinfo complementary search dialog alertdialog menu menubar".split()
)
CHROME_TAGS = frozenset(
    """script style noscript template iframe object embed svg canvas video audio map form
    button input select textarea label nav aside footer header dialog menu head title meta
    link base source track param math""".split()
)


def is_chrome_line(text: str) -> bool:
    """True for a line of theme text, never for a sentence of the article."""
    lowered = text.lower().rstrip(":.…").strip()
    if lowered in _CHROME_LINES:
        return True
    return len(text.split()) <= 16 and bool(_CHROME_PATTERN.match(text))


def is_cut_marker(text: str) -> bool:
    """True where a comment section or sidebar begins in copied text."""
    return bool(_CUT_MARKERS.match(text))


def is_chrome_token(token: str) -> bool:
    """A class or id token of page chrome ("sharedaddy", "comment-respond", "site-footer")."""
    lowered = token.lower()
    if lowered in CHROME_TOKENS:
        return True
    parts = lowered.replace("_", "-").split("-")
    if any(part in _CONTENT_PARTS for part in parts):
        # A layout wrapper around the article ("content-sidebar-wrap" in Genesis themes,
        # "main-content"): it holds the content, so it is not chrome itself.
        return False
    return any(part in CHROME_PARTS for part in parts)


_CONTENT_PARTS = frozenset({"content", "main", "entry", "article", "post", "inner"})
