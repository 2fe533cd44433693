"""Socket.IO room names (live.py publishes to them; services that send a notice of their
own, like a bracket's new result, name the room from here without importing live.py)."""


def trade_room(trade_id: int) -> str:
    return f"trade:{trade_id}"


def competition_room(competition_id: int) -> str:
    return f"competition:{competition_id}"


def admin_room(competition_id: int) -> str:
    return f"admin:{competition_id}"
