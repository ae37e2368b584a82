"""Reads of the intake domain that pages of other domains need too."""
from __future__ import annotations

from flask import current_app

from practice.clients.models import Client
from practice.intake import questionnaires
from practice.intake.operations import latest_intake


def questionnaire_labels(definition, client: Client) -> dict[str, str]:
    """Item labels: the practice's licensed wording when configured, and PSFS activity names from the intake."""
    labels = {}
    wording_file = current_app.config.get("QUESTIONNAIRE_WORDING_FILE")
    if wording_file:
        labels.update(questionnaires.load_licensed_wording(wording_file).get(definition.key, {}))
    if definition.key == "psfs":
        latest = latest_intake(client.id)
        for n in range(1, questionnaires.PSFS_MAX_ACTIVITIES + 1):
            name = (latest.answers.get(f"activity_{n}") if latest else None) or ""
            if name:
                labels[f"activity_{n}"] = f"{name}: 0 (unable) to 10 (as before the problem)"
    return labels
