"""`stakeholders search` and `stakeholders show`, and the command list of `--help`."""

from __future__ import annotations

import json

import pytest

from tests import hostile_kb
from tests.kb_files import write_kb
from tui import cache, cli
from tui.claims import ItemRef
from tui.cli import main
from tui.detail import describe, plain
from tui.folding import fold
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.sanitize import display
from tui.widgets.items import describe_item


@pytest.fixture(scope="module")
def bundled():
    return load_knowledge_base(bundled_knowledge_base_path())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_kb.build(tmp_path_factory.mktemp("hostile"), big_quote=False)


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def json_lines(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


# --- search ------------------------------------------------------------------------------


def test_search_lists_what_says_isis_before_scattered_letters(capsys):
    code, lines, err = run(capsys, "search", "isis")
    assert code == 0 and err == ""
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == 3 for row in rows)
    assert rows[0] == ["actor", "Islamic State (ISIS)", "armed-group"]
    literal = ["isis" in fold(label) for _, label, _ in rows]
    assert literal == sorted(literal, reverse=True)  # no fuzzy hit above a literal one
    assert {"relation", "attribute", "quote"} <= {kind for kind, _, _ in rows}
    assert not literal[-1]  # the scattered-letter names still come, last


def test_search_json_gives_ids_and_where_each_quote_lies(capsys, bundled):
    code, lines, _ = run(capsys, "search", "isis", "--json")
    assert code == 0
    hits = json_lines(lines)
    assert hits[0] == {
        "kind": "actor",
        "label": "Islamic State (ISIS)",
        "context": "armed-group",
        "actor_id": "isis",
        "relation_id": None,
        "attribute_id": None,
        "stance_id": None,
    }
    quotes = [hit for hit in hits if hit["kind"] == "quote"]
    assert quotes
    for hit in quotes:
        claim_id = hit["relation_id"] or hit["attribute_id"] or hit["stance_id"]
        claim = (
            bundled.relation_by_id.get(claim_id)
            or bundled.attribute_by_id.get(claim_id)
            or bundled.stance_by_id.get(claim_id)
        )
        evidence = claim.evidence[hit["quote_index"]]
        source = bundled.source_by_id[hit["source"]]
        assert source.text[hit["start"] : hit["end"]] == evidence.quote
        assert "isis" in fold(evidence.quote)
    relation = next(hit for hit in hits if hit["kind"] == "relation")
    assert relation["relation_id"] == "us-strikes-isis"


@pytest.mark.parametrize("kind", ["actor", "relation", "attribute", "stance", "quote"])
def test_search_kind_keeps_that_kind_in_the_same_order(capsys, kind):
    _, every, _ = run(capsys, "search", "libya", "--json", "--limit", "1000")
    _, kept, _ = run(capsys, "search", "libya", "--json", "--limit", "1000", "--kind", kind)
    expected = [hit for hit in json_lines(every) if hit["kind"] == kind]
    assert expected and json_lines(kept) == expected


def test_search_kind_fills_the_limit_with_that_kind(capsys):
    # Quotes rank last: with the limit applied before the kind, two would leave none.
    _, lines, _ = run(capsys, "search", "isis", "--kind", "quote", "--limit", "2")
    assert [line.split("\t")[0] for line in lines] == ["quote", "quote"]
    _, lines, _ = run(capsys, "search", "isis", "--kind", "actor", "--kind", "stance")
    assert lines and {line.split("\t")[0] for line in lines} == {"actor"}


def test_search_limit(capsys):
    _, lines, _ = run(capsys, "search", "a", "--limit", "3")
    assert len(lines) == 3
    with pytest.raises(SystemExit) as exit_:
        main(["search", "a", "--limit", "0"])
    assert exit_.value.code == 2


def test_search_with_nothing_found_prints_nothing(capsys):
    assert run(capsys, "search", "qqqxqqq") == (0, [], "")


def test_search_of_nothing_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["search", "  "])
    assert exit_.value.code == 2
    assert "what to search for?" in capsys.readouterr().err


def test_search_a_given_file(tmp_path, capsys):
    path = write_kb(tmp_path)
    code, lines, _ = run(capsys, "search", "haftar", str(path))
    assert code == 0 and lines == ["actor\tKhalifa Haftar\tperson"]


def test_search_output_is_sanitized_and_stays_three_columns(capsys, hostile):
    code, lines, _ = run(capsys, "search", "case", str(hostile), "--limit", "500")
    assert code == 0 and len(lines) > len(hostile_kb.CASES)
    for line in lines:
        columns = line.split("\t")
        assert len(columns) == 3
        assert all(display(column) == column for column in columns), line
    text = "\n".join(lines)
    assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
    assert "wipe\\x1b[2J\\x1b[Hout" in text and "abc⟨RLO⟩dcba" in text


def test_search_json_escapes_what_would_act_on_the_terminal(capsys, hostile):
    code, lines, _ = run(capsys, "search", "case", str(hostile), "--json", "--limit", "500")
    assert code == 0
    text = "\n".join(lines)
    assert all(display(line) == line for line in lines)
    assert "\\u001b[2J" in text and "\\u202e" in text and "汉字" in text
    labels = {hit["label"] for hit in json_lines(lines)}
    assert any("wipe\x1b[2J\x1b[Hout" in label for label in labels)  # exact once read


def test_search_and_show_load_through_the_cache(capsys, monkeypatch):
    loaded = []
    real_load = cache.load

    def load(path, **caps):
        loaded.append(caps)
        return real_load(path, **caps)

    monkeypatch.setattr(cli.cache, "load", load)
    run(capsys, "search", "isis", "--max-total", "50M")
    run(capsys, "show", "isis", "--max-size", "5M")
    assert [caps["max_total_bytes"] for caps in loaded] == [50 * 1024**2, cli.MAX_TOTAL_BYTES]
    assert [caps["max_bytes"] for caps in loaded] == [cli.MAX_BYTES, 5 * 1024**2]


@pytest.mark.parametrize("command", [["search", "haftar"], ["show", "haftar"]])
def test_search_and_show_honour_the_size_cap(tmp_path, capsys, command):
    path = write_kb(tmp_path)
    code, lines, err = run(capsys, *command, str(path), "--max-size", "100")
    assert code == 1 and lines == []
    assert "over the 100-byte cap" in err


def test_search_and_show_of_a_broken_file_report_its_problems(tmp_path, capsys):
    path = write_kb(tmp_path, "relations: 5\n")
    for command in ("search", "show"):
        code, lines, err = run(capsys, command, "haftar", str(path))
        assert code == 1 and lines == []
        assert f"{path}:15:12:" in err


# --- show --------------------------------------------------------------------------------


def test_show_a_relation_as_the_source_pane_does(capsys, bundled):
    code, lines, err = run(capsys, "show", "us-strikes-isis")
    assert code == 0 and err == ""
    text = "\n".join(lines)
    assert lines[0] == "relation us-strikes-isis"
    assert describe_item(bundled, ItemRef("relation", "us-strikes-isis")) in text
    relation = bundled.relation_by_id["us-strikes-isis"]
    quotes = (*relation.evidence, *relation.caveats)
    assert len(quotes) > 1
    for number, evidence in enumerate(quotes, start=1):
        source = bundled.source_by_id[evidence.source]
        what = "quote" if number <= len(relation.evidence) else "caveat"
        heading = (
            f"{what} {number} of {len(quotes)} · source {source.id} · "
            f"characters {evidence.start}–{evidence.end}"
        )
        at = lines.index(heading)
        assert lines[at + 1 : at + 3] == [f"  {source.citation()}", f"  “{evidence.quote}”"]


def test_show_json_gives_the_record_and_each_quote_with_its_source(capsys, bundled):
    code, lines, _ = run(capsys, "show", "isis-expelled-from-sirte", "--json")
    assert code == 0
    (item,) = json_lines(lines)
    assert (item["kind"], item["id"]) == ("attribute", "isis-expelled-from-sirte")
    assert item["record"]["actor"] == "isis"
    assert item["detail"].startswith("stated\n")
    (quote,) = item["quotes"]
    source = bundled.source_by_id[quote["source"]]
    assert source.text[quote["start"] : quote["end"]] == quote["quote"]
    assert quote["role"] == "evidence"
    assert (quote["title"], quote["publisher"], quote["published"]) == (
        source.title,
        source.publisher,
        source.published,
    )


def test_show_an_actor_as_the_detail_pane_does_with_its_items(capsys, bundled):
    code, lines, _ = run(capsys, "show", "isis")
    assert code == 0
    text = "\n".join(lines)
    assert lines[0] == "actor isis"
    assert plain(describe(bundled, "isis")) in text
    assert "  relation us-strikes-isis: US drone strikes" in text
    assert any(line.startswith("  attribute isis-expelled-from-sirte: ") for line in lines)
    code, lines, _ = run(capsys, "show", "italy", "--json")
    (actor,) = json_lines(lines)
    assert actor["record"]["name"] == "Italy"
    assert {"kind": "stance", "id": actor["quotes"][0]["stance_id"]} in actor["items"]


def test_show_a_stance(capsys, bundled):
    stance = bundled.stances[0]
    code, lines, _ = run(capsys, "show", stance.id)
    assert code == 0 and lines[0] == f"stance {stance.id}"
    assert any(line.startswith("quote 1 of ") for line in lines)


def test_show_an_unknown_id_suggests_the_closest(capsys):
    code, lines, err = run(capsys, "show", "isis-expeled")
    assert code == 1 and lines == []
    assert err.startswith("stakeholders show: no actor, relation, attribute or stance has")
    assert "did you mean 'isis-expelled-from-sirte' (attribute)?" in err
    assert "Traceback" not in err


def test_show_an_id_like_none_says_how_to_find_one(capsys):
    code, _, err = run(capsys, "show", "zzzzqqq")
    assert code == 1
    assert "stakeholders search WORDS" in err


def test_show_a_hostile_item_sanitized_and_in_exact_json(capsys, hostile):
    code, lines, _ = run(capsys, "show", "rel-clear-screen", str(hostile))
    assert code == 0
    assert all(display(line) == line for line in lines)
    assert any("wipe\\x1b[2J\\x1b[Hout" in line for line in lines)
    code, lines, _ = run(capsys, "show", "rel-clear-screen", str(hostile), "--json")
    (item,) = json_lines(lines)
    assert all(display(line) == line for line in lines)
    assert item["quotes"][0]["quote"] == "Case 7 clear-screen: wipe\x1b[2J\x1b[Hout (end 7)."
    code, _, err = run(capsys, "show", "wipe\x1b[2J", str(hostile))
    assert code == 1 and "\x1b" not in err


# --- help ----------------------------------------------------------------------------------


def test_help_lists_every_command_with_an_example(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("check", "export", "migrate", "search", "show"):
        (example,) = [line for line in out.splitlines() if f"stakeholders {command} " in line]
        assert len(example.split()) > 3, example  # the command, an argument, what it does


def test_export_help_names_the_default_format(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "(default: json)" in capsys.readouterr().out
