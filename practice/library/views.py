"""Views of the technique library: browse, copy a seeded item, add and edit the practice's own items."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.access import staff_required
from practice.forms import form_page_status
from practice.library.access import get_item_or_404
from practice.library.blueprint import bp
from practice.library.forms import LibraryItemForm
from practice.library.operations import copy_item, create_item, practice_library, update_item
from practice.library.presenters import item_dose_text


@bp.route("/")
@staff_required
def index():
    """The practice's library: professional techniques and home care."""
    items = practice_library(current_user.practice_id)
    return render_template("library/index.html", items=items, dose_text=item_dose_text)


@bp.route("/<id:item_id>")
@staff_required
def show(item_id: int):
    """One library item with its steps, dose, cautions and illustration."""
    item = get_item_or_404(item_id, current_user.practice_id)
    return render_template("library/show.html", item=item, dose_text=item_dose_text)


@bp.route("/<id:item_id>/copy", methods=["POST"])
@staff_required
def copy(item_id: int):
    """Make an editable copy of a seeded item for this practice."""
    item = get_item_or_404(item_id, current_user.practice_id)
    if not item.is_seeded:
        flash("This item is already your practice's own.", "info")
        return redirect(url_for("library.edit", item_id=item.id))
    duplicate = next((own for own in practice_library(current_user.practice_id) if own.copied_from_id == item.id), None)
    if duplicate is None:
        duplicate = copy_item(item, current_user.practice_id, actor=current_user._get_current_object())
        flash(f"Your practice now has its own copy of {item.name}; the shared original is unchanged.", "success")
    return redirect(url_for("library.edit", item_id=duplicate.id))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    """Add an item of the practice's own."""
    form = LibraryItemForm()
    if form.validate_on_submit():
        item = create_item(current_user.practice_id, form.values(), actor=current_user._get_current_object())
        flash(f"{item.name} has been added to your library.", "success")
        return redirect(url_for("library.show", item_id=item.id))
    return render_template("library/form.html", form=form, item=None), form_page_status()


@bp.route("/<id:item_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(item_id: int):
    """Edit one of the practice's own items; seeded originals must be copied first."""
    item = get_item_or_404(item_id, current_user.practice_id)
    if item.is_seeded:
        flash("Shared items are not edited. Make your practice's copy to change it.", "info")
        return redirect(url_for("library.show", item_id=item.id))
    form = LibraryItemForm()
    if request.method == "GET":
        form.load(item)
    if form.validate_on_submit():
        update_item(item, form.values(), actor=current_user._get_current_object())
        flash("Changes saved.", "success")
        return redirect(url_for("library.show", item_id=item.id))
    return render_template("library/form.html", form=form, item=item), form_page_status()
