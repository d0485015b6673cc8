"""Lists in running text joined the way the reader's language joins them, and escaped like any other value."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from lantern.core import listing


def test_arabic_joins_with_the_arabic_comma_and_english_with_a_comma() -> None:
    assert listing.join(["Attica", "Crete"], "ar") == "Attica، Crete"
    assert listing.join(["Attica", "Crete"], "en") == "Attica, Crete"
    with translation.override("ar"):
        assert listing.separator() == "، "
    with translation.override("uk"):
        assert listing.join(["Attica", "Crete"]) == "Attica, Crete"


def test_the_filter_escapes_what_it_joins() -> None:
    template = Template("{% load lantern %}<p>{{ regions|listing }}</p><p>x{% list_separator %}y</p>")
    with translation.override("ar"):
        html = template.render(Context({"regions": ["<script>alert(1)</script>", '=HYPERLINK("x")']}))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;، =HYPERLINK(&quot;x&quot;)" in html
    assert "<p>x، y</p>" in html
