"""Extract: normalised releases in, table rows out. No Prefect here."""
