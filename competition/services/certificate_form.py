"""The certificate layout as a clerk's form: page, background image, and for each text
field its position, width, font size, alignment and whether it is printed.

The stored format stays the JSON overrides of exports.layout.DEFAULT_LAYOUT in
Competition.settings["certificate_layout"]; the form reads the merged layout into flat
values (``form_values``) and turns what was typed back into overrides (``parse_form``),
keeping whatever the form does not show (templates, colours, fields added in the advanced
view). Errors name the field in the user's language and leave the typed values alone.
"""
from __future__ import annotations

import copy
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as L_

from exports.data import CertificateData, chinese_date
from exports.layout import DEFAULT_LAYOUT, EXTRA_FIELDS, PAGE_SIZES_MM, merge

from ..models import Trade
from ..timefmt import local_today
from .errors import ServiceError, _

PT_MM = 25.4 / 72
# (key in layout["fields"], label) in the order a certificate reads
TEXT_FIELDS = [
    ("heading", L_("Heading (荣誉证书)")),
    ("name", L_("Name")),
    ("employer", L_("Employer")),
    ("team", L_("Team (team members' certificates)")),
    ("body", L_("Main text (competition and trade)")),
    ("trade", L_("Trade")),
    ("rank", L_("Rank")),
    ("award", L_("Award")),
    ("title", L_("Honorary title")),
    ("promotion", L_("Promotion")),
    ("closing", L_("Closing line")),
    ("bodies", L_("Issuing organisations")),
    ("date", L_("Date")),
    ("serial", L_("Certificate number")),
]
FIELD_KEYS = [k for k, _label in TEXT_FIELDS]
ALIGNS = ("left", "center", "right")
ORIENTATIONS = ("landscape", "portrait")
PARTS = {"x": L_("from the left (mm)"), "y": L_("from the top (mm)"),
         "width": L_("width (mm)"), "size": L_("font size (pt)"),
         "align": L_("alignment"), "qr_size": L_("size (mm)")}
BACKGROUND_TYPES = {b"\x89PNG\r\n\x1a\n": ("PNG", ".png"), b"\xff\xd8\xff": ("JPEG", ".jpg")}
MAX_PIXELS = 12000
BACKGROUND_NAME = re.compile(r"^bg-[0-9a-f]{16}\.(png|jpg)$")


class LayoutFormError(ServiceError):
    """What was typed does not make a layout. ``errors``: input name -> message (each
    names its field); ``message`` lists them all."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()), next(iter(errors), None))


def _catalogue() -> dict[str, dict]:
    return {**copy.deepcopy(EXTRA_FIELDS), **copy.deepcopy(DEFAULT_LAYOUT["fields"])}


def form_values(overrides: dict | None) -> dict[str, str]:
    """The form's inputs (name -> text) for a competition's layout overrides."""
    layout = merge(DEFAULT_LAYOUT, overrides or {})
    values = {"page": layout.get("page", "A4"),
              "orientation": layout.get("orientation", "landscape"),
              "border": "1" if layout.get("border", True) else "",
              "print_background": "1" if layout.get("print_background", True) else "",
              "background": layout.get("background") or ""}
    catalogue = _catalogue()
    for key in FIELD_KEYS:
        box = layout["fields"].get(key)
        shown = box is not None
        box = box or catalogue[key]
        values[f"{key}.show"] = "1" if shown else ""
        for part in ("x", "y", "width", "size"):
            values[f"{key}.{part}"] = _num(box.get(part, 16 if part == "size" else 0))
        values[f"{key}.align"] = box.get("align", "left")
    qr = layout.get("qr")
    values["qr.show"] = "1" if qr else ""
    qr = qr or DEFAULT_LAYOUT["qr"]
    for part in ("x", "y", "size"):
        values[f"qr.{part}"] = _num(qr[part])
    return values


def _num(value) -> str:
    return f"{float(value):g}"


def field_label(key: str) -> str:
    if key == "qr":
        return _("QR code")
    return str(dict(TEXT_FIELDS).get(key, key))


@dataclass
class _Reader:
    form: dict
    errors: dict[str, str] = field(default_factory=dict)

    def number(self, name: str, label: str, *, low: float, high: float,
               low_open: bool = False) -> float | None:
        raw = (self.form.get(name) or "").strip().replace("，", ".").replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = _("%(field)s: enter a number.", field=label)
            return None
        if value != value or value < low or value > high or (low_open and value <= low):
            self.errors[name] = _("%(field)s: a number from %(low)s to %(high)s.", field=label,
                                  low=_num(low), high=_num(high))
            return None
        return value


def parse_form(form, current: dict | None, background: str | None = None) -> dict:
    """The layout overrides for what was typed in the form (``form``: input name -> text),
    keeping what the form does not show from ``current``. ``background``: the stored
    name of an image uploaded with this form. Raises LayoutFormError naming each field
    at fault."""
    r = _Reader(form)
    page = form.get("page", "A4")
    if page not in PAGE_SIZES_MM:
        r.errors["page"] = _("%(field)s: choose a paper size from the list.",
                             field=_("Paper size"))
        page = "A4"
    orientation = form.get("orientation", "landscape")
    if orientation not in ORIENTATIONS:
        r.errors["orientation"] = _("%(field)s: choose landscape or portrait.",
                                    field=_("Orientation"))
        orientation = "landscape"
    w, h = PAGE_SIZES_MM[page]
    width, height = (max(w, h), min(w, h)) if orientation == "landscape" else (w, h)

    out = copy.deepcopy(current or {})
    out.pop("page_size_mm", None)
    out.update(page=page, orientation=orientation, border=bool(form.get("border")),
               print_background=bool(form.get("print_background")))
    shown = form.get("background") or ""
    if background:
        out["background"] = background
    elif form.get("remove_background") or not shown:
        out.pop("background", None)
    elif shown != (current or {}).get("background"):
        # uploaded with a form that was refused, then sent again: only a stored upload
        if BACKGROUND_NAME.match(shown) and (background_dir() / shown).is_file():
            out["background"] = shown
        else:
            r.errors["background_file"] = _("%(field)s: upload the image again.",
                                            field=_("Background image"))
    merged = merge(DEFAULT_LAYOUT, current or {})
    catalogue = _catalogue()
    fields = dict(out.get("fields") or {})
    for key in FIELD_KEYS:
        label = field_label(key)
        if not form.get(f"{key}.show"):
            fields[key] = None
            continue
        box = dict(merged["fields"].get(key) or catalogue[key])
        nums = {}
        for part, high in (("x", width), ("y", height), ("width", width), ("size", 200)):
            nums[part] = r.number(f"{key}.{part}", f"{label} · {PARTS[part]}",
                                  low=4 if part == "size" else 0, high=high,
                                  low_open=part == "width")
        align = form.get(f"{key}.align", "left")
        if align not in ALIGNS:
            r.errors[f"{key}.align"] = _("%(field)s: choose left, centre or right.",
                                         field=f"{label} · {PARTS['align']}")
        if None not in nums.values():
            x, y, wd, size = nums["x"], nums["y"], nums["width"], nums["size"]
            box_h = box.get("height") or size * PT_MM * 1.2
            if x + wd > width + 0.01:
                r.errors[f"{key}.width"] = _(
                    "%(field)s: the right edge (%(edge)s mm) lies beyond the paper's width "
                    "(%(paper)s mm); move it left or make it narrower.", field=label,
                    edge=_num(round(x + wd, 1)), paper=_num(width))
            elif y + box_h > height + 0.01:
                r.errors[f"{key}.y"] = _(
                    "%(field)s: the text (down to %(edge)s mm) runs below the paper's "
                    "bottom edge (%(paper)s mm); move it up.", field=label,
                    edge=_num(round(y + box_h, 1)), paper=_num(height))
            box.update(x=x, y=y, width=wd, size=size)
        box["align"] = align if align in ALIGNS else "left"
        fields[key] = box
    out["fields"] = fields
    if form.get("qr.show"):
        label = field_label("qr")
        qr = dict(merged.get("qr") or DEFAULT_LAYOUT["qr"])
        x = r.number("qr.x", f"{label} · {PARTS['x']}", low=0, high=width)
        y = r.number("qr.y", f"{label} · {PARTS['y']}", low=0, high=height)
        size = r.number("qr.size", f"{label} · {PARTS['qr_size']}", low=12, high=100)
        if None not in (x, y, size):
            if x + size > width + 0.01 or y + size > height + 0.01:
                r.errors["qr.size"] = _("%(field)s: it lies outside the paper; move it or "
                                        "make it smaller.", field=label)
            qr.update(x=x, y=y, size=size)
        out["qr"] = qr
    else:
        out["qr"] = None
    if r.errors:
        raise LayoutFormError(r.errors)
    return out


def overlaps(overrides: dict | None) -> list[tuple[str, str]]:
    """Pairs of printed fields (labels) whose boxes overlap on the page: the texts may
    print over each other (a warning; the preview shows whether they do)."""
    layout = merge(DEFAULT_LAYOUT, overrides or {})
    boxes = []
    for key, box in (layout.get("fields") or {}).items():
        if box is None:
            continue
        height = box.get("height") or box.get("size", 16) * PT_MM * 1.2
        boxes.append((field_label(key), box["x"], box["y"], box["x"] + box["width"],
                      box["y"] + height))
    qr = layout.get("qr")
    if qr:
        boxes.append((field_label("qr"), qr["x"], qr["y"], qr["x"] + qr["size"],
                      qr["y"] + qr["size"]))
    found = []
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(boxes):
        for b, bx0, by0, bx1, by1 in boxes[i + 1:]:
            if min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5:
                found.append((a, b))
    return found


# --- background images --------------------------------------------------------------------

def background_dir() -> Path:
    path = Path(current_app.config["EXPORT_DIR"]) / "backgrounds"
    path.mkdir(parents=True, exist_ok=True)
    return path


def background_path(name: str | None) -> str | None:
    """Where a stored background lives: only a name made by store_background (bg-<hex>.png
    or .jpg: no folder, no ..) in the upload folder; None for anything else, so a layout can
    never make the server read another file."""
    if not name or not is_stored_background(name):
        return None
    return str(background_dir() / name)


def is_stored_background(name: object) -> bool:
    """Whether ``name`` is the name of an uploaded background (not a path)."""
    return isinstance(name, str) and BACKGROUND_NAME.fullmatch(name) is not None


def store_background(stream, filename: str = "") -> str:
    """Check an uploaded scan (PNG or JPEG, at most CERTIFICATE_BACKGROUND_MAX_BYTES,
    a readable image) and store it under a name made from its content. Returns the name.
    Raises LayoutFormError naming the background field."""
    limit = current_app.config.get("CERTIFICATE_BACKGROUND_MAX_BYTES", 8 * 1024 * 1024)
    data = stream.read(limit + 1)
    label = _("Background image")

    def refuse(message: str):
        raise LayoutFormError({"background_file": message})
    if not data:
        refuse(_("%(field)s: the file is empty.", field=label))
    if len(data) > limit:
        refuse(_("%(field)s: the file is larger than %(mb)s MB; scan at 150-300 dpi or save "
                 "it as JPEG.", field=label, mb=_num(round(limit / 1024 / 1024, 1))))
    kind = next((v for magic, v in BACKGROUND_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        refuse(_("%(field)s: only PNG or JPEG images (a scanned blank certificate) are "
                 "accepted.", field=label))
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            px_w, px_h = img.size
            if img.format != kind[0]:
                raise UnidentifiedImageError(img.format)
    except Exception:  # noqa: BLE001 - any decoding failure is a damaged file to the user
        refuse(_("%(field)s: the image cannot be read (the file is damaged or not really "
                 "a %(kind)s).", field=label, kind=kind[0]))
    if max(px_w, px_h) > MAX_PIXELS or min(px_w, px_h) < 100:
        refuse(_("%(field)s: %(w)d x %(h)d pixels; use an image between 100 and %(max)d "
                 "pixels on each side.", field=label, w=px_w, h=px_h, max=MAX_PIXELS))
    name = f"bg-{hashlib.sha256(data).hexdigest()[:16]}{kind[1]}"
    path = background_dir() / name
    if not path.exists():
        path.write_bytes(data)
    return name


# --- preview data -------------------------------------------------------------------------

def preview_data(trade: Trade, base: str | None = None) -> tuple[CertificateData, str]:
    """One certificate of ``trade`` from its real data, for the layout preview: the
    current certificate, else the awarded entry, else the registered contestant with the
    longest employer name (the hardest to fit). Returns the data and what it is."""
    from . import certificates as certs
    current = certs.current_certificates(trade=trade)
    if current:
        cert = max(current, key=lambda c: len((c.data or {}).get("employer") or ""))
        return certs.certificate_data(cert, base), "certificate"
    comp = trade.competition
    common = dict(competition=comp.name, trade=trade.name,
                  bodies=tuple(certs.split_bodies(comp.organiser)),
                  date=(comp.settings or {}).get("certificate_date")
                  or chinese_date(local_today(comp)))
    try:
        rows = certs.awarded(trade)
    except Exception:  # noqa: BLE001 - an invalid rule: fall back to the registrations
        rows = []
    if rows:
        a = max(rows, key=lambda a: len(a.entry.employer or ""))
        team = a.entry.team.name if a.member else None
        return CertificateData(
            serial=certs.serial_prefix(trade) + "0000", name=a.entry.display_name,
            employer=a.entry.employer, award=a.award, title=a.title, rank=a.rank,
            verify_url=certs.verify_url(certs.serial_prefix(trade) + "0000", base),
            team=a.entry.team_id is not None and not a.member, team_name=team,
            **common), "awarded"
    people = [c for c in trade.contestants if c.withdrawn_at is None]
    if people:
        c = max(people, key=lambda c: len(c.employer or ""))
        return CertificateData(
            serial=certs.serial_prefix(trade) + "0000", name=c.name, employer=c.employer,
            award="一等奖", rank=1,
            verify_url=certs.verify_url(certs.serial_prefix(trade) + "0000", base),
            **common), "registered"
    sample = {k: v for k, v in certs.SAMPLE.items() if k != "trade"}
    return CertificateData(**sample, verify_url=certs.verify_url("SAMPLE", base), rank=1,
                           **common), "sample"

