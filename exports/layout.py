"""The certificate layout: where each text goes, how big, and what it says.

A competition stores overrides in ``Competition.settings["certificate_layout"]``; they are
merged over DEFAULT_LAYOUT and validated here, so a pre-printed certificate paper (with the
heading, border and seals already printed) needs only its boxes moved and the printed parts
switched off (``"border": false``, ``"fields": {"heading": null}``).

Units: boxes in millimetres from the page's top-left corner; font sizes in points.
"""
from __future__ import annotations

import copy
import re
import string
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PLACEHOLDERS = frozenset({
    "serial", "competition", "name", "employer", "trade", "award", "title", "bodies",
    "date", "promotion_note", "honorific", "verify_url", "rank", "team",
})
# A field is left out when one of these it uses is empty (e.g. no title: no title line).
OPTIONAL_PLACEHOLDERS = PLACEHOLDERS - {"honorific"}
PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0),
                 "16K": (195.0, 270.0)}
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def template_fields(template: str) -> set[str]:
    """The placeholder names a template uses: "{name}：" -> {"name"}.
    Raises ValueError for a malformed template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextBox(_Strict):
    """A text field: the template is filled, then fitted into the box (shrunk, wrapped)."""
    template: str
    x: float = Field(ge=0)
    y: float = Field(ge=0)                 # top of the box
    width: float = Field(gt=0)
    height: float | None = Field(default=None, gt=0)  # default: one line at `size`
    size: float = Field(default=16, gt=0, le=200)     # largest font size (pt)
    max_lines: int = Field(default=1, ge=1, le=10)
    align: Literal["left", "center", "right"] = "left"
    color: str = "#000000"
    font: Literal["kai", "sans", "song"] = "kai"
    bold: bool = False

    @field_validator("template")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        try:
            names = template_fields(value)
        except ValueError as err:
            raise ValueError(f"malformed template {value!r}: {err}") from None
        unknown = names - PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; "
                             f"use {sorted(PLACEHOLDERS)}")
        return value

    @field_validator("color")
    @classmethod
    def _hex_color(cls, value: str) -> str:
        if not _COLOR.match(value):
            raise ValueError("colour must be #RRGGBB")
        return value

    @property
    def static(self) -> bool:
        """True when the text is the same on every certificate (drawn once, reused)."""
        return not template_fields(self.template)


class QRBox(_Strict):
    x: float = Field(ge=0)
    y: float = Field(ge=0)                 # top of the code
    size: float = Field(default=28, ge=12)  # mm, quiet zone included
    level: Literal["L", "M", "Q", "H"] = "M"
    caption: str = "扫码验证真伪"
    caption_size: float = Field(default=8, gt=0)


class CertificateLayout(_Strict):
    page: str = "A4"
    page_size_mm: tuple[float, float] | None = None   # (width, height) portrait; wins over page
    orientation: Literal["landscape", "portrait"] = "landscape"
    background: str | None = None          # image file drawn over the whole page
    print_background: bool = True          # false: pre-printed paper, preview only
    border: bool = True                    # the decorative frame
    border_color: str = "#B22222"
    fields: dict[str, TextBox]
    qr: QRBox | None = None

    @field_validator("page")
    @classmethod
    def _known_page(cls, value: str) -> str:
        if value not in PAGE_SIZES_MM:
            raise ValueError(f"unknown page {value!r}; use {sorted(PAGE_SIZES_MM)} "
                             "or page_size_mm")
        return value

    @model_validator(mode="after")
    def _boxes_on_the_page(self) -> "CertificateLayout":
        width, height = self.size_mm
        for key, box in self.fields.items():
            if box.x + box.width > width + 0.01 or box.y > height:
                raise ValueError(f"field {key!r} lies outside the {width}x{height} mm page")
        if self.qr and (self.qr.x + self.qr.size > width or self.qr.y + self.qr.size > height):
            raise ValueError("the QR code lies outside the page")
        return self

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = self.page_size_mm or PAGE_SIZES_MM[self.page]
        w, h = min(w, h), max(w, h)
        return (h, w) if self.orientation == "landscape" else (w, h)


RED = "#B22222"
DEFAULT_LAYOUT: dict = {
    "page": "A4", "orientation": "landscape", "border": True, "border_color": RED,
    "fields": {
        "heading": {"template": "荣 誉 证 书", "x": 20, "y": 26, "width": 257, "size": 46,
                    "align": "center", "color": RED, "bold": True},
        "name": {"template": "{name}{honorific}：", "x": 40, "y": 56, "width": 217,
                 "size": 26},
        "employer": {"template": "（{employer}）", "x": 40, "y": 69, "width": 217,
                     "size": 15},
        "team": {"template": "（{team}成员）", "x": 40, "y": 75, "width": 217, "size": 13},
        "body": {"template": "　　在{competition}{trade}比赛中，成绩优异，荣获", "x": 40,
                 "y": 81, "width": 217, "height": 22, "size": 20, "max_lines": 2},
        "award": {"template": "{award}", "x": 40, "y": 105, "width": 217, "size": 40,
                  "align": "center", "color": RED, "bold": True},
        "title": {"template": "并被授予“{title}”称号。", "x": 40, "y": 124, "width": 217,
                  "size": 20, "align": "center"},
        "promotion": {"template": "{promotion_note}", "x": 40, "y": 134, "width": 217,
                      "size": 14, "align": "center"},
        "closing": {"template": "　　特发此证，以资鼓励。", "x": 40, "y": 143, "width": 217,
                    "size": 18},
        "bodies": {"template": "{bodies}", "x": 120, "y": 160, "width": 140, "height": 16,
                   "size": 16, "max_lines": 2, "align": "right"},
        "date": {"template": "{date}", "x": 120, "y": 179, "width": 140, "size": 16,
                 "align": "right"},
        "serial": {"template": "证书编号：{serial}", "x": 22, "y": 186, "width": 90,
                   "size": 9, "font": "sans"},
    },
    "qr": {"x": 24, "y": 156, "size": 26, "level": "M", "caption": "扫码验证真伪"},
}


# Fields a layout may switch on that the default leaves out (e.g. on a scanned blank that
# prints "工种" and "名次" with a line to fill in).
EXTRA_FIELDS: dict = {
    "trade": {"template": "工种：{trade}", "x": 60, "y": 151, "width": 60, "size": 14},
    "rank": {"template": "第{rank}名", "x": 125, "y": 151, "width": 40, "size": 14},
}


def merge(base: dict, overrides: dict) -> dict:
    """Deep-merge ``overrides`` into a copy of ``base``; a None value removes the key."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_layout(overrides: dict | None = None) -> CertificateLayout:
    """The default layout with a competition's overrides applied.
    Raises pydantic.ValidationError naming the bad field."""
    return CertificateLayout.model_validate(merge(DEFAULT_LAYOUT, overrides or {}))
