"""Client intake: health history, red-flag screening and questionnaires."""
