"""Mentor profiles: models, taxonomy, loading and validation."""

from .models import MeetingFormat, Mentor, Profile, Weekday, Window

__all__ = ["MeetingFormat", "Mentor", "Profile", "Weekday", "Window"]
