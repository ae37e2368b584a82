"""Loading a member of the owner's team: staff of the same practice only."""
from __future__ import annotations

from flask_login import current_user

from practice.access import deny
from practice.accounts.models import User
from practice.extensions import db


def get_team_member_or_404(user_id: int) -> User:
    """An owner or therapist of the current user's practice; anyone else is an audited 404."""
    member = db.session.get(User, user_id)
    if member is None or member.practice_id != current_user.practice_id or not member.is_staff:
        deny("user.access_denied", target_type="user", target_id=user_id)
    return member
