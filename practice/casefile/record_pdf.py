"""The readable PDF of a client's record: its entries made by the macros of casefile/record_entries.html, cut
into volumes (casefile.volumes), and one volume as the HTML the PDF is rendered from."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, render_template
from sqlalchemy import select

from practice.accounts.models import Practice, User
from practice.audit.models import AuditEvent
from practice.casefile.export import record_for_print
from practice.casefile.volumes import Entry, Volume, placeholder, split_into_volumes
from practice.clients.models import Client
from practice.extensions import db
from practice.intake.contraindications import TECHNIQUES
from practice.intake.questionnaires import QUESTIONNAIRES
from practice.portal.warning_signs import WARNING_SIGN_LABELS

ENTRY_MACROS = "casefile/record_entries.html"
QUESTIONNAIRE_NAMES = {key: q.name for key, q in QUESTIONNAIRES.items()} | {"intake": "Pre-visit intake"}
TECHNIQUE_NAMES = {technique.key: technique.name for technique in TECHNIQUES}
#: labels the entry macros look up by key
ENTRY_LABELS = {"warning_labels": WARNING_SIGN_LABELS, "questionnaire_names": QUESTIONNAIRE_NAMES,
                "technique_names": TECHNIQUE_NAMES}


def record_volumes(client: Client, *, audit_until: int | None) -> list[Volume]:
    """The client's record as the volumes of its readable PDF (one when it is short enough)."""
    printable = record_for_print(client, audit_until=audit_until)
    budget = current_app.config["EXPORT_VOLUME_KB"] * 1024
    return split_into_volumes(record_entries(client, printable), budget)


def _entry_macros():
    """The macros of the entry template, with the values every template sees (labels, helpers)."""
    context = dict(ENTRY_LABELS)
    current_app.update_template_context(context)
    return current_app.jinja_env.get_template(ENTRY_MACROS).make_module(context)


def record_entries(client: Client, printable: dict) -> list[Entry]:
    """Every entry of the record in reading order; a part with nothing recorded gets its "nothing" line."""
    macros = _entry_macros()
    parts = {
        "details": [Entry("details", "details", macros.details(client))],
        "intakes": [Entry("intakes", f"intake:{intake.id}", macros.intake_entry(intake), intake.taken_on)
                    for intake in printable["intakes"]],
        "questionnaires": [Entry("questionnaires", f"questionnaire:{response.id}", macros.questionnaire_row(response),
                                 response.taken_on) for response in printable["questionnaires"]],
        "plans": [entry for plan in printable["plans"] for entry in _plan_entries(plan, macros)],
        "notes": [entry for note in printable["notes"] for entry in _note_entries(note, macros)],
        "home_logs": [Entry("home_logs", f"home_log:{log.id}", macros.home_log_row(log), log.logged_on)
                      for log in printable["home_logs"]],
        "portal": _portal_entries(client, printable, macros),
        "access_history": [Entry("access_history", f"access:{line.day}:{line.who}:{line.action}:{line.outcome}",
                                 macros.access_row(line), line.day) for line in printable["access_history"]],
    }
    return [entry for key, entries in parts.items() for entry in (entries or [placeholder(key)])]


def _plan_entries(plan, macros) -> list[Entry]:
    continued = f"Treatment plan “{plan.title}”, continued:"
    return [Entry("plans", f"plan:{plan.id}", macros.plan_entry(plan), plan.created_at.date()),
            *[Entry("plans", f"plan_version:{version.id}", macros.plan_version_entry(version),
                    version.created_at.date(), context=continued) for version in plan.versions]]


def _note_entries(note, macros) -> list[Entry]:
    continued = f"Session note of {note.seen_on}, continued:"
    return [Entry("notes", f"note:{note.id}", macros.note_entry(note), note.seen_on),
            *[Entry("notes", f"amendment:{amendment.id}", macros.amendment_entry(amendment), note.seen_on,
                    context=continued) for amendment in note.amendments]]


def _portal_entries(client: Client, printable: dict, macros) -> list[Entry]:
    entries = [Entry("portal", f"invitation:{invitation.id}", macros.invitation_item(invitation),
                     invitation.created_at.date()) for invitation in printable["invitations"]]
    entries += [Entry("portal", f"assignment:{assignment.id}", macros.assignment_item(assignment),
                      assignment.assigned_at.date()) for assignment in printable["assignments"]]
    if client.portal_user:
        entries.append(Entry("portal", "portal_login", macros.portal_login_item(client)))
    elif not printable["invitations"]:
        entries.append(Entry("portal", "never_invited", macros.never_invited_item()))
    return entries


def volume_html(client: Client, volume: Volume, *, exported_by: User, audit_until: int | None) -> str:
    """The HTML of one volume, for the PDF renderer."""
    return render_template("casefile/record_export.html", client=client, volume=volume,
                           practice=db.session.get(Practice, client.practice_id), exported_by=exported_by,
                           exported_on=date.today(), access_until=_time_of_event(audit_until))


def _time_of_event(event_id: int | None) -> str | None:
    at: datetime | None = db.session.scalar(select(AuditEvent.at).where(AuditEvent.id == event_id)) \
        if event_id is not None else None
    return at.strftime("%Y-%m-%d %H:%M") if at else None
