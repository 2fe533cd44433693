"""Guards on the setup commands: a real event is not created inside the demo's database,
and `serve` does not print an address whose port another program holds."""
import socket

from sqlalchemy import select

from competition.demo import DEMO_CODE
from competition.extensions import db
from competition.models import Competition


def _fake_demo():
    db.session.add(Competition(code=DEMO_CODE, name="演示", year=2026, organiser="示例县总工会"))
    db.session.commit()


def test_create_competition_refuses_a_database_that_holds_the_demo(runner):
    _fake_demo()
    result = runner.invoke(args=["create-competition", "--code", "C13", "--name", "第十三届职工技能大赛",
                                 "--year", "2026"])
    assert result.exit_code != 0
    assert "demo" in result.output and "演示" in result.output
    assert "DATABASE_URL=sqlite:///" in result.output and "event2026.sqlite" in result.output
    assert "--alongside-demo" in result.output
    assert db.session.scalar(select(Competition).where(Competition.code == "C13")) is None


def test_create_competition_alongside_the_demo_when_asked_explicitly(runner):
    _fake_demo()
    result = runner.invoke(args=["create-competition", "--code", "C13", "--name", "第十三届职工技能大赛",
                                 "--year", "2026", "--trades", "lathe", "--alongside-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Competition).where(Competition.code == "C13")) is not None


def test_serve_refuses_a_taken_port_before_printing_an_address(runner):
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        result = runner.invoke(args=["serve", "--host", "127.0.0.1", "--port", str(port)])
    finally:
        holder.close()
    assert result.exit_code != 0
    assert "http://" not in result.output and "Open" not in result.output
    assert f"Port {port} is already in use" in result.output
    assert f"端口 {port} 已被占用" in result.output
    assert "PORT=8080 ./run.sh start" in result.output


def test_a_free_port_passes_the_bind_test():
    from competition.netinfo import port_problem
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    assert port_problem("127.0.0.1", port) is None
