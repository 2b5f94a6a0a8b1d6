"""Fill Russian msgstrs in a catalogue from a JSON dictionary (a translator's helper).

Usage: python scripts/fill_po.py CATALOGUE.po TRANSLATIONS.json
Reports every msgid still without a translation and exits 1 if any remain.
"""

from __future__ import annotations

import json
import sys

import polib  # type: ignore[import-untyped]


def main(po_path: str, json_path: str) -> int:
    with open(json_path, encoding="utf-8") as handle:
        translations: dict[str, str] = json.load(handle)
    catalogue = polib.pofile(po_path)
    missing = []
    for entry in catalogue:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        if not entry.msgstr and not entry.msgstr_plural:
            missing.append(entry.msgid)
    catalogue.save(po_path)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
