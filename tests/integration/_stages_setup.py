"""A two-stage trade for the results tests: 初赛 of six, the top three go on to 决赛.

Total = exam x 30 % + (work + safety 20 when no violation) x 70 %.
初赛 (exam only): 选手1 90 -> 27 + 14 = 41, 选手2 80 -> 38, 选手3 70 -> 35, 选手4 60 -> 32,
选手5 50 -> 29, 选手6 no marks (缺考). Top 3 advance: 选手1, 2, 3.
决赛: 选手3 exam 95 + work 55 (three judges) -> 28.5 + 52.5 = 81 -> 一等奖, 县技术能手;
选手1 exam 85 + work 50 -> 25.5 + 49 = 74.5 -> 二等奖; 选手2 no marks (决赛缺考).
Overall: 选手3 1, 选手1 2, then the eliminated by 初赛 rank: 选手4 3, 选手5 4; unranked last:
选手2 (决赛缺考), 选手6 (初赛缺考).
"""
from competition.extensions import db
from competition.models import Heat, Mark, Stage
from competition.services.draws import confirm_advancement
from tests.factories import build_event


def mark(entry, judge, criterion, value):
    db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion=criterion,
                        value=str(value)))


def build_two_stage(blind: bool = False, confirm: bool = True, final_marks: bool = True):
    ev = build_event(n_entries=6, blind=blind)
    prelim, judges = ev["stage"], ev["judges"]
    prelim.name, prelim.is_final = "初赛", False
    for entry, exam in zip(ev["entries"], (90, 80, 70, 60, 50)):
        mark(entry, judges[0], "exam", exam)
    final = Stage(trade_id=ev["trade"].id, seq=2, name="决赛", is_final=True)
    heat = Heat(stage=final, seq=1, name="决赛第1场", venue="示例县职业技术学校",
                workstations=10)
    db.session.add_all([final, heat])
    db.session.commit()
    ev["final"], ev["final_heat"] = final, heat
    if not confirm:
        return ev
    # the preliminary's heat is not signed off here: confirmed with the organiser's tick
    finalists = confirm_advancement(prelim, {"top_n": 3}, ev["organiser"], accept_unfinal=True)
    by_contestant = {}
    for n, e in enumerate(sorted(finalists, key=lambda e: e.contestant_id), start=1):
        e.heat_id, e.lot_number, e.workstation = heat.id, f"F{n:02d}", n
        by_contestant[e.contestant_id] = e
    db.session.commit()
    c = [e.contestant_id for e in ev["entries"]]
    ev["finalists"] = by_contestant
    if final_marks:
        for cid, exam, work in ((c[2], 95, 55), (c[0], 85, 50)):
            mark(by_contestant[cid], judges[0], "exam", exam)
            for j in judges:
                mark(by_contestant[cid], j, "work", work)
        db.session.commit()
        # marks written directly, as the services would publish them (the confirmed
        # advancement above already published a version the screens cache)
        from competition.services.standings import trade_changed
        trade_changed(ev["trade"].id)
    return ev
