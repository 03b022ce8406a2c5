"""What a browser would submit from the page's POST form: every input, textarea and select as
rendered (hidden versions included), unchecked checkboxes left out."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser


class _Skjema(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self._i_skjema = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._forste_valg: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._i_skjema = True
        if not self._i_skjema or ("name" in a and "disabled" in a):
            return
        if tag == "input" and "name" in a:
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[a["name"]] = a.get("value") or "on"
            elif a.get("type") not in ("submit", "button"):
                self.data[a["name"]] = unescape(a.get("value") or "")
        elif tag == "textarea" and "name" in a:
            self._textarea = a["name"]
            self.data[self._textarea] = ""
        elif tag == "select" and "name" in a:
            self._select, self._forste_valg = a["name"], None
        elif tag == "option" and self._select:
            verdi = a.get("value") or ""
            if self._forste_valg is None:
                self._forste_valg = verdi
                self.data.setdefault(self._select, verdi)
            if "selected" in a:
                self.data[self._select] = verdi

    def handle_endtag(self, tag):
        if tag == "form":
            self._i_skjema = False
        elif tag == "textarea" and self._textarea:
            # A browser drops the newline that follows <textarea>.
            if self.data[self._textarea].startswith("\n"):
                self.data[self._textarea] = self.data[self._textarea][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def skjemadata(response_or_html) -> dict[str, str]:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _Skjema()
    parser.feed(html)
    return parser.data
