"""The mentoring relationship after the first invite: sessions, follow-ups, check-ins, the end.

`sessions` decides (pure: the ledger's tables and the clock in, changes and actions out) which
sessions to book, book again or cancel and which matches are quiet or completed; `stage` is the
nightly step that carries it out against a spreadsheet and a calendar.
"""
