"""Report text with structure: the HTML the editor writes, sanitised, and older plain text.

A report part (Rapportdel.tekst) holds HTML from the rich-text editor (django-prose-editor):
paragraphs, headings, bullet and numbered lists, tables, links, bold and italic. ``rens`` is the
one allow-list, applied on every save and again on every read, so nothing the editor cannot make
(scripts, event attributes, style attributes, javascript: links) reaches a page or a PDF.

Parts written before the editor hold plain text; ``som_html`` turns it into paragraphs (blank
lines between paragraphs, a single line break kept as <br>), so they read and edit the same way.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: The tags the editor makes (see ``EDITOR_UTVIDELSER``), and nothing else.
TAGGER = frozenset({
    "p", "br", "h3", "h4", "strong", "em", "ul", "ol", "li", "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
ATTRIBUTTER = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
LENKESKJEMA = frozenset({"http", "https", "mailto"})

#: The editor's extensions (django-prose-editor's configurable preset). Headings start at level 3:
#: the part's own title is the h2 on the report page.
EDITOR_UTVIDELSER = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    "History": True,
    "Menu": True,
}

_RENSER = nh3.Cleaner(
    tags=set(TAGGER),
    # Removed with their content, not only their tags.
    clean_content_tags={"script", "style", "template", "title", "noscript", "iframe", "object", "xml"},
    attributes={tag: set(navn) for tag, navn in ATTRIBUTTER.items()},
    url_schemes=set(LENKESKJEMA),
    url_relative="deny",
    link_rel="noopener noreferrer",
    strip_comments=True,
)

# Headings from other documents (Word: h1, h2) land on the levels the report allows.
_OVERSKRIFT = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
# Word's conditional comments hold the fake bullet of its list paragraphs ("·", "1.").
_WORD_BETINGET = re.compile(r"<!\[if !supportLists\]>.*?<!\[endif\]>", re.IGNORECASE | re.DOTALL)
_WORD_LISTEAVSNITT = re.compile(
    r"(?:<p\b[^>]*class=\"?MsoListParagraph[^>]*>.*?</p>\s*)+", re.IGNORECASE | re.DOTALL)
_AVSNITT_INNHOLD = re.compile(r"<p\b[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)
_HTML_START = re.compile(r"^\s*<(p|h[1-6]|ul|ol|table|div|blockquote|br|strong|em|a)\b", re.IGNORECASE)
_TOM = re.compile(r"^(\s|&nbsp;|<p>\s*</p>|<br>|<p><br></p>)*$", re.IGNORECASE)


def _overskrift(m: re.Match) -> str:
    nivaa = int(m.group(2))
    return f"<{m.group(1)}h{3 if nivaa <= 3 else 4}"


def _word_liste(m: re.Match) -> str:
    """Word's list paragraphs (class MsoListParagraph…) as a real bullet list."""
    punkter = "".join(f"<li><p>{innhold}</p></li>" for innhold in _AVSNITT_INNHOLD.findall(m.group(0)))
    return f"<ul>{punkter}</ul>"


def rens(html: str) -> str:
    """``html`` with only the allowed tags, attributes and link schemes; "" when nothing is written."""
    if not html:
        return ""
    html = _WORD_BETINGET.sub("", html)
    html = _WORD_LISTEAVSNITT.sub(_word_liste, html)
    html = _OVERSKRIFT.sub(_overskrift, html)
    renset = _RENSER.clean(html).strip()
    return "" if _TOM.match(renset) else renset


def er_html(tekst: str) -> bool:
    """True for text the editor wrote; False for plain text written before it."""
    return bool(_HTML_START.match(tekst or ""))


def som_html(tekst: str) -> str:
    """Plain text as paragraphs (HTML as it is): a blank line starts a paragraph, a single line
    break stays a line break."""
    if not tekst or er_html(tekst):
        return tekst or ""
    avsnitt = [a.strip() for a in re.split(r"\n\s*\n", tekst.replace("\r\n", "\n")) if a.strip()]
    return "".join(f"<p>{escape(a).replace(chr(10), '<br>')}</p>" for a in avsnitt)


def til_visning(tekst: str) -> SafeString:
    """A part's text for a page or a PDF: sanitised HTML, older plain text as paragraphs. A table
    is wrapped so that on a phone it scrolls sideways instead of widening the page."""
    html = rens(som_html(tekst))
    html = html.replace("<table>", '<div class="tabell"><table>').replace("</table>", "</table></div>")
    return mark_safe(html)  # noqa: S308 - sanitised by the allow-list above


_BLOKKSLUTT = re.compile(r"</(p|h[1-6]|li|tr|table|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_CELLESLUTT = re.compile(r"</t[dh]>", re.IGNORECASE)


def ren_tekst(tekst: str) -> str:
    """A part's text without markup, one line per paragraph, heading, list item or table row (for
    showing what someone else changed, where markup would only be noise)."""
    if not er_html(tekst):
        return tekst
    tekst = _CELLESLUTT.sub(" \t", _BLOKKSLUTT.sub("\n", tekst))
    linjer = (" ".join(linje.split()) for linje in html_lib.unescape(nh3.clean(tekst, tags=set())).split("\n"))
    return "\n".join(linje for linje in linjer if linje)
