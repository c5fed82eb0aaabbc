"""Team mode end to end (issue 26): a real OpenID Connect provider, a real PostgreSQL, the app in Chromium.

alice signs in and saves in workspace A; bob, not a member, sees nothing of A (not by link, not by a guessed
name) and cannot save there; alice makes bob a viewer in the members panel: he sees, compares and exports,
and still cannot save; the audit lists each step; signing out ends access; a forged cookie and an expired
ID token are refused; two app processes behind nginx (TLS, WebSockets) agree.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from team_servers import (
    free_port,
    nginx_binary,
    nginx_proxy,
    oidc_provider,
    self_signed_certificate,
    shown_text,
    sign_in,
    team_app,
    wait_for_text,
    write_secrets,
)
from test_browser import CHROMIUM, CHROMIUM_ARGS, EXCEPTION, HEADLINE, WAIT_MS, wait_idle

from estimator.store import ScenarioStore
from estimator.store.access import Identity, TeamStore
from estimator.text.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
SHOTS = Path(os.environ.get("TEAM_SCREENSHOTS", "/tmp/team-screenshots"))


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, **context):
    page = browser.new_context(viewport={"width": 1440, "height": 1100}, **context).new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def _scenarios_tab(page, url: str, workspace: str) -> None:
    page.goto(f"{url}?workspace={workspace}")
    page.wait_for_selector(HEADLINE)
    wait_idle(page)
    page.get_by_role("tab", name=t("tabs.scenarios")).click()
    wait_idle(page)


def _save(page, name: str) -> None:
    box = page.get_by_role("textbox", name=t("scenarios.name"), exact=True)
    box.fill(name)
    box.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name=t("scenarios.save"), exact=True).click()
    wait_idle(page)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_roles_and_audit(chromium, postgres_url, tmp_path):
    port = free_port()
    with oidc_provider() as issuer:
        secrets = write_secrets(tmp_path, issuer, f"http://127.0.0.1:{port}")
        with team_app(postgres_url, secrets, port) as url:
            # Before sign-in: the sign-in page and nothing else (no headline, no sidebar inputs).
            anonymous = _page(chromium)
            anonymous.goto(url + "?workspace=A")
            expect(anonymous.get_by_role("button", name=t("team.sign_in"), exact=True)).to_be_visible()
            wait_idle(anonymous)
            assert anonymous.locator(HEADLINE).count() == 0 and anonymous.locator('[data-testid="stSidebar"]').count() == 0
            _shot(anonymous, "1-sign-in")

            alice = _page(chromium)
            started = time.monotonic()
            sign_in(alice, url, "alice@firm.example")
            alice.wait_for_selector(HEADLINE)
            print(f"sign-in to first screen: {time.monotonic() - started:.2f} s")
            _scenarios_tab(alice, url, "A")
            wait_for_text(alice, t("store.saving_as", author="alice@firm.example"))
            assert alice.get_by_role("textbox", name=t("store.author"), exact=True).count() == 0  # no typed author
            _save(alice, "Plan A")
            expect(alice.get_by_text(t("scenarios.saved", name="Plan A"))).to_be_visible()
            library = ScenarioStore(postgres_url, workspace="A")
            assert library.versions("Plan A")[0].author == "alice@firm.example"

            # bob is not a member: nothing of A, by link or by name, and his save is refused.
            bob = _page(chromium)
            sign_in(bob, url, "bob@firm.example")
            _scenarios_tab(bob, url, "A")
            expect(bob.get_by_text(t("scenarios.empty"))).to_be_visible()
            assert "Plan A" not in shown_text(bob)
            _save(bob, "Plan A")
            wait_for_text(bob, t("store.error.forbidden", detail="")[:40])
            assert [v.version for v in library.versions("Plan A")] == [1]
            assert TeamStore(library, Identity("bob@firm.example")).names() == []

            # alice makes bob a viewer in the members panel.
            alice.reload()
            _scenarios_tab(alice, url, "A")
            alice.get_by_role("textbox", name=t("team.member_email"), exact=True).fill("bob@firm.example")
            alice.get_by_role("button", name=t("team.member_set_button"), exact=True).click()
            wait_for_text(alice, t("team.member_set", email="bob@firm.example", role=t("team.role_viewer")))
            alice.get_by_text(t("team.members_title"), exact=True).scroll_into_view_if_needed()
            _shot(alice, "2-members")

            # bob now sees A's scenario, compares it and downloads it, but still cannot save.
            _scenarios_tab(bob, url, "A")
            expect(bob.get_by_text(t("team.your_role", role=t("team.role_viewer")))).to_be_visible()
            assert bob.get_by_text(t("scenarios.empty")).count() == 0
            with bob.expect_download() as download:
                bob.get_by_role("button", name=t("scenarios.download_json")).click()
            assert b'"Plan A"' in Path(download.value.path()).read_bytes()
            bob.get_by_role("button", name=t("scenarios.load"), exact=True).click()
            wait_idle(bob)
            _save(bob, "Plan A")
            wait_for_text(bob, t("store.error.forbidden", detail="")[:40])
            assert [v.version for v in library.versions("Plan A")] == [1]

            # The audit lists each step; alice sees it in the app.
            actions = [(e.email, e.action) for e in TeamStore(library, Identity("alice@firm.example")).audit()][::-1]
            for expected in (
                ("alice@firm.example", "save"),
                ("bob@firm.example", "denied"),
                ("alice@firm.example", "member_add"),
                ("bob@firm.example", "export"),
                ("bob@firm.example", "open"),
            ):
                assert expected in actions, (expected, actions)
            alice.reload()
            _scenarios_tab(alice, url, "A")
            alice.get_by_text(t("team.audit_title"), exact=True).click()
            wait_idle(alice)
            expect(alice.locator('[data-testid="stDataFrame"]').last).to_be_visible()
            alice.get_by_role("button", name=t("team.audit_download")).scroll_into_view_if_needed()
            _shot(alice, "3-audit")

            # Sign-out ends access; a forged identity cookie is refused.
            bob.get_by_role("button", name=t("team.sign_out")).first.click()
            # Streamlit ends the provider's session too (its end_session endpoint), which may ask to confirm.
            signed_out = bob.get_by_role("button", name=t("team.sign_in"), exact=True)
            confirm = bob.get_by_role("button", name="End session")
            expect(signed_out.or_(confirm)).to_be_visible()
            if confirm.count():
                confirm.click()
                bob.goto(url)
            expect(signed_out).to_be_visible()
            bob.goto(url + "?workspace=A")
            expect(bob.get_by_role("button", name=t("team.sign_in"), exact=True)).to_be_visible()
            assert bob.locator(HEADLINE).count() == 0
            forger = _page(chromium)
            forger.context.add_cookies(
                [{"name": "_streamlit_user", "value": '{"email": "alice@firm.example", "is_logged_in": true}', "url": url}]
            )
            forger.goto(url + "?workspace=A")
            expect(forger.get_by_role("button", name=t("team.sign_in"), exact=True)).to_be_visible()
            assert forger.locator(HEADLINE).count() == 0
            for page in (alice, bob, forger, anonymous):
                assert page.locator(EXCEPTION).count() == 0


def test_a_link_opened_before_sign_in_keeps_its_workspace_and_scenario(chromium, postgres_url, tmp_path):
    """Streamlit's st.login comes back to the app's home page, without the link's query string: the sign-in
    page keeps it in a cookie and the first run after sign-in puts it back (then forgets it)."""
    TeamStore(ScenarioStore(postgres_url, workspace="Ügyfél B"), Identity("alice@firm.example")).save("Theirs", {})
    port = free_port()
    with oidc_provider() as issuer:
        secrets = write_secrets(tmp_path, issuer, f"http://127.0.0.1:{port}")
        with team_app(postgres_url, secrets, port) as url:
            page = _page(chromium)
            page.goto(url + "?workspace=%C3%9Cgyf%C3%A9l+B&churn_rate=0.25")
            page.get_by_role("button", name=t("team.sign_in"), exact=True).click()
            page.locator('input[name="sub"]').fill("alice@firm.example")
            page.get_by_role("button", name="Authorize").click()
            wait_for_text(page, t("team.signed_in_as", email="alice@firm.example"), timeout=60)
            page.wait_for_selector(HEADLINE)
            wait_idle(page)
            assert "workspace=%C3%9Cgyf%C3%A9l+B" in page.url and "churn_rate=0.25" in page.url, page.url
            page.get_by_role("tab", name=t("tabs.scenarios")).click()
            wait_idle(page)
            expect(page.get_by_text(t("team.your_role", role=t("team.role_owner")))).to_be_visible()
            assert page.get_by_text(t("scenarios.empty")).count() == 0  # its scenario, not the default workspace's none
            # Used once: the home page opened afterwards is the home page.
            page.goto(url)
            page.wait_for_selector(HEADLINE)
            wait_idle(page)
            assert "workspace=" not in page.url and "churn_rate=" not in page.url, page.url
            assert page.locator(EXCEPTION).count() == 0


def test_an_expired_id_token_is_refused(chromium, postgres_url, tmp_path):
    port = free_port()
    with oidc_provider(token_seconds=4) as issuer:
        secrets = write_secrets(tmp_path, issuer, f"http://127.0.0.1:{port}")
        with team_app(postgres_url, secrets, port) as url:
            page = _page(chromium)
            sign_in(page, url, "alice@firm.example")
            page.wait_for_selector(HEADLINE)
            time.sleep(5)
            page.goto(url)
            expect(page.get_by_text(t("team.expired"))).to_be_visible()
            assert page.locator(HEADLINE).count() == 0


def test_two_processes_behind_nginx_agree(chromium, postgres_url, tmp_path):
    """Sign-in and a save through nginx on process one; then process one stops and process two, behind the
    same proxy, serves the same signed-in browser, which sees the save (nginx's log names each upstream)."""
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (scripts/test.sh installs it)")
    https_port, ports = free_port(), [free_port(), free_port()]
    cert, key = self_signed_certificate(tmp_path)
    with oidc_provider() as issuer:
        secrets = write_secrets(tmp_path, issuer, f"https://127.0.0.1:{https_port}")
        with nginx_proxy(https_port, ports, cert, key) as (proxied, access_log):
            page = _page(chromium, ignore_https_errors=True)
            with team_app(postgres_url, secrets, ports[0]):
                sign_in(page, proxied, "alice@firm.example")  # through the proxy: TLS, WebSockets, the callback
                _scenarios_tab(page, proxied, "A")
                _save(page, "Through nginx")
                expect(page.get_by_text(t("scenarios.saved", name="Through nginx"))).to_be_visible()
            with team_app(postgres_url, secrets, ports[1]):
                try:
                    _scenarios_tab(page, proxied, "A")  # process one is gone: nginx sends everything to two
                except Exception:
                    _shot(page, "nginx-failed")
                    raise
                wait_for_text(page, t("team.your_role", role=t("team.role_owner")))
                assert page.get_by_text(t("scenarios.empty")).count() == 0
                assert page.locator(HEADLINE).count() > 0
                page.close()
            served = access_log.read_text()
            assert f"127.0.0.1:{ports[0]} GET /_stcore/stream" in served
            assert f"127.0.0.1:{ports[1]} GET /_stcore/stream" in served
            saved = ScenarioStore(postgres_url, workspace="A").versions("Through nginx")
            assert [v.author for v in saved] == ["alice@firm.example"]
