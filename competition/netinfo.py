"""Print the addresses a venue's tablets and screens can open."""
import os
import socket
import subprocess

import click


def lan_addresses() -> list[str]:
    """The machine's IPv4 addresses other than loopback (best effort, no network traffic)."""
    found: set[str] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    try:  # Linux: every address of this host, as `hostname -I` prints them
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=2)
        found.update(a for a in out.stdout.split() if a.count(".") == 3)
    except (OSError, subprocess.SubprocessError):
        pass
    return sorted(a for a in found if not a.startswith("127."))


def port_problem(host: str, port: int) -> str | None:
    """None when the server can listen on host:port; otherwise what to do, in both languages.

    A bind test (closed at once) before any address is printed: when another program holds
    the port, the printed address would open that program instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As Werkzeug binds: on POSIX SO_REUSEADDR lets a port in TIME_WAIT (a server just
        # stopped) be reused, never one another program listens on. On Windows it would
        # let the probe share a taken port, so there the plain bind is the test.
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        return (f"Port {port} is already in use (by another program, or a server already "
                f"running), so the server cannot start there ({exc.strerror}).\n"
                f"  端口 {port} 已被占用（另一个程序或已在运行的服务器），服务器无法在此端口启动。\n"
                f"  Choose another port / 请换一个端口:  PORT=8080 ./run.sh start\n"
                f"  (or: flask --app competition serve --port 8080)")
    finally:
        probe.close()
    return None


def print_addresses(port: int) -> None:
    click.echo("")
    click.echo(f"  Open / 打开:  http://127.0.0.1:{port}/")
    for addr in lan_addresses():
        click.echo(f"  On the venue network / 场馆局域网:  http://{addr}:{port}/")
    click.echo("")
