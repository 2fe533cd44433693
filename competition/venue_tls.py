"""The venue's own certificate authority and the venue PC's server certificate (HTTPS on
the venue LAN, so that tablets get a secure context: a service worker keeps the judge's
pages for reloads without network).

Browsers give plain http on a LAN address (http://192.168.1.10:5000) no service worker.
`flask --app competition venue-https create` makes a small certificate authority for the
venue (kept in the instance folder; its key never leaves the venue PC) and a server
certificate signed by it for the PC's LAN addresses; tablets install the authority's
certificate once (the page /venue/ shows a QR code) and then open https://<address>:5443/.

The authority may only vouch for private addresses and the names given (X.509 name
constraints): a tablet that trusts it cannot be shown a false bank or mail site with it,
even if the venue PC's key is stolen.
"""
from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
CA_DAYS = 3 * 365
SERVER_DAYS = 397          # Apple and browsers refuse longer server certificates
PRIVATE_NETS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                "169.254.0.0/16"]


class VenueTLSError(Exception):
    """A venue certificate that cannot be made as asked (message says why)."""


@dataclass
class VenueTLS:
    """Where the files are, and what a tablet checks."""
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / CA_CERT

    @property
    def ca_key(self) -> Path:
        return self.folder / CA_KEY

    @property
    def server_cert(self) -> Path:
        return self.folder / SERVER_CERT

    @property
    def server_key(self) -> Path:
        return self.folder / SERVER_KEY

    def exists(self) -> bool:
        return self.ca_cert.exists() and self.server_cert.exists() and self.server_key.exists()

    def ca_der(self) -> bytes:
        """The authority's certificate as DER (what /venue/ca.crt serves)."""
        from cryptography.hazmat.primitives.serialization import Encoding
        return _load_cert(self.ca_cert).public_bytes(Encoding.DER)

    def ca_fingerprint(self) -> str:
        """SHA-256 of the authority's certificate, as tablets show it (AB:CD:...)."""
        from cryptography.hazmat.primitives import hashes
        digest = _load_cert(self.ca_cert).fingerprint(hashes.SHA256())
        return ":".join(f"{b:02X}" for b in digest)

    def server_names(self) -> list[str]:
        """The addresses and names the server certificate is valid for."""
        from cryptography import x509
        cert = _load_cert(self.server_cert)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return ([str(a) for a in san.get_values_for_type(x509.IPAddress)]
                + san.get_values_for_type(x509.DNSName))

    def server_not_after(self) -> dt.datetime:
        return _load_cert(self.server_cert).not_valid_after_utc

    def server_spki_sha256(self) -> str:
        """base64 SHA-256 of the server key (Chromium's --ignore-certificate-errors-spki-list
        in tests; HPKP-style pin)."""
        return spki_sha256(_load_cert(self.server_cert))


def host_only(host_header: str) -> str:
    """The host of a Host header without its port ([::1]:5000 -> [::1])."""
    if host_header.startswith("["):
        return host_header[:host_header.find("]") + 1]
    return host_header.split(":", 1)[0]


def folder_for(app) -> Path:
    """The venue TLS folder of ``app``: VENUE_TLS_DIR, else <instance>/venue-tls."""
    return Path(app.config.get("VENUE_TLS_DIR") or os.path.join(app.instance_path, "venue-tls"))


def spki_sha256(cert) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    der = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return base64.b64encode(digest.finalize()).decode()


def split_names(names: list[str]) -> tuple[list[ipaddress.IPv4Address | ipaddress.IPv6Address],
                                           list[str]]:
    """IP addresses and DNS names among ``names`` (each checked)."""
    ips, dns = [], []
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        try:
            ips.append(ipaddress.ip_address(name))
            continue
        except ValueError:
            pass
        labels = name.rstrip(".").split(".")
        if not all(label and len(label) <= 63 and all(c.isalnum() or c == "-" for c in label)
                   for label in labels):
            raise VenueTLSError(f"Not an IP address or host name: {raw!r}")
        dns.append(".".join(labels))
    if not ips and not dns:
        raise VenueTLSError("Give at least one address (e.g. --address 192.168.1.10).")
    return list(dict.fromkeys(ips)), list(dict.fromkeys(dns))


def create(folder: Path, names: list[str], *, new_ca: bool = False,
           now: dt.datetime | None = None) -> VenueTLS:
    """Make (or keep) the venue authority and issue a server certificate for ``names``
    (IP addresses and host names). An existing authority is kept unless ``new_ca``:
    tablets that installed it go on trusting the new server certificate (a new LAN
    address needs only this). Raises VenueTLSError for a bad name or a public address."""
    ips, dns = split_names(names)
    public = [str(ip) for ip in ips if not ip.is_private and not ip.is_loopback]
    if public:
        raise VenueTLSError(f"Not a LAN address: {', '.join(public)} (the venue authority "
                            "only vouches for private addresses).")
    folder.mkdir(parents=True, exist_ok=True)
    tls = VenueTLS(folder)
    now = now or dt.datetime.now(dt.timezone.utc)
    if new_ca or not (tls.ca_cert.exists() and tls.ca_key.exists()):
        ca_key = _new_key()
        ca_cert = _ca_certificate(ca_key, dns, now)
        _write_key(tls.ca_key, ca_key)
        _write(tls.ca_cert, _pem(ca_cert))
    else:
        ca_key, ca_cert = _load_key(tls.ca_key), _load_cert(tls.ca_cert)
        if not _permits(ca_cert, dns):
            raise VenueTLSError(
                "The venue authority was made for other host names; add --new-ca (tablets "
                "then install the new authority) or use its names: "
                + ", ".join(_permitted_dns(ca_cert)))
    key = _new_key()
    cert = _server_certificate(key, ips, dns, ca_key, ca_cert, now)
    _write_key(tls.server_key, key)
    _write(tls.server_cert, _pem(cert) + _pem(ca_cert))   # the chain: server, then CA
    return tls


def default_names() -> list[str]:
    """This PC's LAN addresses, its host name and localhost."""
    from .netinfo import lan_addresses
    host = socket.gethostname().lower()
    names = lan_addresses() + ["127.0.0.1", "localhost"]
    if host and host != "localhost":
        names.append(host)
    return names


# ---- certificates ----

def _new_key():
    from cryptography.hazmat.primitives.asymmetric import rsa
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca_certificate(key, dns: list[str], now: dt.datetime):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "职工技能大赛 Skill Competition"),
        x509.NameAttribute(NameOID.COMMON_NAME,
                           f"赛场证书 Venue CA {socket.gethostname()[:30]} {now:%Y-%m-%d}"),
    ])
    permitted = [x509.IPAddress(ipaddress.ip_network(n)) for n in PRIVATE_NETS]
    permitted += [x509.DNSName(d) for d in sorted(set(dns) | {"localhost"})]
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.NameConstraints(permitted_subtrees=permitted,
                                                excluded_subtrees=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))


def _server_certificate(key, ips, dns, ca_key, ca_cert, now: dt.datetime):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    first = str(ips[0]) if ips else dns[0]
    san = [x509.IPAddress(ip) for ip in ips] + [x509.DNSName(d) for d in dns]
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, first)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(min(now + dt.timedelta(days=SERVER_DAYS),
                                 ca_cert.not_valid_after_utc))
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True,
                                         key_cert_sign=False, crl_sign=False,
                                         content_commitment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))


def _permitted_dns(ca_cert) -> list[str]:
    from cryptography import x509
    try:
        nc = ca_cert.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return []
    return [g.value for g in nc.permitted_subtrees or [] if isinstance(g, x509.DNSName)]


def _permits(ca_cert, dns: list[str]) -> bool:
    allowed = _permitted_dns(ca_cert)
    return all(any(d == a or d.endswith("." + a) for a in allowed) for d in dns)


# ---- files ----

def _pem(cert) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding
    return cert.public_bytes(Encoding.PEM)


def _load_cert(path: Path):
    from cryptography import x509
    return x509.load_pem_x509_certificate(path.read_bytes())


def _load_key(path: Path):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    return load_pem_private_key(path.read_bytes(), password=None)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_key(path: Path, key) -> None:
    """A private key, readable by the owner only."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    data = key.private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL, NoEncryption())
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
