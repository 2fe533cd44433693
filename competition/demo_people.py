"""What both halves of the demo share (competition/demo.py, the skill competition, and
competition/demo_teams.py, its team sister event): the demo passwords, fictional names and
ID numbers, and the demo accounts. Neither demo module imports the other's internals; both
import from here (demo.py still calls demo_teams.build_safety_contest, one way only).
"""
from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import Role, Trade, User

PASSWORDS = {"organiser": "demo-admin", "chief": "demo-chief", "judge": "1234",
             "screen": "demo-screen", "arbitration": "demo-arb"}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国红梅志文斌宇浩凯健俊帆晨阳雪琳晶欣怡佳瑞海波峰宁亮成林"  # noqa: E501


def fake_id_number(rng: random.Random, female: bool) -> str:
    """An 18-digit ID number that passes the GB 11643 check but is fictional: region 99."""
    birth = f"{rng.randint(1966, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    seq = rng.randint(0, 99) * 10 + rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    body = f"99{rng.randint(0, 9999):04d}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


_HASHES: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash each demo password once (hashing is deliberately slow)."""
    from werkzeug.security import generate_password_hash
    if password not in _HASHES:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        _HASHES[password] = generate_password_hash(password, method=method)
    return _HASHES[password]


def trade_user(username: str, role: Role, pw_key: str, display: str,
               trade: Trade | None = None) -> User:
    """The demo account ``username`` (created with its demo password), bound to ``trade``."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, role=role.value, display_name=display,
                    password_hash=hash_password(PASSWORDS[pw_key]))
        db.session.add(user)
    if trade is not None:
        user.trade = trade
    return user


def judges_needed(data: dict, minimum: int) -> int:
    """Judges a trade needs: the most any judged criterion of its rule (parsed TOML) asks for."""
    counts = [int(c.get("judges", 1)) for c in data.get("criteria", []) if c.get("kind") == "judged"]
    return max([minimum] + counts)
