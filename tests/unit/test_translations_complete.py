"""Every user-visible string has a Simplified Chinese translation: the UI is Chinese
first. Extracts the msgids from the Python code and the Jinja templates exactly as
pybabel would, and checks the merged per-area catalogs translate each one."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None,
            "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def translated() -> set[str]:
    known = set()
    for po in ROOT.glob("competition/translations/*/zh_CN/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            for m in read_po(f):
                if m.id and (m.string if isinstance(m.string, str) else all(m.string)):
                    known.add(m.id if isinstance(m.id, str) else m.id[0])
    return known


def extracted():
    for folder, method in (("competition", [("**/translations/**", "ignore"),
                                            ("**.py", "python")]),
                           ("templates", [("**.html", "jinja2.ext:babel_extract")])):
        for name, line, msg, _comments, _ctx in extract_from_dir(
                ROOT / folder, method_map=method, keywords=KEYWORDS):
            yield f"{folder}/{name}:{line}", msg if isinstance(msg, str) else msg[0]


def test_every_ui_string_has_a_chinese_translation():
    known = translated()
    found = list(extracted())
    assert len(found) > 500            # the extraction itself works
    missing = [f"{where}: {msgid!r}" for where, msgid in found if msgid not in known]
    assert not missing, "untranslated (add them to your area's messages.po):\n" + \
        "\n".join(missing)
