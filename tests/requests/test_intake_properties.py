"""Property-based: any combination of intake answers gives a saved result or form errors, never a 500."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from practice.extensions import db
from practice.intake import body_regions, contraindications, screening
from practice.intake.models import Intake

ANSWER = st.sampled_from(["yes", "no", "prefer_not", "", "YES", "maybe", "<b>", "\x00"])
TEXT = st.text(max_size=300)
NUMBER = st.one_of(st.integers(-5, 15).map(str), TEXT)
DATE = st.one_of(st.dates().map(str), TEXT)

intake_posts = st.fixed_dictionaries(
    {},
    optional={
        **{f"rf_{q.key}": ANSWER for q in screening.RED_FLAG_QUESTIONS},
        "pain_areas": st.lists(st.one_of(st.sampled_from(body_regions.REGION_KEYS), TEXT), max_size=6),
        "conditions": st.lists(st.sampled_from([key for key, _ in contraindications.CONDITIONS] + ["bogus"]),
                               max_size=6),
        "medications": st.lists(st.sampled_from([key for key, _ in contraindications.MEDICATIONS]), max_size=3),
        "pain_now": NUMBER, "pain_best": NUMBER, "pain_worst": NUMBER, "pregnancy_weeks": NUMBER,
        "onset_date": DATE, "surgery_date": DATE, "reason": st.text(max_size=2100), "sex": TEXT,
        "site_open_wound_skin": TEXT, "submit_action": st.sampled_from(["draft", "sign", "other"]),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=intake_posts)
def test_any_intake_post_is_saved_or_refused_with_messages(client, auth, world, data):
    auth.login(world.owner.email)
    db.session.execute(delete(Intake).where(Intake.client_id == world.colleague_record.id))
    db.session.commit()
    response = client.post(f"/clients/{world.record.id}/intakes/{world.intake.id}/edit",
                           data={**data, "row_version": "999"})
    assert response.status_code in (200, 302, 400, 409), response.status_code
    response = client.post(f"/clients/{world.colleague_record.id}/intakes/new", data=data)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 200:
        assert "error-message" in response.get_data(as_text=True)
