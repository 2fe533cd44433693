"""Draws, advancement, knockout brackets, round robins and team scores: pure functions
over plain data (no Flask, no database)."""
from .advancement import Advancement, AdvancementError, Ranked, advance, quota_for
from .draw import Assignment, DrawError, DrawResult, Entrant, HeatSlot, draw
from .elimination import BracketError, Knockout, KnockoutMatch, bracket_size, round_name, seed_order
from .final_ranking import Place, groups_knockout_ranking, knockout_decided, knockout_ranking, round_robin_ranking
from .groups import knockout_seeding, split_into_groups
from .rng import SeededRandom, new_seed
from .roundrobin import PointsSystem, Result, RoundRobinError, TableRow, schedule, table
from .seating import free_workstations, next_free_workstation, next_lot, same_lot
from .teams import TeamRule, TeamScore, team_score, team_standings

__all__ = [
    "Advancement", "AdvancementError", "Ranked", "advance", "quota_for", "Assignment",
    "DrawError", "DrawResult", "Entrant", "HeatSlot", "draw", "BracketError", "Knockout",
    "KnockoutMatch", "bracket_size", "round_name", "seed_order", "knockout_seeding",
    "split_into_groups", "SeededRandom", "new_seed", "PointsSystem", "Result",
    "RoundRobinError", "TableRow", "schedule", "table", "TeamRule", "TeamScore",
    "team_score", "team_standings", "free_workstations", "next_free_workstation",
    "next_lot", "same_lot", "Place", "groups_knockout_ranking", "knockout_decided",
    "knockout_ranking", "round_robin_ranking",
]
