"""Deterministic synthetic knowledge bases in the project's own YAML format (version 2).

Every quote is a sentence of a generated source text, so the loader verifies all of them
exactly as it would an analyst's file. A share of the claims carries the v2 fields an
analyst's does (hedges, caveats, a location, a modality), so that their checks are timed.
As in an analyst's file, a few actors take part in far more relations than the rest (HUBS
of them, 1,000 relations each at 10k).
"""

from __future__ import annotations

import random
from pathlib import Path

from tui.model import ACTOR_KINDS, EVENT_TYPES, RELATION_TYPES, UNVALENCED_TYPES

WORDS = (
    "ceasefire talks militia port oil border council envoy convoy harbour accord "
    "statement envoy coalition faction supply corridor election ministry tribe "
    "commander delegation patrol airport checkpoint summit pipeline mandate"
).split()
QUOTES_PER_SOURCE = 200
HUBS = 5  # actor-0 .. actor-4: the source of every tenth relation between them


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(folder: Path, actors: int, relations: int, *, seed: int = 7) -> Path:
    """Write ``folder/actors.yaml`` and its sources; return the YAML path."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(exist_ok=True)
    stances = relations // 10
    quotes = relations + stances
    source_count = max(1, -(-quotes // QUOTES_PER_SOURCE))
    names = [f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}" for i in range(actors)]
    sentences: list[list[str]] = [[] for _ in range(source_count)]

    def quote_for(index: int, subject: str, verb: str, obj: str) -> tuple[str, str]:
        source_index = index % source_count
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
        sentence = f"{subject} {verb} {obj} over the {words} (item {index})."
        sentences[source_index].append(sentence)
        return f"src-{source_index}", sentence

    lines = ['version: "2"', "sources:"]
    for index in range(source_count):
        lines += [
            f"  - id: src-{index}",
            f"    title: Synthetic dispatch {index}",
            "    publisher: Bench Wire",
            f'    published: "2020-{1 + index % 12:02d}-{1 + index % 28:02d}T09:00"',
            "    dateline: Nowhere",
            f"    path: sources/src-{index}.txt",
        ]
    lines.append("actors:")
    for index, name in enumerate(names):
        lines += [
            f"  - id: actor-{index}",
            f"    name: {_yaml_text(name)}",
            f"    kind: {ACTOR_KINDS[index % len(ACTOR_KINDS)]}",
            f"    aliases: [{_yaml_text(name.split()[0] + str(index))}]",
            f"    description: {_yaml_text(f'A synthetic {rng.choice(WORDS)} actor.')}",
        ]
        if index and index % 5 == 0:
            lines.append(f"    affiliation: actor-{index - 1}")
    issues = sorted(set(WORDS))
    lines.append("issues:")
    for issue in issues:
        lines += [f"  - id: {issue}", f"    label: {issue.title()}"]
    lines.append("relations:")
    for index in range(relations):
        source = (index // 10) % HUBS if index % 10 == 0 else rng.randrange(actors)
        target = rng.randrange(actors)
        if target == source:  # a relation is between two actors
            target = (target + 1) % actors
        kind = RELATION_TYPES[index % len(RELATION_TYPES)]
        source_id, quote = quote_for(index, names[source], kind, names[target])
        lines += [
            f"  - id: rel-{index}",
            f"    source: actor-{source}",
            f"    target: actor-{target}",
            f"    type: {kind}",
            f"    kind: {'event' if kind in EVENT_TYPES else 'tie'}",
        ]
        polarity = rng.randint(-2, 2)
        if kind not in UNVALENCED_TYPES or index % 2:
            lines.append(f"    polarity: {polarity}")
        lines += [
            f'    date: "20{rng.randint(10, 20)}-{rng.randint(1, 12):02d}"',
            f"    summary: {_yaml_text(f'{names[source]} {kind} {names[target]}.')}",
        ]
        if index % 7 == 0:
            lines += [
                "    confidence: attributed",
                "    hedges:",
                "      - applies_to: claim",
                "        cue: attributed",
                f"        source: {source_id}",
                f"        quote: {_yaml_text(quote)}",
            ]
        if index % 11 == 0:
            lines += [
                "    verification: unconfirmed",
                "    caveats:",
                f"      - source: {source_id}",
                f"        quote: {_yaml_text(quote)}",
            ]
        if index % 13 == 0:
            lines.append(f"    location: {{place: {_yaml_text(names[target])}}}")
        if index % 17 == 0:
            lines.append("    modality: intent")
        lines += [
            "    evidence:",
            f"      - source: {source_id}",
            f"        quote: {_yaml_text(quote)}",
        ]
    lines.append("stances:")
    for index in range(stances):
        actor = rng.randrange(actors)
        issue = rng.choice(WORDS)
        source_id, quote = quote_for(relations + index, names[actor], "insists on", issue)
        lines += [
            f"  - id: stance-{index}",
            f"    actor: actor-{actor}",
            f"    issue: {issue}",
            f"    position: {_yaml_text(f'Insists on the {issue}.')}",
            "    evidence:",
            f"      - source: {source_id}",
            f"        quote: {_yaml_text(quote)}",
        ]
    for index, body in enumerate(sentences):
        text = f"Synthetic dispatch {index}\n\n" + "\n\n".join(body) + "\n"
        (folder / "sources" / f"src-{index}.txt").write_text(text, encoding="utf-8")
    path = folder / "actors.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
