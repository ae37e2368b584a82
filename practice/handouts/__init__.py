"""Take-home handouts and referral summaries, rendered to PDF with WeasyPrint."""
