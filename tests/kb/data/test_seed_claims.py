"""The founding article in the bundled KB: held as published, and the claims drawn from it quote it."""

from __future__ import annotations

import re

import pytest
import yaml

from kb.store import schema
from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Claim, Source
from kb.text.passages import normalise_whitespace, paragraphs
from kb.text.slugs import is_slug
from tests.support.paths import BUNDLED_KB

SOURCE_ID = "allforces-aws-ai-chip-strategy"
ARTICLE = BUNDLED_KB / "sources" / f"{SOURCE_ID}.ja.md"
OWN_FILES = ("seed-article.yaml", f"{SOURCE_ID}.yaml")
REQUIRED_IDS = (
    "seed-trn1-matches-a100-lower-cost",
    "seed-google-tpu-pioneer",
    "seed-inferentia-alexa-rekognition",
    "seed-microsoft-maia-cobalt",
    "seed-graviton-arm-cpu",
    "seed-tsmc-foundry-role",
    "seed-trainium-for-training",
    "seed-inferentia-for-inference",
    "seed-nvidia-gpu-cost-and-scarcity",
    "seed-multi-vendor-strategy",
)
#: A sentence ends inside the statement when a stop is followed by a space.
INNER_SENTENCE_END = re.compile(r"[.!?]\s")


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return load_kb(BUNDLED_KB)


@pytest.fixture(scope="module")
def source(bundled: KnowledgeBase) -> Source:
    found = bundled.get(SOURCE_ID)
    assert isinstance(found, Source)
    return found


@pytest.fixture(scope="module")
def claims(bundled: KnowledgeBase) -> list[Claim]:
    return bundled.claims_quoting(SOURCE_ID)


def _front_matter_and_body(raw: str) -> tuple[dict[str, object], str]:
    assert raw.startswith("---\n")
    front, body = raw[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def test_source_is_the_article_as_published(source: Source) -> None:
    front, body = _front_matter_and_body(ARTICLE.read_text(encoding="utf-8"))
    assert source.language == "ja"
    assert source.kind == "secondary"
    assert source.text == body
    assert source.title == front["title"]
    assert source.author == front["author"]
    assert str(front["date"]).startswith(source.published)
    # the article as published ends cut off mid-sentence; the KB keeps it that way
    assert source.text.rstrip().endswith("今、AWS")


def test_source_and_claims_have_no_problem_of_their_own(bundled: KnowledgeBase) -> None:
    """Subjects are vendors and chips from other KB files; everything else here must be clean."""
    own = [p for p in bundled.errors if p.path.endswith(OWN_FILES) and "unknown chip or vendor" not in p.message]
    assert own == []


def test_at_least_25_claims_quote_the_article(claims: list[Claim]) -> None:
    assert len(claims) >= 25
    assert all(c.id.startswith("seed-") for c in claims)


def test_every_excerpt_is_verbatim_from_the_unrepeated_part(source: Source, claims: list[Claim]) -> None:
    """Each excerpt is found in the text, and first found before the article starts repeating itself."""
    text = normalise_whitespace(source.text)
    seen: set[str] = set()
    unrepeated_end = len(source.text)
    for line, paragraph in paragraphs(source.text):
        key = normalise_whitespace(paragraph)
        if key in seen:
            unrepeated_end = sum(len(row) + 1 for row in source.text.split("\n")[:line])
            break
        seen.add(key)
    unrepeated = normalise_whitespace(source.text[:unrepeated_end])
    assert len(unrepeated) < len(text)
    for claim in claims:
        excerpt = normalise_whitespace(claim.excerpt)
        assert excerpt in text, claim.id
        assert excerpt in unrepeated, claim.id


def test_required_claims_exist(bundled: KnowledgeBase) -> None:
    for claim_id in REQUIRED_IDS:
        claim = bundled.get(claim_id)
        assert isinstance(claim, Claim), claim_id
        assert claim.source == SOURCE_ID


def test_claims_are_well_formed(source: Source, claims: list[Claim]) -> None:
    for claim in claims:
        assert claim.kind in schema.CLAIM_KINDS, claim.id
        assert claim.statement.endswith("."), claim.id
        assert "\n" not in claim.statement, claim.id
        assert not INNER_SENTENCE_END.search(claim.statement), claim.id
        assert claim.subjects, claim.id
        assert claim.date == source.published, claim.id
        assert claim.tags and all(is_slug(tag) for tag in claim.tags), claim.id
