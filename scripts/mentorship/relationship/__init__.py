"""The mentoring relationship after the first invite: check-ins, follow-ups, the end.

`checkins` writes each side's answers into the Sessions tab. `followups` decides (pure: the
ledger's tables and the clock in, changes and actions out) which sessions to book, book again
or cancel and which matches are quiet or completed; `stage` is the nightly step that carries
it out against a spreadsheet and a calendar.
"""
