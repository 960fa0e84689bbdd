"""The Chinese catalogs of the areas are merged into one at run time (Flask-Babel reads every translations folder),
so a sentence translated in two areas must read the same in both: otherwise one area's words show on the other's
pages (the visits' "What happened" of a missed visit read 案情及过程, the rotation's case summary)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1] / "trainer"


def _catalogs() -> list[Path]:
    return sorted(ROOT.glob("translations/zh/LC_MESSAGES/messages.po")) + sorted(
        ROOT.glob("*/translations/zh/LC_MESSAGES/messages.po"))


def test_a_sentence_translated_in_two_areas_reads_the_same_in_both():
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in _catalogs():
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id and isinstance(message.id, str) and message.string:
                seen[message.id][message.string].append(path.parent.parent.parent.parent.name)
    clashes = {msgid: dict(strings) for msgid, strings in seen.items() if len(strings) > 1}
    assert clashes == {}


def test_every_sentence_has_its_chinese():
    missing = []
    for path in _catalogs():
        with path.open("rb") as handle:
            catalog = read_po(handle)
        missing += [f"{path.parent.parent.parent.parent.name}: {m.id}" for m in catalog
                    if m.id and isinstance(m.id, str) and not m.string and not m.fuzzy]
    assert missing == []
