"""The dashboard's attention list at its boundaries: a week without a log, the pain window, who is never listed.

The quiet and pain-rise checks are filtered in SQL (issue 8); these tests pin the days at which a client enters
and leaves the list, so the SQL bounds cannot drift from `practice.portal.progress`.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import event, select

from practice.clients.access import visible_clients
from practice.dashboard.attention import clients_needing_attention
from practice.extensions import db
from practice.plans.models import Plan, PlanVersion
from tests.support.helpers import login, text_of
from tests.support.portal import backfill, client_with_plan

TODAY = date.today()


def reasons_of(world, record, *, today: date) -> list[str]:
    """The reasons the therapist's attention list gives for `record` on `today` ([] when not listed)."""
    found = clients_needing_attention(visible_clients(world.therapist), today=today, limit=1000)
    return next((item.reasons for item in found if item.client.id == record.id), [])


def pain_reasons(world, record, *, today: date) -> list[str]:
    """Only the pain-rise reasons of `record` (a late day may also make it a week without a log)."""
    return [reason for reason in reasons_of(world, record, today=today) if reason.startswith("Pain up")]


def started_on(record, when: datetime) -> None:
    """Date the client's plan versions as if the plan had been activated at `when`."""
    for version in db.session.scalars(select(PlanVersion).join(Plan).where(Plan.client_id == record.id)):
        version.created_at = when
    db.session.commit()


@pytest.fixture
def quinn(world, make_client, make_user):
    """A client of the world's therapist with an active plan and a portal login."""
    return client_with_plan(world, make_client, make_user, "Quinn", "Quiet")


def test_a_client_is_listed_on_the_seventh_day_without_a_log_not_the_sixth(world, quinn):
    backfill(quinn, quinn.portal_user, {6: 3})
    assert reasons_of(world, quinn, today=TODAY) == []
    assert reasons_of(world, quinn, today=TODAY + timedelta(days=1)) == ["No home log for 7 days."]


def test_a_client_who_never_logged_is_counted_from_the_utc_day_the_plan_started(world, quinn):
    started_on(quinn, datetime.combine(TODAY - timedelta(days=7), time(23, 59), tzinfo=timezone.utc))
    assert reasons_of(world, quinn, today=TODAY) == ["No home log yet, 7 days after the plan started."]
    started_on(quinn, datetime.combine(TODAY - timedelta(days=6), time(0, 0), tzinfo=timezone.utc))
    assert reasons_of(world, quinn, today=TODAY) == []


def test_a_deactivated_portal_login_is_not_chased(world, quinn):
    backfill(quinn, quinn.portal_user, {9: 3})
    quinn.portal_user.is_active = False
    db.session.commit()
    assert reasons_of(world, quinn, today=TODAY) == []


@pytest.mark.parametrize(("later", "listed"), [(0, True), (7, True), (8, False)])
def test_a_pain_rise_is_listed_for_a_week(world, quinn, later, listed):
    # The usual level counts scores up to 14 days before the latest: the one 14 days back is in it.
    backfill(quinn, quinn.portal_user, {14: 3, 13: 3, 0: 6})
    expected = [f"Pain up to 6/10 on {TODAY:%d %b}, from a usual 3/10."] if listed else []
    assert pain_reasons(world, quinn, today=TODAY + timedelta(days=later)) == expected


def test_scores_more_than_two_weeks_before_the_latest_are_not_the_usual_level(world, quinn):
    backfill(quinn, quinn.portal_user, {15: 3, 13: 3, 1: 3, 0: 6})
    assert pain_reasons(world, quinn, today=TODAY) == [f"Pain up to 6/10 on {TODAY:%d %b}, from a usual 3/10."]
    backfill(quinn, quinn.portal_user, {1: 4})  # now only two earlier scores, 3 and 4: usual 3.5, a rise of 2.5
    assert pain_reasons(world, quinn, today=TODAY) == [f"Pain up to 6/10 on {TODAY:%d %b}, from a usual 3.5/10."]


@pytest.mark.parametrize("scores", [{15: 3, 14: 9, 0: 6}, {5: 6, 4: 6, 0: 7}, {2: 3, 0: 6}, {3: 5, 2: 8, 1: 3, 0: 6}])
def test_no_rise_without_two_earlier_scores_two_points_below_the_latest(world, quinn, scores):
    backfill(quinn, quinn.portal_user, scores)
    assert pain_reasons(world, quinn, today=TODAY) == []


def test_archived_clients_and_other_therapists_clients_are_not_listed(world, make_client, make_user):
    archived = client_with_plan(world, make_client, make_user, "Ari", "Archived")
    backfill(archived, archived.portal_user, {4: 3, 3: 3, 2: 6})
    other = client_with_plan(world, make_client, make_user, "Otto", "Other")
    backfill(other, other.portal_user, {9: 3})
    assert reasons_of(world, archived, today=TODAY) and reasons_of(world, other, today=TODAY)
    archived.is_archived = True
    other.therapist_id = world.colleague.id
    db.session.commit()
    assert reasons_of(world, archived, today=TODAY) == reasons_of(world, other, today=TODAY) == []


def test_the_page_lists_a_quiet_client_and_a_pain_rise_in_rank_order(client, world, quinn, make_client, make_user):
    backfill(quinn, quinn.portal_user, {8: 3})
    rising = client_with_plan(world, make_client, make_user, "Riley", "Rising")
    backfill(rising, rising.portal_user, {6: 3, 4: 3, 2: 6})
    login(client, world.therapist)
    page = text_of(client.get("/"))
    assert page.index(">Riley Rising</a>") < page.index(">Quinn Quiet</a>")  # a pain rise ranks above a quiet week
    assert f"Pain up to 6/10 on {TODAY - timedelta(days=2):%d %b}, from a usual 3/10." in page
    assert "No home log for 8 days." in page


def test_the_number_of_queries_does_not_depend_on_how_many_clients_are_listed(world, make_client, make_user):
    def statements() -> int:
        sent = []
        listener = lambda *args: sent.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            clients_needing_attention(visible_clients(world.therapist), today=TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(sent)

    none_listed = statements()
    for index in range(3):
        record = client_with_plan(world, make_client, make_user, f"Q{index}", "Quiet")
        backfill(record, record.portal_user, {9: 3, 13: 3, 11: 3, 8: 6})
    assert statements() == none_listed
