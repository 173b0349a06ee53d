"""Mentor profiles: models, taxonomy, loading and validation."""

from .load import ProfileSet, display_path, load_profiles, profile_paths
from .models import MeetingFormat, Mentor, Profile, Weekday, Window
from .taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "MeetingFormat",
    "Mentor",
    "Profile",
    "ProfileSet",
    "Taxonomy",
    "Weekday",
    "Window",
    "display_path",
    "load_profiles",
    "load_taxonomy",
    "profile_paths",
]
