"""The `stakeholders` command: open the explorer, check, export, migrate or search a file,
or show one of its items."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, cache
from .files import remove_temporaries_on_termination
from .loader import (
    MAX_BYTES,
    MAX_TOTAL_BYTES,
    LoadError,
    bundled_knowledge_base_path,
    collector_paused,
    load_knowledge_base,
)
from .model import counted
from .sanitize import display

if TYPE_CHECKING:
    from .app import StakeholderApp

COMMANDS = (
    "add-source", "check", "diff", "export", "fix", "merge", "migrate", "propose", "search",
    "show",
)
SEARCH_LIMIT = 25  # as many hits as the app's search overlay lists

# Each command with an example, for `stakeholders --help` (argparse would rewrap them).
EXAMPLES = """\
commands (FILE defaults to the bundled knowledge base):
  stakeholders [FILE]                          open the explorer
  stakeholders check data/actors.yaml          validate a file and print its counts
  stakeholders export -f markdown -o brief.md  write it in another format (default json)
  stakeholders migrate old.yaml                rewrite a version 1 file as version 2
  stakeholders merge hifter --into haftar      make two actors one (--dry-run: the diff)
  stakeholders search isis --kind quote        the app's search, one result a line
  stakeholders show us-strikes-isis            one actor, relation, attribute or stance
  stakeholders add-source story.txt --title T  copy an article's text in as a new source
                 --publisher P --published 2017-09-27
  stakeholders propose SOURCE_ID              suggest claims and actors for review (R)
  stakeholders diff old.yaml new.yaml          what changed, item by item (--json, --markdown)
  stakeholders diff --git HEAD [FILE]          what changed since a git revision
  stakeholders fix --review [FILE]             re-anchor the quotes of a changed source,
                                               one by one (y / n / q)

`stakeholders COMMAND --help` tells more of each."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the number must be positive")
    return value


def _size(text: str) -> int:
    """A byte count such as 5000000, 200M or 2G."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = text.strip().lower().removesuffix("b")
    factor = units.get(text[-1:], 1)
    digits = text[:-1] if text[-1:] in units else text
    try:
        value = int(digits) * factor
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 500M)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the size must be positive")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stakeholders",
        description="Explore who stands where in a conflict. With no command, open the app.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _add_common(
    parser: argparse.ArgumentParser,
    file_help: str = "knowledge base YAML (default: the bundled one)",
) -> None:
    parser.add_argument("file", nargs="?", type=Path, help=file_help)
    parser.add_argument(
        "--max-size",
        type=_size,
        default=MAX_BYTES,
        metavar="BYTES",
        help=f"refuse files larger than this (default {MAX_BYTES // 1024**2}M)",
    )
    parser.add_argument(
        "--max-total",
        type=_size,
        default=MAX_TOTAL_BYTES,
        metavar="BYTES",
        help="refuse to read more than this in all, the file and its sources together "
        f"(default {MAX_TOTAL_BYTES // 1024**3}G)",
    )


def _parse_args(argv: list[str]) -> argparse.Namespace:
    if argv and argv[0] in COMMANDS:
        command, rest = argv[0], argv[1:]
    else:
        command, rest = "open", argv
    parser = _parser()
    if command != "open":
        # The list of commands is for `stakeholders --help`; descriptions wrap as usual.
        parser.epilog = None
        parser.formatter_class = argparse.HelpFormatter
    if command == "check":
        parser.prog = "stakeholders check"
        parser.description = "Validate a knowledge base and print its counts."
    elif command == "export":
        from .export import FORMATS

        parser.prog = "stakeholders export"
        parser.description = "Write the knowledge base in another format (default: json)."
        parser.add_argument(
            "--format", "-f", choices=FORMATS, default="json", help="(default: json)"
        )
        parser.add_argument(
            "--output", "-o", type=Path, help="file to write (default: standard output)"
        )
    elif command == "diff":
        parser.prog = "stakeholders diff"
        parser.description = (
            "What changed from OLD to NEW, items matched by id (moving items about or "
            "re-indenting changes nothing): items added and removed, each changed field with "
            "its old and new value, the quotes added to or taken from each claim, and the "
            "source texts that changed (by sha256). With --git REV: FILE as it was at git "
            "revision REV, and its source texts, against FILE as it is now. Status 0, with "
            "changes or without, unless --exit-code."
        )
        parser.add_argument(
            "--git", metavar="REV", help="compare FILE at git revision REV (e.g. HEAD, HEAD~3, "
            "a tag) with FILE as it is now"
        )
        shape = parser.add_mutually_exclusive_group()
        shape.add_argument("--json", action="store_true", help="one JSON document")
        shape.add_argument(
            "--markdown", action="store_true", help="a \"what changed\" briefing in Markdown"
        )
        parser.add_argument(
            "--exit-code", action="store_true", help="status 1 when there are changes, as "
            "`git diff --exit-code`"
        )
    elif command == "migrate":
        parser.prog = "stakeholders migrate"
        parser.description = (
            "Rewrite a version 1 knowledge base as version 2, in place (comments and layout "
            "kept; the old text is kept as FILE.v1.bak)."
        )
        parser.add_argument("--force", action="store_true", help="replace an existing FILE.v1.bak")
    elif command == "search":
        from .search import KINDS

        parser.prog = "stakeholders search"
        parser.description = (
            "Search as the app does, best first: every literal match (whole word, then word "
            "start, then inside a word) before letters scattered through a name. One hit a "
            "line: kind, label and context, tab-separated; nothing printed and status 0 "
            "when nothing matches."
        )
        parser.add_argument("query", help="words to look for, in any order")
        parser.add_argument(
            "--kind",
            choices=KINDS,
            action="append",
            help="only hits of this kind (repeatable): an actor by name, alias or "
            "description; a relation, attribute (a claim about one actor) or stance by "
            "its text; a quote of any of them",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="one JSON object a line: kind, label, context, actor_id, relation_id, "
            "attribute_id, stance_id; for a quote also quote_index, source, start, end",
        )
        parser.add_argument(
            "--limit",
            type=_positive,
            default=SEARCH_LIMIT,
            metavar="N",
            help=f"at most N hits (default {SEARCH_LIMIT})",
        )
    elif command == "merge":
        parser.prog = "stakeholders merge"
        parser.description = (
            "Make two actors one: every reference to OLD (relations, attributes, stances, "
            "affiliations, posts, asserters) becomes NEW, OLD's item goes, its name and "
            "aliases become NEW's aliases and its id goes in NEW's `merged_from` (the old id "
            "still finds NEW). Refused, with nothing written, when it would lose anything "
            "(a relation of NEW with itself) or the file would not check clean."
        )
        parser.add_argument("old", help="the id of the actor that goes")
        parser.add_argument("--into", required=True, metavar="NEW", help="the id it becomes")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the change as a diff; write nothing"
        )
    elif command == "show":
        parser.prog = "stakeholders show"
        parser.description = (
            "Show one actor, relation, attribute or stance in full, as the app's detail and "
            "source panes do, every quote with its source and where it lies in it."
        )
        parser.add_argument("id", help="its id, as `stakeholders search --json` gives it")
        parser.add_argument(
            "--json",
            action="store_true",
            help="one JSON object an item with that id: kind, id, detail (the text printed "
            "without --json), "
            "record (as `export` writes it), quotes (with their source and offsets)",
        )
    elif command == "add-source":
        parser.prog = "stakeholders add-source"
        parser.description = (
            "Copy an article's text, verbatim, into the knowledge base's sources folder (as "
            "ID.txt, next to its other texts), pin its sha256 and add its entry to `sources`. "
            "Refused, with nothing written, when the text is empty, binary or not UTF-8, when "
            "its name is taken, or when the file does not check clean with the entry."
        )
        parser.add_argument(
            "text", help="the article's text: a UTF-8 file, or - for the standard input"
        )
        parser.add_argument("--title", required=True, help="the headline as published")
        parser.add_argument("--publisher", required=True, help="e.g. News24")
        parser.add_argument(
            "--published",
            required=True,
            metavar="DATE",
            help="YYYY-MM-DD, or with the time of day YYYY-MM-DDTHH:MM[:SS]",
        )
        parser.add_argument("--url", help="where it was published")
        parser.add_argument("--origin", help="the wire agency the text comes from, e.g. AFP")
        parser.add_argument("--byline", help="the author(s) as printed")
        parser.add_argument("--language", help="e.g. en")
        parser.add_argument(
            "--id",
            dest="source_id",
            metavar="ID",
            help="the source's id (default: made from the publisher, the date and the title)",
        )
        parser.add_argument(
            "--name", help="the text file's name in the sources folder (default: ID.txt)"
        )
    elif command == "propose":
        parser.prog = "stakeholders propose"
        parser.description = (
            "Suggest, for one source, the claims its sentences may make (two or more known "
            "actors named) and the actors it names that the knowledge base lacks, and write "
            "them to <kb>.proposals.yaml beside it for review in the app (R). The knowledge "
            "base itself is never written. Every quote passes the loader's matcher: verified, "
            "repaired (only case, spacing or quote marks differed) or rejected with a reason."
        )
        parser.add_argument("source_id", metavar="SOURCE_ID", help="the source's id")
        parser.add_argument(
            "--with", dest="command_line", metavar="CMD",
            help="also run CMD, an outside proposer (e.g. a local language model): it reads "
            "a JSON object (the source's text and metadata, the actors) on standard input "
            "and writes one JSON object a line: {\"kind\": \"claim\", \"quote\": ..., "
            "\"parties\": [ids], \"type\": ...} or {\"kind\": \"actor\", \"name\": ..., "
            "\"quote\": ...}",
        )
        parser.add_argument(
            "--timeout", type=_positive, default=300, metavar="SECONDS",
            help="how long CMD may take (default 300)",
        )
    elif command == "fix":
        parser.prog = "stakeholders fix"
        parser.description = (
            "Re-anchor the quotes of a source whose text no longer matches its sha256 pin. "
            "With --review, each quote that no longer resolves is shown with its candidates "
            "in the new text (best first, each with its score; one that changes the meaning "
            "is never offered), one at a time: y accepts it, n skips it, q stops. When every "
            "quote of the source resolves, updating its pin is offered too. What was "
            "accepted is written once, at the end (q writes what was accepted so far; Ctrl+C "
            "writes nothing), only those lines changed; the file is then checked again. "
            "Status 0 when it checks clean after."
        )
        parser.add_argument(
            "--review", action="store_true", required=True,
            help="ask about each candidate (the only mode: nothing is applied unasked)",
        )
        parser.add_argument(
            "--answers-from-stdin", action="store_true",
            help="read the answers (y, n or q, one a line) from standard input even when it "
            "is not a terminal, e.g. from a file; without it a pipe is refused, so that "
            "`yes | stakeholders fix --review` cannot accept everything unread",
        )
    if command == "migrate":
        _add_common(parser, "the version 1 YAML file to migrate")
    elif command == "add-source":
        _add_common(parser, "the knowledge base YAML to add it to (default: the bundled one)")
    elif command == "diff":
        _add_common(parser, "OLD: the knowledge base before (with --git: FILE, default the "
                    "bundled one)")
        parser.add_argument("other", nargs="?", type=Path, metavar="NEW",
                            help="the knowledge base after (not with --git)")
    else:
        _add_common(parser)
    if command == "open":
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="never write the file: capture, undo and the other changes are off",
        )
        parser.add_argument(
            "--no-watch",
            action="store_true",
            help="do not reload when the file or its sources change on disk",
        )
    # (`merge OLD --into NEW FILE`: a positional after an option)
    args = parser.parse_intermixed_args(rest) if command == "merge" else parser.parse_args(rest)
    args.command = command
    if command == "migrate" and args.file is None:
        parser.error("which file? `stakeholders migrate FILE`")
    if command == "search" and not args.query.strip():
        parser.error("what to search for? `stakeholders search WORDS`")
    if command == "diff" and args.git is None and (args.file is None or args.other is None):
        parser.error("which two files? `stakeholders diff OLD NEW`, or `stakeholders diff "
                     "--git REV [FILE]`")
    if command == "diff" and args.git is not None and args.other is not None:
        parser.error("--git REV compares one FILE with itself at REV: give one file")
    args.file = args.file or bundled_knowledge_base_path()
    return args


def _print_problems(error: LoadError) -> None:
    print(error.report(), file=sys.stderr)


def _print_warnings(kb, path: Path) -> None:
    """`check`'s warnings (never an error: the status stays 0): actors that may be one,
    and sources that look like copies of one text without saying so."""
    from .corroboration import copy_warning, likely_copies
    from .duplicates import id_places, likely_duplicates, warning_text

    duplicates = likely_duplicates(kb)
    copies = likely_copies(kb)
    if not duplicates and not copies:
        return
    try:
        from .edit import ChangeRefused, FileState

        text = FileState.read(path).text
    except ChangeRefused:
        text = ""
    actor_places = id_places(text, {pair.first for pair in duplicates}) if text else {}
    source_places = id_places(text, {copy.second for copy in copies}, "sources") if text \
        else {}
    shown = display(str(path))
    warnings = [(actor_places.get(pair.first, (1, 1)), warning_text(kb, pair))
                for pair in duplicates]
    warnings += [(source_places.get(copy.second, (1, 1)), copy_warning(kb, copy))
                 for copy in copies]
    for (line, column), message in warnings:
        print(f"{shown}:{line}:{column}: warning: {display(message)}", file=sys.stderr)


def _print_lines(lines: Iterable[str]) -> int:
    """Print ``lines``; a reader that stops early (`| head`) is no error."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again on exit: point it at nothing so that is quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    remove_temporaries_on_termination()
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130


def explorer_app(
    path: Path,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    *,
    read_only: bool = False,
    watch: bool = True,
) -> StakeholderApp:
    """The explorer on ``path``, as `stakeholders [FILE]` opens it (the bench starts it
    here too)."""
    # Importing Textual makes a few hundred thousand objects that live as long as the app:
    # collecting on the way walks them again and again (about 10 ms of the start-up).
    with collector_paused():
        from .app import StakeholderApp
    return StakeholderApp(
        path,
        max_bytes=max_bytes,
        max_total_bytes=max_total_bytes,
        read_only=read_only,
        watch=watch,
    )


def _add_source(args: argparse.Namespace) -> int:
    from .edit import ChangeRefused
    from .sources_add import SourceFields, SourceRefused, add_source, read_stream, read_text_file

    fields = SourceFields(
        args.title, args.publisher, args.published, args.url, args.origin, args.byline,
        args.language,
    )
    try:
        if args.text == "-":
            shown = "the standard input"
            data = read_stream(sys.stdin.buffer, max_bytes=args.max_size)
        else:
            shown = display(args.text)
            data = read_text_file(Path(args.text), max_bytes=args.max_size)
        added = add_source(
            args.file, data, fields, source_id=args.source_id, name=args.name, shown=shown,
            max_bytes=args.max_size, max_total_bytes=args.max_total,
        )
    except LoadError as error:
        _print_problems(error)
        return 1
    except SourceRefused as refused:
        print(f"stakeholders add-source: {refused.message}", file=sys.stderr)
        return 1
    except ChangeRefused as refused:
        print(refused.report(), file=sys.stderr)
        return 1
    print(display(added.described()))
    return 0


def _propose(args: argparse.Namespace, kb) -> int:
    from .propose import ProposalsError, propose_into_file, summary_lines

    try:
        found, proposals, path = propose_into_file(
            kb, args.file, args.source_id, command=args.command_line, timeout=args.timeout
        )
    except ProposalsError as error:
        print(f"stakeholders propose: {error.message}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"stakeholders propose: the proposals could not be written: "
              f"{error.strerror or error}; nothing was changed", file=sys.stderr)
        return 1
    for problem in found.problems:
        print(f"stakeholders propose: {display(args.command_line)}: {problem}",
              file=sys.stderr)
    return _print_lines(summary_lines(found, proposals, path))


def _diff(args: argparse.Namespace) -> int:
    from .diff import compare, compare_files, json_text, markdown_lines, text_lines
    from .revisions import Revision, RevisionError

    caps = {"max_bytes": args.max_size, "max_total_bytes": args.max_total}
    try:
        if args.git is not None:
            revision = Revision(args.file, args.git)  # no git, no such revision: say so first
            new = cache.load(args.file, **caps)
            old = revision.load(**caps)
            found = compare(old, new, old.path, str(args.file))
        else:
            found = compare_files(args.file, args.other, **caps)
    except RevisionError as error:
        print(f"stakeholders diff: {error.message}", file=sys.stderr)
        return 1
    except LoadError as error:
        _print_problems(error)
        return 1
    if args.json:
        lines = [json_text(found)]
    elif args.markdown:
        lines = markdown_lines(found)
    else:
        lines = text_lines(found)
    status = _print_lines(lines)
    return status or int(args.exit_code and not found.empty)


def _fix(args: argparse.Namespace) -> int:
    from .drift import review, stream_asker

    terminal = sys.stdin.isatty()
    if not terminal and not args.answers_from_stdin:
        print("stakeholders fix: the standard input is not a terminal; to read the answers "
              "(y, n or q, one a line) from it, add --answers-from-stdin", file=sys.stderr)
        return 2
    ask = stream_asker(sys.stdin, sys.stdout, echo=not terminal)
    return review(args.file, ask, print, max_bytes=args.max_size, max_total_bytes=args.max_total)


def _run(args: argparse.Namespace) -> int:
    if args.command == "open":
        app = explorer_app(
            args.file,
            args.max_size,
            args.max_total,
            read_only=args.read_only,
            watch=not args.no_watch,
        )
        result = app.run()
        if isinstance(result, LoadError):
            _print_problems(result)
            return 1
        return app.return_code or 0

    if args.command == "add-source":
        return _add_source(args)

    if args.command == "merge":
        from .merge import merge_file

        return merge_file(
            args.file, args.old, args.into, dry_run=args.dry_run, max_bytes=args.max_size,
            max_total_bytes=args.max_total, print_lines=_print_lines,
        )

    if args.command == "diff":
        return _diff(args)

    if args.command == "fix":
        return _fix(args)

    if args.command == "migrate":
        from .migrate import migrate_file

        return migrate_file(
            args.file, force=args.force, max_bytes=args.max_size, max_total_bytes=args.max_total
        )

    try:
        if args.command == "check":  # checking means a full validation, never the cache
            kb = load_knowledge_base(
                args.file, max_bytes=args.max_size, max_total_bytes=args.max_total
            )
        else:
            kb = cache.load(args.file, max_bytes=args.max_size, max_total_bytes=args.max_total)
    except LoadError as error:
        if args.command == "check":  # a changed source first, with its quotes' candidates
            from .drift import check_report

            print(check_report(args.file, error), file=sys.stderr)
            return 1
        _print_problems(error)
        return 1

    if args.command == "search":
        from .lookup import search_lines
        from .search import KINDS

        lines = search_lines(
            kb, args.query, kinds=args.kind or KINDS, limit=args.limit, as_json=args.json
        )
        return _print_lines(lines)

    if args.command == "propose":
        return _propose(args, kb)

    if args.command == "show":
        from .lookup import UnknownId, show_lines

        try:
            lines = show_lines(kb, args.id, as_json=args.json)
        except UnknownId as error:
            print(f"stakeholders show: {error}", file=sys.stderr)
            return 1
        return _print_lines(lines)

    if args.command == "check":
        counts = (
            (len(kb.actors), "actor"),
            (len(kb.relations), "relation"),
            (len(kb.attributes), "attribute"),
            (len(kb.stances), "stance"),
            (kb.quote_count, "quote"),
            (len(kb.sources), "source"),
        )
        summary = ", ".join(counted(n, noun) for n, noun in counts)
        _print_warnings(kb, args.file)
        print(f"{display(str(args.file))}: OK: {summary}")
        return 0

    from .export import write_export

    try:
        written = write_export(kb, args.format, args.output, sys.stdout)
    except (OSError, ValueError) as error:
        print(f"stakeholders export: {display(str(error))}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {display(str(path))}", file=sys.stderr)
    return 0
