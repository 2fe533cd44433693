"""Trades listed in a Chinese order (issue 18): the event's own order, else pinyin."""
from types import SimpleNamespace as NS

from competition.trade_order import in_order, pinyin_key


def trade(code, name, comp=None):
    return NS(code=code, name=name, competition=comp)


def test_trades_sort_by_pinyin_of_their_names_not_by_english_code():
    trades = [trade("electrician", "电工"), trade("forklift", "叉车司机"),
              trade("lathe", "车工"), trade("welder", "焊工"), trade("fitter", "钳工"),
              trade("cook", "中式烹调师"), trade("barber", "美发师"), trade("tea", "茶艺师")]
    names = [t.name for t in in_order(trades)]
    assert names == ["叉车司机", "茶艺师", "车工", "电工", "焊工", "美发师", "钳工", "中式烹调师"]


def test_the_events_own_order_comes_first_the_rest_by_pinyin():
    comp = NS(settings={"trade_order": ["welder", "lathe"]})
    trades = [trade("electrician", "电工", comp), trade("lathe", "车工", comp),
              trade("welder", "焊工", comp), trade("forklift", "叉车司机", comp)]
    assert [t.code for t in in_order(trades)] == ["welder", "lathe", "forklift", "electrician"]


def test_latin_and_digits_first_rare_characters_last():
    assert pinyin_key("A") < pinyin_key("车") < pinyin_key("㐀")
    assert in_order([]) == []
