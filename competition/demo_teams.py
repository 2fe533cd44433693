"""The team side of the demo: the sister event 安全生产和劳动保护知识竞赛 (fictional).

Two trades of the demo competition, ruled by competition/demo_rules/ (not scoring_rules/,
which holds the 41 trades of the skill competition):

- ``safety_team`` 笔试与实操 (one stage, 初赛): 40 teams of 4 from fictional employers
  (示例县…). Every member sits the written test and the practical; each team also does
  the team round (a team entry of the same stage, marked on the same sheet). Team score:
  the best 3 of the 4 members' totals plus the team round (competition settings
  ``team_scoring``). All marked.
- ``safety_quiz`` 知识竞赛 (one bracket stage, 小组赛与淘汰赛): the same 40 teams on
  stage, 8 round-robin groups of 5 feeding a knockout of 16 with a third-place match,
  seeded by the team standings of the written stage. Groups and the round of 16 are
  played, the quarter-finals half: under way.

Why two trades and not two stages of one: a team bracket stage gets its teams only as the
first stage of its trade (draws.enter_registered); advancement carries an individual
ranking, not teams; and the team standings page reads the trade's last stage with
entries. Registrations, stages, heats, the draw, seeds, the bracket and every match
result go through the services (registration, draws, brackets), as an organiser would.
The team-round entries are written directly: no service adds a team entry to a ranked
stage (the team tests do the same).
"""
from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import insert, select

from .demo_people import fake_id_number, fake_name, judges_needed, trade_user
from .demo_schedule import slot_start
from .extensions import db
from .models import Competition, Entry, JudgeAssignment, Mark, Match, Role, Stage, Team, Trade, User

RULES = Path(__file__).parent / "demo_rules"
TEAM_TRADE, QUIZ_TRADE = "safety_team", "safety_quiz"
TEAM_SIZE = 4
TEAM_SCORING = {"method": "best", "best_of": 3}
SEED = 1500
EMPLOYERS = [
    "示例县供电公司", "示例县自来水公司", "示例县第一机械厂", "示例县第二机械厂", "示例县纺织有限公司",
    "示例县公共交通公司", "示例县人民医院", "示例县中医院", "示例县乳业有限公司", "示例县化工园区",
    "示例县建筑工程公司", "示例县第二建筑公司", "示例县燃气有限公司", "示例县热电厂", "示例县水泥厂",
    "示例县造纸厂", "示例县食品有限公司", "示例县粮食储备库", "示例县矿山救护大队", "示例县消防救援大队",
    "示例县公路管理站", "示例县交通运输公司", "示例县污水处理厂", "示例县市政工程公司", "示例县环境卫生管理所",
    "示例县邮政分公司", "示例县电信分公司", "示例县移动分公司", "示例县农商银行", "示例县物业服务中心",
    "示例县职业技术学校", "示例县第一中学", "示例县经济开发区", "示例县港务有限公司", "示例县物流园",
    "示例县钢结构有限公司", "示例县电机厂", "示例县制药有限公司", "示例县酒业有限公司", "示例县汽车运输公司",
]
GRADES = ["五级", "四级/中级工", "四级/中级工", "高级工", "", "技师"]
VENUE = "示例县工人文化宫"
WRITTEN_HEATS = 10


def team_name(employer: str) -> str:
    """示例县供电公司 -> 供电公司队 (short enough for an LED bracket)."""
    return employer.removeprefix("示例县") + "队"


def build_safety_contest(comp: Competition, users: dict[str, User], marks: bool = True) -> None:
    """Add the safety contest's two trades to ``comp`` (the demo competition, just built)."""
    rng = random.Random(SEED)
    admin = users["admin"]
    settings = dict(comp.settings or {})
    settings["team_scoring"] = {**(settings.get("team_scoring") or {}), TEAM_TRADE: TEAM_SCORING}
    comp.settings = settings
    team_trade, team_judges = _trade(comp, TEAM_TRADE)
    quiz_trade, quiz_judges = _trade(comp, QUIZ_TRADE)
    strength = {e: min(0.9, max(0.45, rng.gauss(0.72, 0.09))) for e in EMPLOYERS}
    _register(comp, [team_trade, quiz_trade], rng, admin)
    written = _written_stage(team_trade, admin, team_judges)
    if marks:
        _mark_written(team_trade, written, team_judges, strength, rng)
    _quiz(quiz_trade, team_trade, written, admin, quiz_judges, strength, rng, play=marks)


def _trade(comp: Competition, code: str) -> tuple[Trade, list[User]]:
    """The trade bound to its demo rule (by rule_text), its chief judge and judges."""
    import tomllib

    from .rules import parse_rule
    path = RULES / f"{code}.toml"
    text = path.read_text(encoding="utf-8")
    parse_rule(text, path.name)
    info = tomllib.loads(text)["trade"]
    trade = Trade(competition=comp, code=code, name=info["name"], name_en=info.get("name_en", ""),
                  rule_file=path.name, rule_text=text, blind=bool(info.get("blind")))
    db.session.add(trade)
    db.session.flush()
    trade_user(f"chief_{code}", Role.CHIEF_JUDGE, "chief", f"{trade.name}裁判长（演示）", trade)
    n = judges_needed(tomllib.loads(text), 3)
    judges = [trade_user(f"{code}_j{k}", Role.JUDGE, "judge", f"{trade.name}裁判{k}（演示）")
              for k in range(1, n + 1)]
    db.session.flush()
    return trade, judges


def _register(comp: Competition, trades: list[Trade], rng: random.Random, admin: User) -> None:
    """160 fictional people in 40 teams, registered in both trades through the
    registration service (the same validation as an imported sign-up sheet)."""
    from .registration import validate_rows
    from .services.registration import import_report, validation_context
    people = []
    for employer in EMPLOYERS:
        for _ in range(TEAM_SIZE):
            female = rng.random() < 0.35
            people.append({"name": fake_name(rng), "gender": "女" if female else "男",
                           "id_number": fake_id_number(rng, female), "employer": employer,
                           "phone": "", "grade": rng.choice(GRADES), "team": team_name(employer)})
    ctx = validation_context(comp)
    ctx.require_phone = False              # no phone numbers in the demo: none is fictional
    ctx.team_size = (TEAM_SIZE, TEAM_SIZE)
    rows = [(i, {**p, "trade": t.code}) for t in trades for i, p in enumerate(people, start=2)]
    report = validate_rows(rows, ctx)
    if report.errors:  # a generator bug: say which row and why
        raise RuntimeError(f"demo team registrations do not validate: {report.errors[:3]}")
    import_report(comp, report, admin, filename="安全竞赛报名表（演示）.xlsx")


def _written_stage(trade: Trade, admin: User, judges: list[User]) -> Stage:
    """One ranked stage: every member and every team round drawn into 10 heats of 20, one
    after another from today's first slot (they share the judges)."""
    from .services import draws
    stage = draws.create_stage(trade, "初赛", admin)
    for i in range(WRITTEN_HEATS):
        h = draws.create_heat(stage, f"第{i + 1}场", 20, admin, venue=VENUE, starts_at=slot_start(i))
        db.session.add_all(JudgeAssignment(heat_id=h.id, user_id=j.id) for j in judges)
    # the team round: each team's own entry in the stage (no service adds one)
    teams = db.session.scalars(select(Team).where(Team.trade_id == trade.id)
                               .order_by(Team.id)).all()
    db.session.add_all(Entry(stage_id=stage.id, team_id=t.id) for t in teams)
    db.session.commit()
    draws.run_draw(stage, admin, seed=f"demo-{trade.code}", spread_employers=True)
    return stage


def _mark_written(trade: Trade, stage: Stage, judges: list[User], strength: dict,
                  rng: random.Random) -> None:
    """Every sheet of the written stage complete: the stage is over."""
    from .demo_marks import marks_for_entry
    from .rules import parse_rule
    rule = parse_rule(trade.rule_text, trade.rule_file)
    chief = db.session.scalar(select(User).where(User.username == f"chief_{trade.code}"))
    rows = []
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)
                                 .order_by(Entry.id)).all()
    for entry in entries:
        base = strength[entry.employer]
        skill = min(0.95, max(0.35, rng.gauss(base + (0.06 if entry.team_id else 0), 0.08)))
        for crit, value, judge_index, attempt in marks_for_entry(rule, skill, rng):
            judge = chief if judge_index is None else judges[judge_index % len(judges)]
            rows.append({"entry_id": entry.id, "judge_id": judge.id, "criterion": crit,
                         "attempt": attempt, "value": value})
    db.session.execute(insert(Mark), rows)
    db.session.commit()


def _quiz(trade: Trade, team_trade: Trade, written: Stage, admin: User, judges: list[User],
          strength: dict, rng: random.Random, play: bool = True) -> None:
    """The knowledge quiz: teams drawn to stage positions, seeded by the written stage's
    team standings, 8 groups of 5 feeding a knockout of 16; played up to half of the
    quarter-finals."""
    from .services import brackets, draws
    stage = draws.create_stage(trade, "小组赛与淘汰赛", admin, format="bracket")
    heat = draws.create_heat(stage, "现场赛", 40, admin, venue=VENUE,
                             starts_at=slot_start(WRITTEN_HEATS))   # after the written stage
    db.session.add_all(JudgeAssignment(heat_id=heat.id, user_id=j.id) for j in judges)
    db.session.commit()
    draws.run_draw(stage, admin, seed=f"demo-{trade.code}")
    order = {row["team"]: i for i, row in enumerate(draws.team_table(team_trade, written),
                                                    start=1)}
    entries = draws.active_entries(stage)
    brackets.set_seeds(stage, {e.id: order.get(e.team.name) for e in entries}, admin)
    bracket = brackets.create_bracket(stage, "groups_knockout", admin, third_place=True,
                                      group_count=8, advance=2,
                                      points={"win": 3, "draw": 1, "loss": 0})
    if not play:
        return
    power = {e.id: strength[e.team.employer] for e in entries}
    groups = sorted((m for m in bracket.matches if m.group_name),
                    key=lambda m: (m.group_name, m.round, m.slot))
    for m in groups:
        a, b = _scores(power[m.entry_a_id], power[m.entry_b_id], rng, level_ok=True)
        brackets.record_result(m, a, b, admin)
    for rnd, how_many in ((1, 8), (2, 2)):
        ko = sorted((m for m in db.session.scalars(select(Match).where(
            Match.bracket_id == bracket.id, Match.group_name == "", Match.round == rnd))
            if m.status == "pending" and m.entry_a_id and m.entry_b_id), key=lambda m: m.slot)
        for m in ko[:how_many]:
            a, b = _scores(power[m.entry_a_id], power[m.entry_b_id], rng, level_ok=False)
            brackets.record_result(m, a, b, admin)


def _scores(pa: float, pb: float, rng: random.Random, level_ok: bool) -> tuple[int, int]:
    """A quiz score pair in tens (必答 + 抢答 + 风险), the stronger team more likely ahead."""
    def one(p: float) -> int:
        return int(round(max(40.0, min(200.0, rng.gauss(60 + 100 * p, 20))) / 10)) * 10
    a, b = one(pa), one(pb)
    while a == b and not level_ok:
        a, b = one(pa), one(pb)
    return a, b
