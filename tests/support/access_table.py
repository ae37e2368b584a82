"""The access table: every route, with the status each actor must get, and the values that fill its URLs.

tests/requests/test_access_table.py checks every cell; other tests visit every route through it.
"""
from __future__ import annotations

from datetime import date

ACTORS = ("owner", "therapist", "colleague", "other_therapist", "client", "anonymous")

# The URL of each endpoint, with ids of records of the first practice (assigned to "therapist").
# `{record}` is that client record; `{colleague}` is a therapist of the same practice.
LOGIN = 302  # anonymous users are sent to the login page
ROUTES: dict[str, tuple[str, str, dict[str, int]]] = {
    "accounts.login": ("GET", "/login", dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=200)),
    # The choice of practice after a password that opens several: without one on offer, back to the login page.
    "accounts.choose_practice": ("GET", "/login/practice",
                                 dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=302)),
    # The e-mailed link that lets a new browser in: asked for logged out; a forged link goes back to asking.
    "accounts.request_browser_link": ("GET", "/login/new-browser",
                                      dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=200)),
    "accounts.open_browser_link": ("GET", "/login/new-browser/not-a-link",
                                   dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=302)),
    "accounts.logout": ("POST", "/logout", dict(owner=302, therapist=302, other_therapist=302, client=302, anonymous=LOGIN)),
    "accounts.password": ("GET", "/account/password",
                          dict(owner=200, therapist=200, other_therapist=200, client=200, anonymous=LOGIN)),
    "accounts.confirm_password": ("GET", "/account/confirm",
                                  dict(owner=200, therapist=200, other_therapist=200, client=200, anonymous=LOGIN)),
    "accounts.team": ("GET", "/team", dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "accounts.new_therapist": ("GET", "/team/new",
                               dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "accounts.deactivate": ("POST", "/team/{colleague}/deactivate",
                            dict(owner=302, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "accounts.activate": ("POST", "/team/{colleague}/activate",
                          dict(owner=302, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "dashboard.index": ("GET", "/", dict(owner=200, therapist=200, other_therapist=200, client=302, anonymous=LOGIN)),
    "clients.index": ("GET", "/clients/", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "clients.new": ("GET", "/clients/new", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "casefile.show": ("GET", "/clients/{record}",
                     dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "clients.edit": ("GET", "/clients/{record}/edit",
                     dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "casefile.export": ("GET", "/clients/{record}/export",
                       dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "casefile.export_json": ("GET", "/clients/{record}/export.json",
                            dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "casefile.export_pdf": ("GET", "/clients/{record}/export.pdf",
                           dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "casefile.archive": ("POST", "/clients/{record}/archive",
                        dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "casefile.restore": ("POST", "/clients/{record}/restore",
                        dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.new": ("GET", "/clients/{record}/intakes/new",
                   dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.edit": ("GET", "/clients/{record}/intakes/{intake}/edit",
                    dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.show": ("GET", "/clients/{record}/intakes/{intake}",
                    dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.action": ("POST", "/clients/{record}/intakes/{intake}/action",
                      dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.questionnaire": ("GET", "/clients/{record}/questionnaires/startback/new",
                             dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "library.index": ("GET", "/library/", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    # Seeded items are shared by every practice, so another practice's therapist sees and copies them too.
    "library.show": ("GET", "/library/{seeded_item}",
                     dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "library.copy": ("POST", "/library/{seeded_item}/copy",
                     dict(owner=302, therapist=302, other_therapist=302, client=403, anonymous=LOGIN)),
    "library.new": ("GET", "/library/new", dict(owner=200, therapist=200, other_therapist=200, client=403, anonymous=LOGIN)),
    "library.edit": ("GET", "/library/{seeded_item}/edit",
                     dict(owner=302, therapist=302, other_therapist=302, client=403, anonymous=LOGIN)),
    "plans.new": ("POST", "/clients/{record}/plans/new",
                  dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.show": ("GET", "/clients/{record}/plans/{plan}",
                   dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    # Empty posts: a form error (400), or a stale row version (409) where the form has no other field.
    "plans.details": ("POST", "/clients/{record}/plans/{plan}/details",
                      dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.add_step": ("POST", "/clients/{record}/plans/{plan}/steps",
                       dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.update_step": ("POST", "/clients/{record}/plans/{plan}/steps/{step}",
                          dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.remove_step": ("POST", "/clients/{record}/plans/{plan}/steps/{step}/remove",
                          dict(owner=409, therapist=409, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.move_step": ("POST", "/clients/{record}/plans/{plan}/steps/{step}/move",
                        dict(owner=409, therapist=409, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.activate": ("POST", "/clients/{record}/plans/{plan}/activate",
                       dict(owner=409, therapist=409, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.publish": ("POST", "/clients/{record}/plans/{plan}/publish",
                      dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.status": ("POST", "/clients/{record}/plans/{plan}/status",
                     dict(owner=400, therapist=400, other_therapist=404, client=403, anonymous=LOGIN)),
    "plans.version": ("GET", "/clients/{record}/plans/{plan}/versions/1",
                      dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "notes.new": ("GET", "/clients/{record}/sessions/new",
                     dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "notes.show": ("GET", "/clients/{record}/sessions/{note}",
                      dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "notes.edit": ("GET", "/clients/{record}/sessions/{note}/edit",
                      dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "notes.amend": ("POST", "/clients/{record}/sessions/{note}/amend",
                       dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "handouts.handout": ("GET", "/clients/{record}/plans/{plan}/versions/1/handout.pdf",
                         dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "handouts.print_view": ("GET", "/clients/{record}/plans/{plan}/versions/1/print",
                            dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    # The world's intake is unanswered (needs review, no flag found): no summary to print, back to the intake.
    "handouts.referral": ("GET", "/clients/{record}/intakes/{intake}/referral.pdf",
                          dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    # The client portal: the client actor is the portal login of {record}; staff are refused with a 403.
    "portal.home": ("GET", "/me", dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.log_day": ("GET", "/me/log/{today}",
                       dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.history": ("GET", "/me/history",
                       dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.progress": ("GET", "/me/progress",
                        dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.handout": ("GET", "/me/handout.pdf",
                       dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    "portal.questionnaire": ("GET", "/me/questionnaires/{assignment}",
                             dict(owner=403, therapist=403, other_therapist=403, client=200, anonymous=LOGIN)),
    # The record has an intake already, so no pre-visit intake is waiting: back to the home page.
    "portal.intake": ("GET", "/me/intake",
                      dict(owner=403, therapist=403, other_therapist=403, client=302, anonymous=LOGIN)),
    # Whoever holds the link may open it: the token is the key.
    "portal.accept": ("GET", "/invite/{token}",
                      dict(owner=200, therapist=200, other_therapist=200, client=200, anonymous=200)),
    "portal_staff.invite": ("POST", "/clients/{record}/portal/invite",
                            dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    # Without the invitation's token there is nothing to print: an audited 404 for everyone allowed in.
    "portal_staff.invitation_handout": ("POST", "/clients/{record}/portal/invitation-handout",
                                        dict(owner=404, therapist=404, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.remove": ("POST", "/clients/{record}/portal/remove-access",
                            dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.assign_form": ("POST", "/clients/{record}/portal/assign",
                                 dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.cancel": ("POST", "/clients/{record}/portal/assignments/{assignment}/cancel",
                            dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.review": ("POST", "/clients/{record}/portal/logs/{log}/review",
                            dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "intake.review": ("POST", "/clients/{record}/intakes/{intake}/review",
                                   dict(owner=302, therapist=302, other_therapist=404, client=403, anonymous=LOGIN)),
    "portal_staff.logs": ("GET", "/clients/{record}/portal/logs",
                          dict(owner=200, therapist=200, other_therapist=404, client=403, anonymous=LOGIN)),
    "audit.index": ("GET", "/audit/", dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
    "audit.export": ("GET", "/audit/export.csv",
                     dict(owner=200, therapist=403, other_therapist=403, client=403, anonymous=LOGIN)),
}


def _with_the_colleague(routes: dict) -> dict:
    """Add the colleague: a therapist of the same practice to whom `{record}` is not assigned. On that record's pages
    they are refused exactly like another practice's therapist (a 404, as if it did not exist); everywhere else they
    are a therapist like any other."""
    return {endpoint: (method, path, {**expected,
                                      "colleague": expected["other_therapist" if "{record}" in path else "therapist"]})
            for endpoint, (method, path, expected) in routes.items()}


ROUTES = _with_the_colleague(ROUTES)


def url_values(world) -> dict:
    """What fills the table's URL templates: the ids of the world's rows, today's date and the invitation token."""
    return dict(record=world.record.id, colleague=world.colleague.id, intake=world.intake.id, plan=world.plan.id,
                step=world.step.id, note=world.note.id, seeded_item=world.seeded_item.id,
                today=date.today().isoformat(), assignment=world.assignment.id, log=world.log.id,
                token=world.invitation_token)
