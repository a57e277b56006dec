"""Adding a source (issue 18): `stakeholders add-source TEXT [KB]` copies the text verbatim
into the sources folder, pins its sha256 and adds the entry through the one write path;
every refusal is one line, status 1, nothing written (and a refused entry removes the text
it had copied)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from text_changes import added_lines

from tui import sources_add
from tui.cli import main
from tui.loader import load_knowledge_base
from tui.sources_add import SourceFields, SourceRefused, sources_folder, text_of

ARTICLE = (
    "Haftar returns to Benghazi\r\n\r\n"
    "BENGHAZI, Libya (AFP) — Khalifa Haftar returned on Thursday, “a day early”.\r\n"
)
FIELDS = ["--title", "Haftar returns: to Benghazi", "--publisher", "AFP",
          "--published", "2017-09-29"]
NEW_ID = "afp-2017-09-29-haftar-returns-to-benghazi"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


def test_add_source_copies_pins_and_adds_the_entry(copy, article, capsys):
    before = copy.read_text(encoding="utf-8")
    assert main(["add-source", str(article), str(copy), *FIELDS,
                 "--url", "https://example.org/haftar", "--origin", "AFP",
                 "--byline", "Jane Doe", "--language", "en"]) == 0
    out = capsys.readouterr().out
    target = copy.parent / "sources" / f"{NEW_ID}.txt"
    sha = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert out == (f"added source '{NEW_ID}': sources/{NEW_ID}.txt (16 words), sha256 {sha}\n")
    assert target.read_bytes() == article.read_bytes()  # verbatim: CRLF, curly quotes kept
    kb = load_knowledge_base(copy)  # checks clean, the pin verified
    source = kb.source_by_id[NEW_ID]
    assert (source.title, source.publisher, source.published) == (
        "Haftar returns: to Benghazi", "AFP", "2017-09-29"
    )
    assert (source.url, source.origin, source.byline, source.language) == (
        "https://example.org/haftar", "AFP", "Jane Doe", "en"
    )
    assert source.sha256 == sha and source.text == ARTICLE
    assert added_lines(before, copy.read_text(encoding="utf-8")) == [
        f"  - id: {NEW_ID}",
        '    title: "Haftar returns: to Benghazi"',
        "    publisher: AFP",
        '    published: "2017-09-29"',
        f"    path: sources/{NEW_ID}.txt",
        '    url: "https://example.org/haftar"',
        "    origin: AFP",
        "    byline: Jane Doe",
        "    language: en",
        f"    sha256: {sha}",
    ]
    # The new entry is the last of `sources`, before `issues`.
    after = copy.read_text(encoding="utf-8")
    assert after.index(f"id: {NEW_ID}") < after.index("\nissues:")


def test_standard_input_with_a_name_and_an_id(copy, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    assert main(["add-source", "-", str(copy), *FIELDS, "--id", "afp-haftar",
                 "--name", "haftar-returns"]) == 0
    assert "added source 'afp-haftar': sources/haftar-returns.txt" in capsys.readouterr().out
    assert (copy.parent / "sources" / "haftar-returns.txt").read_bytes() == ARTICLE.encode()
    assert load_knowledge_base(copy).source_by_id["afp-haftar"].text == ARTICLE


def test_standard_input_is_named_after_the_id(copy, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Some words.\n")))
    assert main(["add-source", "-", str(copy), *FIELDS]) == 0
    assert (copy.parent / "sources" / f"{NEW_ID}.txt").read_bytes() == b"Some words.\n"


def test_a_second_source_gets_a_fresh_id(copy, article, tmp_path, capsys):
    assert main(["add-source", str(article), str(copy), *FIELDS]) == 0
    update = tmp_path / "update.txt"
    update.write_bytes(ARTICLE.encode("utf-8") + b"Updated at 14:00.\n")
    assert main(["add-source", str(update), str(copy), *FIELDS]) == 0
    assert f"added source '{NEW_ID}-2'" in capsys.readouterr().out
    assert {NEW_ID, f"{NEW_ID}-2"} <= set(load_knowledge_base(copy).source_by_id)


def test_the_same_text_twice_is_refused(copy, article, capsys):
    assert main(["add-source", str(article), str(copy), *FIELDS]) == 0
    capsys.readouterr()
    before = _snapshot(copy.parent)
    assert main(["add-source", str(article), str(copy), *FIELDS, "--id", "again"]) == 1
    err = capsys.readouterr().err
    assert f"already in the knowledge base, byte for byte, as source '{NEW_ID}'" in err
    assert _snapshot(copy.parent) == before


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "is empty: there is no text to add"),
        (b"  \n\t\r\n  ", "holds only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not text (it holds NUL"),
        (bytes(range(1, 32)) * 4 + b"abc", "(it is mostly control characters)"),
        (b"caf\xe9 au lait\nline two\n",
         "is not UTF-8: byte 0xe9 at offset 3 (line 1, column 4) is not valid UTF-8"),
        (b"one\ntwo \xc3(\n", "byte 0xc3 at offset 8 (line 2, column 5)"),
        ("\ufeffhé".encode("utf-16-le"), "is UTF-16 text, not UTF-8"),
    ],
)
def test_text_that_is_not_an_article_is_refused(copy, tmp_path, capsys, data, said):
    text = tmp_path / "input.bin"
    text.write_bytes(data)
    before = _snapshot(copy.parent)
    assert main(["add-source", str(text), str(copy), *FIELDS]) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1, err
    assert err.startswith(f"stakeholders add-source: {text}")
    assert err.rstrip().endswith("nothing was written")
    assert _snapshot(copy.parent) == before


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--published", "2017-09-31"], "is not a calendar date"),
        (["--published", "29/09/2017"], "is not a date: write it as YYYY-MM-DD"),
        (["--published", "2017-09-29 10:00"], "put a T between the date and the time"),
        (["--published", "2017-09-29T10:00Z"], "leave out the time zone"),
        (["--title", "  "], "give the source's title"),
        (["--id", "news24-haftar-rome"], "has a source 'news24-haftar-rome' already"),
        (["--id", "Not An Id"], "is not a valid id"),
        (["--name", "news24-haftar-rome.txt"], "news24-haftar-rome.txt exists already"),
        (["--name", "../outside.txt"], "should be a plain name"),
        (["--name", ".hidden"], "should be a plain name"),
    ],
)
def test_bad_fields_and_taken_names_are_refused(copy, article, capsys, extra, said):
    before = _snapshot(copy.parent)
    assert main(["add-source", str(article), str(copy), *FIELDS, *extra]) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1, err
    assert _snapshot(copy.parent) == before


def test_an_existing_file_of_the_id_is_never_overwritten(copy, article, capsys):
    taken = copy.parent / "sources" / f"{NEW_ID}.txt"
    taken.write_bytes(b"someone else's text\n")
    before = copy.read_bytes()
    assert main(["add-source", str(article), str(copy), *FIELDS]) == 1
    assert "exists already" in capsys.readouterr().err
    assert taken.read_bytes() == b"someone else's text\n" and copy.read_bytes() == before


def test_a_name_taken_between_the_check_and_the_write_is_refused(copy, article, monkeypatch):
    """The exclusive create is the last word: a file made after the check is kept."""
    real_prepare = sources_add.prepare

    def racing(*args, **kwargs):
        source = real_prepare(*args, **kwargs)
        source.target.write_bytes(b"raced\n")
        return source

    monkeypatch.setattr(sources_add, "prepare", racing)
    before = copy.read_bytes()
    assert main(["add-source", str(article), str(copy), *FIELDS]) == 1
    assert (copy.parent / "sources" / f"{NEW_ID}.txt").read_bytes() == b"raced\n"
    assert copy.read_bytes() == before


def test_missing_text_unknown_and_invalid_knowledge_bases(copy, article, tmp_path, capsys):
    assert main(["add-source", str(tmp_path / "nope.txt"), str(copy), *FIELDS]) == 1
    assert "nope.txt: cannot read it: No such file or directory" in capsys.readouterr().err
    assert main(["add-source", str(tmp_path), str(copy), *FIELDS]) == 1
    assert "not a regular file (it is a folder)" in capsys.readouterr().err
    assert main(["add-source", str(article), str(tmp_path / "nokb.yaml"), *FIELDS]) == 1
    assert "nokb.yaml:1:1: cannot read the file" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 2\nsources: []\nactors: 5\n", encoding="utf-8")
    assert main(["add-source", str(article), str(broken), *FIELDS]) == 1
    err = capsys.readouterr().err
    assert "expected `actors` (a list)" in err and err.rstrip().endswith("problems found.")
    assert not (tmp_path / "sources").exists()


def test_a_refused_entry_removes_the_copied_text(copy, article, capsys):
    """The loader refuses the file with the entry (the texts together over --max-total):
    the text copied first is removed again, and the message says so."""
    big = article.parent / "big.txt"
    big.write_bytes(b"word " * 40_000)
    existing = sum(len(s.text.encode()) for s in load_knowledge_base(copy).sources)
    before = _snapshot(copy.parent)
    assert main(["add-source", str(big), str(copy), *FIELDS,
                 "--max-total", str(existing + 1000)]) == 1
    err = capsys.readouterr().err
    assert "budget" in err
    assert err.rstrip().endswith(f"the text copied to sources/{NEW_ID}.txt was removed again")
    assert _snapshot(copy.parent) == before


def test_a_file_changed_meanwhile_is_not_overwritten_and_the_text_goes(copy, article,
                                                                        monkeypatch, capsys):
    real_write = sources_add.write_text

    def and_an_edit_elsewhere(source):
        made = real_write(source)
        with copy.open("a", encoding="utf-8") as stream:
            stream.write("# edited elsewhere\n")
        return made

    monkeypatch.setattr(sources_add, "write_text", and_an_edit_elsewhere)
    assert main(["add-source", str(article), str(copy), *FIELDS]) == 1
    err = capsys.readouterr().err
    assert "changed on disk" in err and "was removed again" in err
    assert not (copy.parent / "sources" / f"{NEW_ID}.txt").exists()
    assert copy.read_text(encoding="utf-8").endswith("# edited elsewhere\n")


def test_text_of_accepts_a_utf8_byte_order_mark():
    assert text_of("\ufeffHello".encode(), "x") == "Hello"
    with pytest.raises(SourceRefused):
        text_of(b"\xff\xfeH\x00", "x")


def test_sources_folder_is_the_one_most_sources_use(copy):
    kb = load_knowledge_base(copy)
    assert sources_folder(kb) == "sources"
    assert sources_folder(kb.replaced("sources", ())) == "sources"


def test_prepare_checks_before_anything_is_written(copy):
    kb = load_knowledge_base(copy)
    before = _snapshot(copy.parent)
    source = sources_add.prepare(
        kb, copy, b"Text.\n", SourceFields("T", "News24", "2017-09-27T10:00"),
    )
    assert source.source_id == "news24-2017-09-27-t"
    assert source.entry["published"] == "2017-09-27T10:00"
    assert source.relative == "sources/news24-2017-09-27-t.txt"
    assert _snapshot(copy.parent) == before
