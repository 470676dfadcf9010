"""Description HTML: one canonical form from messy markup, Markdown from it, text for searches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.parse.html import clean_html, html_to_markdown, html_to_text

MESSY = """
  <div class="show-more-less-html__markup x">
     <p style="a">We build  <b>great</b>&nbsp;things &amp; more.\u200b</p>
     <p><strong>Responsibilities</strong><br>
        Line two   </p>
     <ul>
        <li>  Ship &lt;code&gt;  </li>
        <li>Review <i>stuff</i></li>
     </ul>
     Loose text <a href="https://x.example/a?b=1&amp;c=2" class="l">link</a>
     <script>alert(1)</script>
     <button>Show more</button>
  </div>"""

CANONICAL = (
    "<p>We build <strong>great</strong> things &amp; more.</p><p><strong>Responsibilities</strong><br>Line two</p>"
    "<ul><li>Ship &lt;code&gt;</li><li>Review <em>stuff</em></li></ul>"
    '<p>Loose text <a href="https://x.example/a?b=1&amp;c=2">link</a></p>'
)


def test_clean_html_gives_the_canonical_form() -> None:
    assert clean_html(MESSY) == CANONICAL


def test_markdown_of_the_canonical_form() -> None:
    assert html_to_markdown(MESSY) == (
        "We build **great** things & more.\n\n**Responsibilities**\nLine two\n\n- Ship <code>\n- Review *stuff*\n\n"
        "Loose text [link](https://x.example/a?b=1&c=2)"
    )


def test_ordered_lists_headings_and_quotes() -> None:
    markup = "<h3>Perks</h3><ol><li>One</li><li>Two</li></ol><blockquote><p>Quote</p></blockquote>"
    assert html_to_markdown(markup) == "### Perks\n\n1. One\n2. Two\n\n> Quote"


def test_unclosed_paragraphs_and_list_items_are_closed() -> None:
    assert clean_html("<p>one<p>two<ul><li>a<li>b</ul>") == "<p>one</p><p>two</p><ul><li>a</li><li>b</li></ul>"


def test_empty_and_whitespace_only_input() -> None:
    assert clean_html("") == ""
    assert clean_html("  <div> \n </div> <p>&nbsp;</p>") == ""
    assert html_to_markdown(None) == ""


def test_text_skips_scripts_and_buttons() -> None:
    assert (
        html_to_text(MESSY)
        == "We build great things & more. Responsibilities Line two Ship <code> Review stuff Loose text link"
    )


TAGS = ["p", "ul", "li", "div", "span", "strong", "b", "em", "br", "section", "ol", "h3"]
FRAGMENTS = st.lists(
    st.one_of(
        st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t}>" for t in TAGS] + ["<br/>", "&amp;", "&nbsp;", "\u200b"]),
        st.text(alphabet="ab <>\n", max_size=5),
    ),
    max_size=25,
).map("".join)


@given(FRAGMENTS)
def test_clean_html_is_idempotent(markup: str) -> None:
    once = clean_html(markup)
    assert clean_html(once) == once


@given(FRAGMENTS)
def test_markdown_is_the_same_from_messy_or_clean_markup(markup: str) -> None:
    assert html_to_markdown(markup) == html_to_markdown(clean_html(markup))
