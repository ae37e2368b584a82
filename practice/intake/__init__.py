"""Intake: the client's history and red-flag answers, screening, contraindications and questionnaires.

The rule modules here (screening, contraindications, questionnaires, body_regions, assessment) are pure
Python; importing this package does not import Flask. The views live in `practice.intake.views`.
"""
