"""HTTPS at the venue: `flask venue-https create` makes the venue authority and a server
certificate for the PC's LAN addresses; /venue/ offers the authority's certificate to
tablets with QR codes.
(The tablet offline over HTTPS, in Chromium: tests/e2e/test_tablet_offline.py.)"""
from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from cryptography import x509

from competition.venue_tls import VenueTLS, VenueTLSError, create


@pytest.fixture
def tls_dir(app, tmp_path):
    app.config["VENUE_TLS_DIR"] = str(tmp_path / "venue-tls")
    return tmp_path / "venue-tls"


def test_create_makes_an_authority_and_a_server_certificate_for_the_lan_address(runner, tls_dir):
    result = runner.invoke(args=["venue-https", "create", "--address", "192.168.1.10",
                                 "--address", "venue.lan"])
    assert result.exit_code == 0, result.output
    tls = VenueTLS(tls_dir)
    assert tls.exists() and "SHA-256" in result.output
    assert tls.server_names() == ["192.168.1.10", "venue.lan"]
    assert (tls_dir / "ca-key.pem").stat().st_mode & 0o077 == 0      # owner only
    assert (tls_dir / "server-key.pem").stat().st_mode & 0o077 == 0
    server = x509.load_pem_x509_certificates(tls.server_cert.read_bytes())
    assert len(server) == 2                                          # the chain
    leaf, ca = server
    assert leaf.issuer == ca.subject
    life = leaf.not_valid_after_utc - leaf.not_valid_before_utc
    assert life <= dt.timedelta(days=398)                           # what browsers accept
    usage = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in usage
    # the authority vouches only for private addresses and the venue's names
    nc = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert nc.critical
    nets = [g.value for g in nc.value.permitted_subtrees if isinstance(g, x509.IPAddress)]
    assert ipaddress.ip_network("192.168.0.0/16") in nets
    assert all(n.is_private for n in nets)


def test_a_new_address_keeps_the_authority_tablets_installed(runner, tls_dir):
    runner.invoke(args=["venue-https", "create", "--address", "192.168.1.10"])
    before = VenueTLS(tls_dir).ca_fingerprint()
    result = runner.invoke(args=["venue-https", "create", "--address", "10.0.0.7"])
    assert result.exit_code == 0, result.output
    assert VenueTLS(tls_dir).ca_fingerprint() == before
    assert VenueTLS(tls_dir).server_names() == ["10.0.0.7"]
    result = runner.invoke(args=["venue-https", "create", "--address", "10.0.0.7", "--new-ca"])
    assert VenueTLS(tls_dir).ca_fingerprint() != before


@pytest.mark.parametrize("names, message", [
    (["8.8.8.8"], "Not a LAN address"),
    (["bad name!"], "Not an IP address or host name"),
    ([" "], "at least one address"),
])
def test_create_refuses_what_a_venue_authority_must_not_vouch_for(tmp_path, names, message):
    with pytest.raises(VenueTLSError, match=message):
        create(tmp_path, names)


def test_serve_without_a_certificate_says_what_to_run(runner, tls_dir):
    result = runner.invoke(args=["venue-https", "serve", "--port", "0", "--http-port", "0"])
    assert result.exit_code != 0
    assert "venue-https create" in result.output


def test_the_venue_page_offers_the_certificate_with_qr_codes(app, client, runner, tls_dir):
    response = client.get("/venue/")
    assert response.status_code == 200 and "venue-https create" in response.text
    assert client.get("/venue/ca.crt").status_code == 404
    runner.invoke(args=["venue-https", "create", "--address", "192.168.1.10"])
    app.config["VENUE_HTTPS_PORT"] = 5443
    page = client.get("/venue/", base_url="http://192.168.1.10:5000").text
    assert "http://192.168.1.10:5000/venue/ca.crt" in page
    assert "https://192.168.1.10:5443/judge/" in page
    assert page.count("<svg") >= 2 and VenueTLS(tls_dir).ca_fingerprint() in page
    assert "安装证书" in page
    crt = client.get("/venue/ca.crt")
    assert crt.mimetype == "application/x-x509-ca-cert"
    assert x509.load_der_x509_certificate(crt.data).extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca
