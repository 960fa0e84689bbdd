"""Developer tool: add or update zh translations in one catalogue from a JSON object {msgid: translation}.

    .venv/bin/python tools/po_add.py trainer/visits/translations/zh/LC_MESSAGES/messages.po < new.json

Then `make translations` (or `make install`) compiles the catalogues.
"""

import json
import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(po_path: str) -> int:
    given = json.load(sys.stdin)
    try:
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale="zh")
    except FileNotFoundError:
        catalog = Catalog(locale="zh")
    for msgid, text in given.items():
        if msgid in catalog:
            catalog[msgid].string = text
        else:
            catalog.add(msgid, text)
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=0)
    print(f"{len(given)} translation(s) written to {po_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
