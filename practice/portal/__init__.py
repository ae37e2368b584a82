"""The client portal: invitations, the home plan, daily logs, questionnaires and progress."""
