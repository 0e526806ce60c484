"""hypothesis strategies for whole valid KBs, and mutations of their files.

A generated KB is a dict of `{file name: YAML text}` plus the entities it should load as, so
properties can compare what the loader returns with what was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

from kb.store.figures import FIGURES
from kb.store.schema import CHIP_KINDS, CLAIM_KINDS, FIGURE_MIN, VENDOR_KINDS, WINDOWS_RESERVED

# Text as a hand-edited KB may hold it: any Unicode a YAML file can carry, with CJK and control
# characters made likely rather than merely possible.  Left out: surrogates and the BOM, which YAML
# cannot carry inside text, and NEL/LS/PS, which PyYAML's emitter writes raw in single-quoted
# scalars where YAML folds them into spaces (so yaml.safe_dump itself does not round-trip them).
_ANY_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff\x85\u2028\u2029")
_CJK = st.sampled_from("推論チップ垂直統合トレーニングの開発を加速させるＡＷＳ")
_CONTROL = st.sampled_from("\x1b\x07\x00\x7f\x9b\u202e\u2066[]/\\:#&*!|>'\"%@`")
text = st.text(st.one_of(_ANY_CHAR, _CJK, _CONTROL), min_size=1, max_size=40)
words = st.text(st.one_of(st.sampled_from("abc xyz AWS Trainium 推論 チップ"), _CJK), min_size=1, max_size=30)
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True).filter(lambda s: s not in WINDOWS_RESERVED)


@dataclass
class GeneratedKB:
    files: dict[str, str]
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)


def _visible(value: str) -> bool:
    return bool(value.strip())


@st.composite
def valid_kbs(draw: st.DrawFn) -> GeneratedKB:
    ids = draw(st.lists(slug, min_size=6, max_size=14, unique=True))
    n_vendors = draw(st.integers(1, 2))
    n_sources = draw(st.integers(1, 2))
    n_chips = draw(st.integers(0, 2))
    vendor_ids, rest = ids[:n_vendors], ids[n_vendors:]
    source_ids, rest = rest[:n_sources], rest[n_sources:]
    chip_ids, claim_ids = rest[:n_chips], rest[n_chips:]
    entities: dict[str, dict[str, Any]] = {}
    sections: dict[str, list[dict[str, Any]]] = {"vendors": [], "chips": [], "sources": [], "claims": []}
    for vendor_id in vendor_ids:
        vendor = {"id": vendor_id, "name": draw(text.filter(_visible)), "kind": draw(st.sampled_from(VENDOR_KINDS))}
        if draw(st.booleans()):
            vendor["aliases"] = draw(st.lists(text, max_size=3))
        sections["vendors"].append(vendor)
    texts = {}
    for source_id in source_ids:
        paragraphs = draw(st.lists(st.one_of(text, words).filter(_visible), min_size=1, max_size=4))
        texts[source_id] = "\n\n".join(paragraphs)
        source = {
            "id": source_id,
            "title": draw(text.filter(_visible)),
            "language": draw(st.sampled_from(["en", "ja", "zh-Hans"])),
            "text": texts[source_id],
        }
        sections["sources"].append(source)
    for chip_id in chip_ids:
        specs = []
        for _ in range(draw(st.integers(0, 3))):
            figure = FIGURES[draw(st.sampled_from(sorted(FIGURES)))]
            specs.append(
                {
                    "name": figure.name,
                    "value": draw(st.floats(FIGURE_MIN, 1e6, allow_nan=False, allow_infinity=False)),
                    "unit": draw(st.sampled_from(sorted(figure.units))),
                    "source": draw(st.sampled_from(source_ids)),
                }
            )
        chip = {
            "id": chip_id,
            "name": draw(text.filter(_visible)),
            "vendor": draw(st.sampled_from(vendor_ids)),
            "kind": draw(st.sampled_from(CHIP_KINDS)),
            "specs": specs,
        }
        sections["chips"].append(chip)
    for claim_id in claim_ids:
        source_id = draw(st.sampled_from(source_ids))
        source_text = texts[source_id]
        start = draw(st.integers(0, len(source_text) - 1))
        end = draw(st.integers(start + 1, len(source_text)))
        excerpt = source_text[start:end]
        if not excerpt.strip():
            excerpt = source_text
        claim = {
            "id": claim_id,
            "statement": draw(text.filter(_visible)),
            "subjects": draw(st.lists(st.sampled_from(vendor_ids + chip_ids), min_size=1, max_size=2, unique=True)),
            "source": source_id,
            "excerpt": excerpt,
            "kind": draw(st.sampled_from(CLAIM_KINDS)),
        }
        others = [c for c in claim_ids if c != claim_id]
        if others and draw(st.booleans()):
            targets = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
            relations = draw(
                st.lists(st.sampled_from(["supports", "contradicts"]), min_size=len(targets), max_size=len(targets))
            )
            for target, relation in zip(targets, relations, strict=True):
                reason = draw(text.filter(lambda r: r.strip() and "\n" not in r.strip()))
                claim.setdefault(relation, []).append({"claim": target, "reason": reason})
        sections["claims"].append(claim)
    for section in sections.values():
        for entity in section:
            entities[entity["id"]] = entity
    n_files = draw(st.integers(1, 3))
    files: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for section, items in sections.items():
        for item in items:
            name = f"part{draw(st.integers(0, n_files - 1))}.yaml"
            files.setdefault(name, {}).setdefault(section, []).append(item)
    rendered = {name: yaml.safe_dump(body, allow_unicode=True, sort_keys=False) for name, body in files.items()}
    return GeneratedKB(rendered, entities)


@st.composite
def mutated(draw: st.DrawFn, kb: GeneratedKB) -> tuple[dict[str, str], str]:
    """The KB's files with one random damage done to one of them, and that file's name."""
    files = dict(kb.files)
    name = draw(st.sampled_from(sorted(files)))
    content = files[name]
    lines = content.split("\n")
    kind = draw(st.sampled_from(["drop-line", "insert-text", "truncate", "swap-ids", "duplicate-line", "indent"]))
    if kind == "drop-line" and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
        content = "\n".join(lines)
    elif kind == "insert-text":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(text) + content[at:]
    elif kind == "truncate":
        content = content[: draw(st.integers(0, len(content)))]
    elif kind == "swap-ids" and len(kb.entities) >= 2:
        first, second = draw(st.lists(st.sampled_from(sorted(kb.entities)), min_size=2, max_size=2, unique=True))
        content = content.replace(first, "\0").replace(second, first).replace("\0", second)
    elif kind == "duplicate-line" and lines:
        at = draw(st.integers(0, len(lines) - 1))
        lines.insert(at, lines[at])
        content = "\n".join(lines)
    elif kind == "indent" and lines:
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(st.sampled_from(["\t", " ", "   "])) + lines[at]
        content = "\n".join(lines)
    files[name] = content
    return files, name
