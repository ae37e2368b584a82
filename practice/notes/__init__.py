"""Session notes: what happened at each visit (SOAP), signed and amended."""
