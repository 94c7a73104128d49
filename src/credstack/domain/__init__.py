"""The rules of the field in plain Python: no web or database framework is imported here."""
