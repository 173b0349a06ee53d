"""The alumni mentoring toolkit: profiles, directory site, intake, matching, scheduling, invites."""

__version__ = "0.1.0"
