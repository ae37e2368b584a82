"""Operations on client records. They flush, never commit: the request commits once."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from practice.accounts.models import STAFF_ROLES, User
from practice.audit.models import AuditEvent
from practice.audit.operations import record_event
from practice.clients.access import visible_clients
from practice.clients.models import Client, caseless, caseless_after_filter
from practice.extensions import db

#: pg_trgm indexes words of at least this many letters
TRIGRAM_LENGTH = 3
# The fields a client form may set; anything else posted (practice, ids) is ignored.
EDITABLE_FIELDS = (
    "first_name", "last_name", "date_of_birth", "email", "phone",
    "emergency_contact_name", "emergency_contact_phone",
    "consent_treatment_on", "consent_health_data_on", "notes",
)


def search_clients(user: User, text: str = "", *, archived: bool = False) -> Select:
    """Visible clients whose names or e-mail contain every word of `text`, by last name whatever its case."""
    query = visible_clients(user).where(Client.is_archived == archived)
    words = text.split()[:5]
    for word in words:
        query = query.where(or_(
            Client.first_name.icontains(word, autoescape=True),
            Client.last_name.icontains(word, autoescape=True),
            Client.email.icontains(word, autoescape=True),
        ))
    # On PostgreSQL the trigram indexes find the matches of a word of three letters or more; sorting those is
    # fast. Were the order readable from the name index, the planner would walk it instead, expecting matches
    # all along the alphabet, and read half the practice before the first 'Lindqvist' (bench/bench_search.py).
    key = caseless_after_filter if any(len(word) >= TRIGRAM_LENGTH for word in words) else caseless
    return query.options(joinedload(Client.therapist)).order_by(key(Client.last_name), key(Client.first_name),
                                                                Client.id)


def client_list_page(user: User, text: str, *, archived: bool, page: int, per_page: int,
                     count_cap: int) -> tuple[Pagination, bool]:
    """One page of the client list, and whether its count stopped at the cap (a search counts `count_cap` + 1).

    Counting every match of a short fragment ("an") costs more than finding the page (85 ms against 0.2 ms at
    100,000 clients), and nobody pages through a thousand of them: past the cap the list asks for more letters.
    """
    query = search_clients(user, text, archived=archived)
    if not text.split():
        return db.paginate(query, page=page, per_page=per_page, error_out=False), False
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    capped = query.order_by(None).limit(count_cap + 1).subquery()
    pagination.total = db.session.scalar(select(func.count()).select_from(capped))
    return pagination, pagination.total > count_cap


def assignable_therapists(practice_id: int) -> list[User]:
    """Active owners and therapists of the practice, who can be assigned clients."""
    return list(db.session.scalars(
        select(User).where(User.practice_id == practice_id, User.role.in_(STAFF_ROLES), User.is_active)
        .order_by(User.name)
    ))


def create_client(practice_id: int, values: dict, *, therapist: User | None, actor: User) -> Client:
    """Create a client record assigned to `therapist` and audit it."""
    client = Client(practice_id=practice_id, therapist=therapist,
                    **{name: values.get(name) for name in EDITABLE_FIELDS})
    db.session.add(client)
    db.session.flush()
    record_event("client.create", target=client, actor=actor)
    return client


def update_client(client: Client, values: dict, *, actor: User) -> list[str]:
    """Apply changed values to the record; audit which fields changed (never their contents)."""
    changed = [name for name in EDITABLE_FIELDS if name in values and getattr(client, name) != values[name]]
    for name in changed:
        setattr(client, name, values[name])
    if changed:
        db.session.flush()
        record_event("client.update", target=client, actor=actor, detail="fields: " + ", ".join(changed))
    return changed


def assign_therapist(client: Client, therapist: User | None, *, actor: User) -> bool:
    """Reassign the client; returns True when the therapist changed."""
    new_id = therapist.id if therapist else None
    if client.therapist_id == new_id:
        return False
    client.therapist = therapist
    db.session.flush()
    record_event("client.reassign", target=client, actor=actor, detail=f"therapist {new_id}")
    return True


def set_archived(client: Client, is_archived: bool, *, actor: User) -> None:
    """Archive or restore the record itself; nothing is deleted (`casefile.operations` also ends portal access)."""
    client.is_archived = is_archived
    db.session.flush()
    record_event("client.archive" if is_archived else "client.restore", target=client, actor=actor)


def recently_opened(user: User, limit: int = 5) -> list[Client]:
    """The clients `user` opened most recently, newest first, from the audit log."""
    last_view = (
        select(AuditEvent.client_id, func.max(AuditEvent.at).label("last_at"))
        .where(AuditEvent.actor_id == user.id, AuditEvent.action == "client.view",
               AuditEvent.client_id.is_not(None))
        .group_by(AuditEvent.client_id)
        .subquery()
    )
    query = (
        visible_clients(user).join(last_view, last_view.c.client_id == Client.id)
        .where(Client.is_archived.is_(False))
        .order_by(last_view.c.last_at.desc()).limit(limit)
    )
    return list(db.session.scalars(query))
