"""Readers for the export formats that have no parser installed, plus what XML does to text.

DOT is tokenised by the DOT grammar's lexical rules; Mermaid is checked line by line against
the statements the exporter may write; Markdown is rendered by CommonMark (markdown-it,
which rich already depends on).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt


def xml_visible(text: str) -> str:
    """Text as the XML exports hold it: each character outside XML 1.0's Char production
    (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]) as an escape."""

    def allowed(code: int) -> bool:
        return (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        )

    return "".join(
        char
        if allowed(ord(char))
        else (f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}")
        for char in text
    )


_DOT_TOKEN = re.compile(
    r'\s+|"(?P<string>(?:[^"\\]|\\.)*)"|(?P<arrow>->)|(?P<punct>[{}\[\];,=])'
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<numeral>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))",
    re.DOTALL,
)


def dot_tokens(text: str) -> list[tuple[str, str]]:
    """DOT tokens as (kind, value); quoted strings unescaped as the DOT lexer does (\\")."""
    tokens, position = [], 0
    while position < len(text):
        match = _DOT_TOKEN.match(text, position)
        assert match, f"not DOT at {position}: {text[position : position + 40]!r}"
        position = match.end()
        if match.lastgroup == "string":
            tokens.append(("id", match.group("string").replace('\\"', '"')))
        elif match.lastgroup in ("word", "numeral"):
            tokens.append(("id", match.group()))
        elif match.lastgroup:
            tokens.append(("punct", match.group()))
    return tokens


def label_text(escaped: str) -> str:
    """A label's shown text: Graphviz turns \\\\ into one backslash and decodes entities."""
    return html.unescape(re.sub(r"\\(.)", r"\1", escaped))


def parse_dot(text: str) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The nodes and edges of a digraph written as our exporter writes statements."""
    tokens = dot_tokens(text)
    assert tokens[:3] == [("id", "digraph"), ("id", "stakeholders"), ("punct", "{")]
    assert tokens[-1] == ("punct", "}")
    body, nodes, edges, index = tokens[3:-1], {}, [], 0

    def attributes(start: int) -> tuple[dict, int]:
        assert body[start] == ("punct", "[")
        found, at = {}, start + 1
        while body[at] != ("punct", "]"):
            (kind, key), equals, (value_kind, value) = body[at : at + 3]
            assert kind == value_kind == "id" and equals == ("punct", "=")
            found[key] = value
            at += 3
            if body[at] == ("punct", ","):
                at += 1
        return found, at + 1

    while index < len(body):
        kind, first = body[index]
        assert kind == "id"
        if body[index + 1] == ("punct", "->"):
            kind, second = body[index + 2]
            assert kind == "id"
            found, index = attributes(index + 3)
            edges.append((first, second, found))
        else:
            found, index = attributes(index + 1)
            if first not in ("graph", "node", "edge"):
                nodes[first] = found
        assert body[index] == ("punct", ";")
        index += 1
    return nodes, edges


_MERMAID_NODE = re.compile(r'  (?P<id>a_\w+)\["(?P<label>[^"]*)"\]')
_MERMAID_EDGE = re.compile(
    r'  (?P<source>a_\w+) (?P<arrow>-->|-\.->)\|"(?P<label>[^"]*)"\| (?P<target>a_\w+)'
)
_MERMAID_STYLE = re.compile(
    r"  linkStyle (?P<links>\d+(?:,\d+)*) stroke:(?P<colour>#[0-9a-f]{6}),color:(?P=colour)"
)
_NAMED_ENTITIES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def mermaid_text(label: str) -> str:
    """A label's shown text, after checking nothing in it can end or mark up the label."""
    assert not set(label) & set('"[](){}|<>`\\\n'), label
    return re.sub(
        r"#(\w+);",
        lambda m: chr(int(m[1])) if m[1].isdigit() else _NAMED_ENTITIES[m[1]],
        label,
    )


def parse_mermaid(text: str) -> tuple[dict[str, str], list[dict], dict[int, str]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes, edges, styles = {}, [], {}
    for line in lines[1:]:
        if match := _MERMAID_NODE.fullmatch(line):
            nodes[match["id"]] = mermaid_text(match["label"])
        elif match := _MERMAID_EDGE.fullmatch(line):
            edges.append({**match.groupdict(), "label": mermaid_text(match["label"])})
        elif match := _MERMAID_STYLE.fullmatch(line):
            for link in match["links"].split(","):
                assert int(link) not in styles
                styles[int(link)] = match["colour"]
        else:
            raise AssertionError(f"not a Mermaid statement: {line!r}")
    return nodes, edges, styles


def render_markdown(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def shown_text(rendered: str) -> str:
    """The text a reader sees in rendered HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))
