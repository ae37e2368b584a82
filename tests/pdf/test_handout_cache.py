"""The handout cache: the portal address printed comes from the settings, never from the request, and the cache
keeps one render per version and variant, within its budget, the oldest going first."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from practice.extensions import db
from practice.handouts.models import RenderedHandout
from practice.plans.operations import publish
from tests.support.helpers import audit_events, login
from tests.support.pdf import pdf_text


def _handout_url(plan, number: int = 1) -> str:
    return f"/clients/{plan.client_id}/plans/{plan.id}/versions/{number}/handout.pdf"


def _cached() -> list[RenderedHandout]:
    db.session.expire_all()
    return list(db.session.scalars(select(RenderedHandout).order_by(RenderedHandout.id)))


def _cached_bytes() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(func.length(RenderedHandout.pdf)), 0)))


@pytest.mark.parametrize("proxied", [False, True], ids=["direct", "behind a proxy"])
def test_the_handout_prints_the_configured_portal_whatever_host_the_request_names(
        client, make_app, world, active_plan, tmp_path, proxied):
    plan, _ = active_plan
    browser = make_app(TRUSTED_PROXY_HOPS=1, SITE_URL="https://clinic.example").test_client() if proxied \
        else client
    for n in range(5):
        host = f"host{n}.attacker.example"
        spoofed = {"X-Forwarded-Host": host} if proxied else {"Host": host}
        login(browser, world.therapist, headers=spoofed)  # the session cookie belongs to the host it came from
        response = browser.get(_handout_url(plan), headers=spoofed)
        assert response.status_code == 200
        path = tmp_path / f"handout-{n}.pdf"
        path.write_bytes(response.data)
        text = pdf_text(path)
        assert ("https://clinic.example/me" if proxied else "http://localhost/me") in text
        assert "attacker" not in text
    assert len(_cached()) == 1, "five Host values made five renders"
    details = [event.detail for event in audit_events("handout.download")]
    assert details == ["version 1, standard"] + ["version 1, standard, cached"] * 4


def test_a_changed_handout_replaces_the_old_render_of_its_version(client, world, active_plan, tmp_path):
    plan, _ = active_plan
    login(client, world.therapist)
    assert client.get(_handout_url(plan)).status_code == 200
    world.practice.name = "Willow Street Massage & Movement"
    db.session.commit()
    response = client.get(_handout_url(plan))
    (tmp_path / "renamed.pdf").write_bytes(response.data)
    assert "Willow Street Massage & Movement" in pdf_text(tmp_path / "renamed.pdf")
    [kept] = _cached()
    assert kept.pdf == response.data, "only the render that shows the practice's new name is kept"


def test_the_cache_stays_within_its_budget_and_drops_the_oldest_first(app, client, world, active_plan):
    plan, _ = active_plan
    login(client, world.therapist)
    plan.has_unpublished_changes = True
    publish(plan, world.record, summary="Same steps, new version", seen_row_version=plan.row_version,
            actor=world.therapist)
    db.session.commit()
    renders = [(1, "standard"), (1, "large"), (2, "standard"), (2, "large")]
    first = client.get(_handout_url(plan, 1)).data
    app.config["HANDOUT_CACHE_BYTES"] = budget = len(first) * 5 // 2  # room for two handouts, not four
    for number, variant in renders[1:]:
        assert client.get(_handout_url(plan, number), query_string={"variant": variant}).status_code == 200
        kept = _cached()
        assert (kept[-1].plan_version_id, kept[-1].variant) == (plan.versions[number - 1].id, variant)
        assert _cached_bytes() <= budget or len(kept) == 1
    assert len(_cached()) < len(renders)
    # The oldest went first: version 1's standard handout is made again, the newest is still served from the cache.
    client.get(_handout_url(plan, 1))
    client.get(_handout_url(plan, 2), query_string={"variant": "large"})
    details = [event.detail for event in audit_events("handout.download")]
    assert details[-2:] == ["version 1, standard", "version 2, large, cached"]
