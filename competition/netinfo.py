"""Print the addresses a venue's tablets and screens can open."""
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


def print_addresses(port: int) -> None:
    click.echo("")
    click.echo(f"  Open / 打开:  http://127.0.0.1:{port}/")
    for addr in lan_addresses():
        click.echo(f"  On the venue network / 场馆局域网:  http://{addr}:{port}/")
    click.echo("")
