"""The demo's oversight part, the reports page, and the dashboard in a real browser."""
import os
import re
import shutil
import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ntm_tasks.db import today
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Unit
from ntm_tasks.oversight import criteria
from ntm_tasks.oversight.models import Assessment, CriteriaSet, Dossier, DossierStatus
from tests.oversight.conftest import COMMUNE_TOTALS


def _counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (CriteriaSet, Assessment, Dossier)]


def test_demo_is_idempotent_and_tells_the_story(app):
    from ntm_tasks.demo import load_demo

    assert load_demo() is True
    db.session.commit()
    first = _counts()
    load_demo()
    db.session.commit()
    assert _counts() == first
    commune = db.session.scalar(sa.select(Unit).where(Unit.name == "Hoằng Trung"))
    current = criteria.default_set(today())
    assert criteria.summary(commune, current)["criteria_met"] == 8
    assert criteria.summary(commune, current, today() - timedelta(days=300))["criteria_met"] == 7
    others = db.session.scalars(sa.select(Unit).where(Unit.name.in_(("Quảng Phú", "Yên Trường")))).all()
    assert all(criteria.summary(u, current)["criteria_met"] > 0 for u in others)
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.unit_id == commune.id))
    assert dossier.status == DossierStatus.PREPARING and dossier.receiving_body is not None
    assert 0 < sum(item.is_supplied for item in dossier.items) < len(dossier.items)
    assert all(item.file is not None for item in dossier.items if item.is_supplied)


def test_reports_page(client, login, make, world):
    login(make.user("viewer", world.province))
    page = client.get(f"/reports?unit_id={world.commune.id}&month=2026-06").get_data(as_text=True)
    figures = {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d+)<', page)}
    assert figures == {**COMMUNE_TOTALS, "total": 10, "completed_late": 0}  # June: the late one closed in May
    xlsx = client.get(f"/reports/monthly.xlsx?unit_id={world.commune.id}&month=2026-06")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    csv = client.get(f"/reports/monthly.csv?unit_id={world.commune.id}&month=2026-06")
    assert csv.status_code == 200 and "Quá hạn mười ngày" in csv.get_data(as_text=True)
    bad = client.get(f"/reports?unit_id={world.commune.id}&month=2026-13").get_data(as_text=True)
    assert "YYYY-MM" in bad
    assert client.get(f"/reports?unit_id={world.other_commune.id}").status_code == 404
    assert client.get(f"/reports/monthly.xlsx?unit_id={world.other_commune.id}&month=2026-06").status_code == 404


def test_pages_answer_for_each_reader(app, make, world):
    from tests import factories
    from tests.conftest import csrf_token

    for role, unit in (("chair", world.commune), ("secretary", world.commune), ("viewer", world.province),
                       ("admin", None)):
        user = make.user(role, unit)
        client = app.test_client()
        client.post("/login", data={"username": user.username, "password": factories.PASSWORD,
                                    "csrf_token": csrf_token(client, "/login")})
        for path in ("/dashboard", "/criteria", "/criteria/sets", "/dossiers", "/reports", "/calendar",
                     f"/criteria/units/{world.commune.id}"):
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            assert "style=" not in response.get_data(as_text=True).split("<main", 1)[1], (role, path)


def _free_port() -> int:
    for port in range(5330, 5399):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port between 5330 and 5399")


def test_browser_follows_an_overdue_count(app, tmp_path):
    """Playwright with Debian's Chromium: the demo chair opens the dashboard and follows the overdue figure."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed")
    from werkzeug.serving import make_server

    from ntm_tasks.demo import load_demo

    load_demo()
    db.session.commit()
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "chutich")
            page.fill("input[name=password]", "demo1234")
            page.click("main form [type=submit]")
            page.goto(f"{base}/dashboard")
            overdue = page.locator('[data-total="in_progress_overdue"] a')
            count = int(overdue.inner_text())
            assert count > 0
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
            overdue.click()
            page.wait_for_load_state("networkidle")
            assert "/tasks" in page.url and "overdue=true" in page.url
            page.screenshot(path=str(tmp_path / "overdue-tasks.png"), full_page=True)
            assert page.locator("body").inner_text().count("ngày") > 0
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert os.path.getsize(tmp_path / "dashboard.png") > 10_000
    assert os.path.getsize(tmp_path / "overdue-tasks.png") > 10_000
