"""Compile the translation catalogs (.po -> .mo) of every area.

Run by the setup scripts (`python -m competition.i18n`) and by the test session; .mo files
are build products and are not committed.

Catalogs are written in zh_CN/ (the name translators know), but Babel parses "zh_CN" as
zh_Hans_CN, for which gettext looks in zh_Hans_CN/ and zh/, never zh_CN/. So the compiled
.mo of a zh_CN catalog is also written to zh/ beside it."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent / "translations"


def compile_all(root: Path = ROOT) -> list[Path]:
    """Compile every messages.po under ``root`` whose .mo is missing or older."""
    done = []
    for po in sorted(root.glob("*/*/LC_MESSAGES/*.po")):
        targets = [po.with_suffix(".mo")]
        if po.parent.parent.name == "zh_CN":
            targets.append(po.parent.parent.parent / "zh" / "LC_MESSAGES" / (po.stem + ".mo"))
        catalog = None
        for mo in targets:
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            if catalog is None:
                with po.open("rb") as f:
                    catalog = read_po(f, locale=po.parent.parent.name)
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as f:
                write_mo(f, catalog)
            done.append(mo)
    return done


if __name__ == "__main__":
    compiled = compile_all()
    print(f"compiled {len(compiled)} translation catalog(s)")
