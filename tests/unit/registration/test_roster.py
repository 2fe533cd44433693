"""The contestants list workbook's pure parts: masking, widths, sheet names."""
from io import BytesIO

from openpyxl import load_workbook

from competition.formatting.masking import mask_id, mask_phone
from competition.formatting.widths import sheet_name
from competition.registration.roster import RosterRow, RosterSheet, column_widths, roster_xlsx


def row(**kw):
    base = dict(lot="001", name="欧阳秀英", gender="女", id_number="990101198803041234",
                employer="示例县第一机械厂", phone="13912345678", trade="车工", stage="预赛",
                heat="第1场", venue="示例县工人文化宫", workstation=3, grade="四级/中级工",
                team="", status="已报名")
    return RosterRow(**{**base, **kw})


def test_masks_keep_the_ends_only():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("12345") == "***45" and mask_phone("") == ""
    assert mask_id("990101198803041234") == "9901**********1234"


def test_widths_count_chinese_twice_and_are_capped():
    widths = column_widths([row(employer="示" * 30)], masked=False)
    assert widths[5] == 40                       # 60 display columns, capped at 40
    assert widths[2] == len("欧阳秀英") * 2 + 2    # the name: 8 + 2


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("车工/钳工", taken) == "车工_钳工"
    assert sheet_name("车工/钳工", taken) == "车工_钳工(2)"
    assert len(sheet_name("信" * 40, taken)) == 31


def test_an_empty_list_is_still_a_workbook_with_headers():
    wb = load_workbook(BytesIO(roster_xlsx([RosterSheet("车工", "车工 报名名单", [])])))
    assert wb["车工"]["A2"].value == "序号" and wb["车工"].max_row == 2
