"""E-mail headers built from user text.

Titles and descriptions come from textareas and imported letters, so they may hold line breaks.
A line break in a header is refused by Django (``BadHeaderError``) and would be header injection if
it were not; every header made from user text goes through ``en_linje`` first.
"""

from __future__ import annotations

import base64
import random
import string
import sys
import time
import unicodedata
from bisect import bisect_right
from email.policy import Compat32, compat32
from email.utils import formatdate, make_msgid
from functools import cache, lru_cache
from itertools import accumulate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    SafeMIMEMultipart,
    SafeMIMEText,
    forbid_multi_line_headers,
)
from django.core.mail.utils import DNS_NAME

# Control characters and the Unicode line and paragraph separators (\n, \r, \v, \f, \x85,
# \u2028, \u2029, …): each becomes a space before runs of whitespace are folded into one.
_BRYT = {"Cc", "Zl", "Zp"}


def en_linje(tekst: str) -> str:
    """``tekst`` as one line: every line break or control character becomes a space, runs of
    whitespace become one space, and the ends are trimmed."""
    tekst = str(tekst)
    if tekst.isprintable():  # no character of Cc, Zl or Zp (the usual case: skip the scan)
        return " ".join(tekst.split())
    renset = "".join(" " if unicodedata.category(c) in _BRYT else c for c in tekst)
    return " ".join(renset.split())


# --- Fast MIME building for reminder runs ---------------------------------------------------
#
# A reminder run builds thousands of text + HTML e-mails that differ only in their subject,
# recipient and bodies. Django's EmailMessage.message() re-encodes every header through the
# standard library each time; RFC 2047 encoding of a non-ASCII subject (email.header) alone is
# quadratic in its length and was the largest cost of a run. ``FastEmail.message()`` builds the
# same MIME tree, header for header and byte for byte (tests/varsler/test_paaminnelser_rask.py),
# from parts made once: copies of a prepared multipart and text parts, the subject encoded by
# ``subject_header`` (the standard library's algorithm in linear time), address headers cached.

_Q_SAFE = set(b"-!*+/" + string.ascii_letters.encode() + string.digits.encode())
_Q_MAP = ["_" if b == 32 else chr(b) if b in _Q_SAFE else f"={b:02X}" for b in range(256)]
_Q_LEN = [len(q) for q in _Q_MAP]
# email.header.Header(...).encode() with its defaults: 78 characters for the first line, 77 after
# the continuation space; each encoded word carries 12 characters of "=?utf-8?q?…?=".
_FIRST_LINE, _NEXT_LINE, _CHROME = 78, 77, 12


@lru_cache(maxsize=1024)  # a run sends the same subject to each recipient of a frist, one after the other
def subject_header(subject: str) -> str:
    """The Subject header value Django would set for ``subject`` (utf-8): what
    ``forbid_multi_line_headers("Subject", subject, "utf-8")`` returns, in linear time. Like the
    standard library, the whole subject is Q- or B-encoded, whichever is shorter, and split into
    encoded words between characters so that each line fits."""
    if "\n" in subject or "\r" in subject or subject.isascii():
        return _django_header("Subject", subject)  # refuses line breaks; ASCII is folded, not encoded
    costs = [_char_cost(ch) for ch in subject]  # (utf-8 bytes, Q-encoded length, Q text) per character
    n_bytes = list(accumulate(c[0] for c in costs))
    q_len = list(accumulate(c[1] for c in costs))
    use_b64 = (n_bytes[-1] + 2) // 3 * 4 < q_len[-1]
    # A word takes characters while its encoded length fits the line's room: at most ``room``
    # Q-encoded characters, or 3 * (room // 4) bytes in base64 (4 characters per 3 bytes, rounded
    # up). The break points are found on the running totals; a character too long alone still
    # makes a word of its own, as in the standard library.
    cum = n_bytes if use_b64 else q_len
    words, start, room = [], 0, _FIRST_LINE - _CHROME
    while start < len(subject):
        limit = 3 * (room // 4) if use_b64 else room
        end = max(bisect_right(cum, (cum[start - 1] if start else 0) + limit, lo=start), start + 1)
        words.append((start, end))
        start, room = end, _NEXT_LINE - _CHROME
    if use_b64:
        encoded = ["=?utf-8?b?" + base64.b64encode(subject[i:j].encode("utf-8")).decode("ascii") + "?="
                   for i, j in words]
    else:
        encoded = ["=?utf-8?q?" + "".join(c[2] for c in costs[i:j]) + "?=" for i, j in words]
    return "\n ".join(encoded)


@cache
def _char_cost(ch: str) -> tuple[int, int, str]:
    q = "".join(_Q_MAP[b] for b in ch.encode("utf-8"))
    return len(ch.encode("utf-8")), len(q), q


@lru_cache(maxsize=4096)
def _django_header(name: str, value: str) -> str:
    return forbid_multi_line_headers(name, value, "utf-8")[1]


class _Compat32Husker(Compat32):
    """compat32, the policy of Django's messages, that remembers how it folded each header: a
    message through SMTP is serialised by the standard library's generator, which folds every
    header through ``email.header.Header`` (a fifth of an SMTP send's CPU), and most headers of a
    run's messages are the same text each time (the parts' Content-Type, MIME-Version, From, the
    To of each recipient). The fold is the standard library's own, once per distinct value."""

    def fold_binary(self, name, value):
        if not isinstance(value, str):
            return super().fold_binary(name, value)
        return _fold_binary(self.linesep, self.max_line_length, self.cte_type, name, value)


@lru_cache(maxsize=8192)
def _fold_binary(linesep: str, max_line_length, cte_type: str, name: str, value: str) -> bytes:
    return compat32.clone(linesep=linesep, max_line_length=max_line_length, cte_type=cte_type).fold_binary(name, value)


_HUSKER = _Compat32Husker()


@cache
def _templates() -> tuple:
    root = SafeMIMEMultipart(_subtype="alternative", encoding="utf-8")
    parts = {(subtype, ascii_): SafeMIMEText("a" if ascii_ else "æ", subtype, "utf-8")
             for subtype in ("plain", "html") for ascii_ in (True, False)}
    for msg in (root, *parts.values()):
        msg.policy = _HUSKER
    return root, parts


# The multipart boundary as the standard library's generator makes it ("=" * 15, a random number
# of fixed width, "=="), chosen here so that the generator does not: it would compile a regular
# expression for each new boundary to check it against the text. The check here is stricter (the
# boundary anywhere in a part's payload; a part's own headers are fixed and cannot hold it).
_GRENSE_BREDDE = len(repr(sys.maxsize - 1))


def _grense(deler) -> str:
    while True:
        grense = "=" * 15 + f"{random.randrange(sys.maxsize):0{_GRENSE_BREDDE}d}" + "=="
        if not any(grense in d._payload for d in deler):
            return grense


def _copy(template, payload):
    # What copy.copy does for these objects (a new instance sharing the attributes), without its
    # generic __reduce_ex__ round: a run makes three of these per e-mail.
    msg = object.__new__(type(template))
    msg.__dict__.update(template.__dict__)
    msg._headers = list(template._headers)
    msg._payload = payload
    msg.defects = []
    return msg


_dato: list = [None, ""]  # (second, Date header) of the last message built


def _date_header() -> str:
    """``formatdate(localtime=EMAIL_USE_LOCALTIME)`` as Django sets it, worked out once a second:
    the header names the second, so every message built in it gets the same text either way."""
    naa = time.time()
    sekund = int(naa)
    if _dato[0] != (sekund, settings.EMAIL_USE_LOCALTIME):
        _dato[:] = [(sekund, settings.EMAIL_USE_LOCALTIME), formatdate(sekund, localtime=settings.EMAIL_USE_LOCALTIME)]
    return _dato[1]


def _text_part(text: str, subtype: str):
    """SafeMIMEText(text, subtype, "utf-8"), from a prepared part: 7bit or 8bit by content, the
    payload stored as Message.set_payload stores it."""
    # At most 4 bytes a character: only a line longer than a quarter of the limit needs measuring.
    if len(text) * 4 > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
            len(line.encode("utf-8", "surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
            for line in text.splitlines() if len(line) * 4 > RFC5322_EMAIL_LINE_LENGTH_LIMIT):
        return SafeMIMEText(text, subtype, "utf-8")  # long lines: quoted-printable, as Django does
    return _copy(_templates()[1][(subtype, text.isascii())],
                 text.encode("utf-8").decode("ascii", "surrogateescape"))


class FastEmail(EmailMultiAlternatives):
    """A text + HTML e-mail whose ``message()`` is Django's, built from prepared parts. Anything
    outside that shape (attachments, Cc, other alternatives, a non-utf-8 charset, headers that
    override From/To/Date/Message-ID) goes through Django's own ``message()``."""

    def _plain(self) -> bool:
        overrides = {k.lower() for k in self.extra_headers} & {"from", "to", "cc", "reply-to", "date", "message-id",
                                                               "subject"}
        return not (self.attachments or self.cc or self.reply_to or not self.body or overrides
                    or (self.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
                    or [a[1] for a in self.alternatives] != ["text/html"])

    def message(self):
        if not self._plain():
            return super().message()
        deler = [_text_part(self.body, "plain"), _text_part(self.alternatives[0][0], "html")]
        msg = _copy(_templates()[0], deler)
        headers = msg._headers
        # What Message.set_boundary writes (the generator leaves a boundary it finds as it is).
        i = next(i for i, (navn, _) in enumerate(headers) if navn == "Content-Type")
        headers[i] = ("Content-Type", f'multipart/alternative; boundary="{_grense(deler)}"')  # compat32 stores (name, value) as given: Message.__setitem__ without the checks done here
        headers.append(("Subject", subject_header(str(self.subject))))
        headers.append(("From", _django_header("From", str(self.from_email))))
        if self.to:
            headers.append(("To", _django_header("To", ", ".join(str(v) for v in self.to))))
        headers.append(("Date", _date_header()))
        headers.append(("Message-ID", make_msgid(domain=DNS_NAME)))
        for name, value in self.extra_headers.items():
            headers.append(forbid_multi_line_headers(name, value, "utf-8"))
        return msg

    def __deepcopy__(self, memo):
        # The locmem backend keeps a deep copy of each message; every field here is a string or a
        # list of strings and tuples, so copying the lists is a deep copy. The connection is shared.
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        for attr in ("to", "cc", "bcc", "reply_to", "attachments", "alternatives"):
            setattr(new, attr, list(getattr(self, attr)))
        new.extra_headers = dict(self.extra_headers)
        return new
