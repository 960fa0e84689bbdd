"""Developer tool: write a zh catalogue from a .pot and a {msgid: translation} JSON file.

    python tools/fill_po.py messages.pot translations.json trainer/<area>/translations/zh/LC_MESSAGES/messages.po

Existing translations in the target are kept unless the JSON gives a new one; msgids without a translation are
listed so nothing is missed.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(pot_path: str, json_path: str, po_path: str) -> int:
    with open(pot_path, "rb") as handle:
        catalog = read_po(handle, locale="zh")
    given = json.loads(Path(json_path).read_text(encoding="utf-8"))
    existing = {}
    if Path(po_path).exists():
        with open(po_path, "rb") as handle:
            existing = {m.id: m.string for m in read_po(handle) if m.id}
    missing = []
    for message in catalog:
        if not message.id:
            continue
        message.string = given.get(message.id) or existing.get(message.id) or ""
        if not message.string:
            missing.append(message.id)
    Path(po_path).parent.mkdir(parents=True, exist_ok=True)
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    for msgid in missing:
        print("missing:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
