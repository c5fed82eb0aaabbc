"""Real servers for team mode's tests: an OpenID Connect provider, the app in team mode, nginx in front.

- :func:`oidc_provider`: ``oidc-provider-mock`` (PyPI) on a free port: a real issuer with discovery,
  signed ID tokens and a login form where the test types who signs in (its email).
- :func:`team_app`: ``streamlit run app.py`` with ``CHURN_ESTIMATOR_TEAM=1``, a library URL and its
  own ``secrets.toml`` (the ``[auth]`` section) on a port chosen first, so ``redirect_uri`` can name it.
- :func:`nginx_proxy`: Debian's nginx terminating TLS (a self-signed certificate made here) in front
  of app processes, WebSockets included, with the configuration from ``deploy/nginx.conf``.
- :func:`sign_in`: through the provider's form in Chromium.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE_SECRET = "a-test-cookie-secret-that-is-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def oidc_provider(token_seconds: int = 3600) -> Iterator[str]:
    """A running OpenID Connect provider; yields its issuer URL (ID tokens live ``token_seconds``)."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(
        port=free_port(), access_token_max_age=timedelta(seconds=token_seconds)
    ) as server:
        yield f"http://localhost:{server.server_port}"


def write_secrets(folder: Path, issuer: str, public_url: str) -> Path:
    """The app's ``secrets.toml``: the ``[auth]`` section Streamlit's ``st.login`` reads."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{public_url.rstrip("/")}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "churn-estimator"\n'
        'client_secret = "churn-estimator-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
    )
    return path


def team_app(database: str, secrets: Path, port: int | None = None):
    """The app in team mode on ``port`` (free when omitted), its ``[auth]`` from ``secrets``; yields its base URL."""
    from test_browser import app_server

    environment = {
        "CHURN_ESTIMATOR_TEAM": "1",
        "CHURN_ESTIMATOR_DB": database,
        "PYTHONPATH": str(ROOT),
        "STREAMLIT_SECRETS_FILES": str(secrets),
    }
    return app_server(environment, port=port)


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate and key for ``host`` (made with the ``cryptography`` package), valid for a day."""
    import ipaddress
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@contextlib.contextmanager
def nginx_proxy(https_port: int, app_ports: list[int], cert: Path, key: Path) -> Iterator[tuple[str, Path]]:
    """nginx on ``https_port`` with ``deploy/nginx.conf``'s server block, sending to ``app_ports``; yields
    its URL and its access log (each line: the upstream that served, the method, the path, the status)."""
    folder = Path(tempfile.mkdtemp(prefix="churn-nginx-"))
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    # max_fails=0: a process the test stopped is skipped at each request, never struck off for a while.
    upstream = "\n".join(f"    server 127.0.0.1:{port} max_fails=0;" for port in app_ports)
    site = (
        site.replace("    server 127.0.0.1:8501;\n    server 127.0.0.1:8502;", upstream)
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;")
        .replace("/etc/ssl/churn/fullchain.pem", str(cert))
        .replace("/etc/ssl/churn/privkey.pem", str(key))
        .replace("server_name churn.firm.example;", "server_name 127.0.0.1;")
    )
    site = site[: site.index("# --- redirect")] if "# --- redirect" in site else site
    config = folder / "nginx.conf"
    config.write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  log_format upstreams '$upstream_addr $request_method $uri $status';\n"
        f"  access_log {folder}/access.log upstreams;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n{site}\n}}\n"
    )
    process = subprocess.Popen(
        [nginx_binary(), "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"https://127.0.0.1:{https_port}/"
    try:
        deadline = time.monotonic() + 30
        while not (folder / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", https_port), timeout=30):
            pass
        yield url, folder / "access.log"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def sign_in(page, app_url: str, email: str) -> None:
    """Open the app, press "Sign in", type ``email`` into the provider's form and come back signed in."""
    from estimator.text.i18n import t

    page.goto(app_url)
    page.get_by_role("button", name=t("team.sign_in"), exact=True).click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    wait_for_text(page, t("team.signed_in_as", email=email), timeout=60)


def shown_text(page) -> str:
    """The page's text as a person reads it (without the word joiners that keep addresses from becoming links)."""
    return page.locator("body").inner_text().replace("\u2060", "")


def wait_for_text(page, text: str, timeout: float = 30) -> None:
    """Wait until ``text`` is on the page (as :func:`shown_text` reads it)."""
    deadline = time.monotonic() + timeout
    while text not in shown_text(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared")
        page.wait_for_timeout(200)
