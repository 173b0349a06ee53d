"""Shared test builders: form answers, mentors, throwaway keys and in-memory sheets.

Each test module used to carry its own copy of these; they live here once so a change to the
form, the profile schema or the ledger's write rules is made in one place. Nothing here reads
the sample mentors in `mentors/`: a fork that deletes them keeps a green suite.
"""
