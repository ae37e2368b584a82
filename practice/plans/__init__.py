"""Treatment plans: the professional part, the home routine, versions, and session notes."""
