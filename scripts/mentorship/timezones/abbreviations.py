"""Time-zone abbreviations as students write them, each to the zone(s) it can mean.

CLDR lists only the abbreviations each English locale prints itself, so it knows "IST" only as
India's (en_IN) and Ireland's (en_IE), and not at all as Israel's; students use all three. This
table is therefore ours, kept to the abbreviations in common use. Every entry names a zone that
follows daylight saving where the place does: "PST" is America/Los_Angeles, not UTC-8, which
would be an hour wrong all summer. An abbreviation with more than one entry is ambiguous and
never resolves by itself; the labels are the words the student reads ("IST could be India,
Ireland or Israel").
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    # North America
    "pst": (("America/Los_Angeles", "US Pacific Time"),),
    "pdt": (("America/Los_Angeles", "US Pacific Time"),),
    "pt": (("America/Los_Angeles", "US Pacific Time"),),
    "mst": (
        ("America/Denver", "US Mountain Time (Denver)"),
        ("America/Phoenix", "Arizona (Phoenix)"),
    ),
    "mdt": (("America/Denver", "US Mountain Time"),),
    "mt": (("America/Denver", "US Mountain Time"),),
    "cst": (
        ("America/Chicago", "US Central Time"),
        ("Asia/Shanghai", "China"),
        ("America/Havana", "Cuba"),
    ),
    "cdt": (("America/Chicago", "US Central Time"),),
    "ct": (("America/Chicago", "US Central Time"),),
    "est": (("America/New_York", "US Eastern Time"),),
    "edt": (("America/New_York", "US Eastern Time"),),
    "et": (("America/New_York", "US Eastern Time"),),
    "akst": (("America/Anchorage", "Alaska"),),
    "akdt": (("America/Anchorage", "Alaska"),),
    "hst": (("Pacific/Honolulu", "Hawaii"),),
    "ast": (
        ("America/Halifax", "Atlantic Time (Canada)"),
        ("Asia/Riyadh", "Arabia Standard Time"),
    ),
    "adt": (("America/Halifax", "Atlantic Time (Canada)"),),
    "nst": (("America/St_Johns", "Newfoundland"),),
    "ndt": (("America/St_Johns", "Newfoundland"),),
    # South America
    "brt": (("America/Sao_Paulo", "Brasília Time"),),
    "art": (("America/Buenos_Aires", "Argentina"),),
    "clt": (("America/Santiago", "Chile"),),
    "cot": (("America/Bogota", "Colombia"),),
    "pet": (("America/Lima", "Peru"),),
    "vet": (("America/Caracas", "Venezuela"),),
    "uyt": (("America/Montevideo", "Uruguay"),),
    # Europe
    "bst": (
        ("Europe/London", "British Summer Time"),
        ("Asia/Dhaka", "Bangladesh Standard Time"),
    ),
    "wet": (("Europe/Lisbon", "Western European Time"),),
    "west": (("Europe/Lisbon", "Western European Time"),),
    "cet": (("Europe/Paris", "Central European Time"),),
    "cest": (("Europe/Paris", "Central European Time"),),
    "eet": (("Europe/Bucharest", "Eastern European Time"),),
    "eest": (("Europe/Bucharest", "Eastern European Time"),),
    "msk": (("Europe/Moscow", "Moscow"),),
    "trt": (("Europe/Istanbul", "Türkiye"),),
    "ist": (
        ("Asia/Kolkata", "India"),
        ("Europe/Dublin", "Ireland"),
        ("Asia/Jerusalem", "Israel"),
    ),
    # Africa
    "wat": (("Africa/Lagos", "West Africa Time"),),
    "cat": (("Africa/Maputo", "Central Africa Time"),),
    "eat": (("Africa/Nairobi", "East Africa Time"),),
    "sast": (("Africa/Johannesburg", "South Africa"),),
    # Asia
    "gst": (("Asia/Dubai", "Gulf Standard Time"),),
    "irst": (("Asia/Tehran", "Iran"),),
    "aft": (("Asia/Kabul", "Afghanistan"),),
    "pkt": (("Asia/Karachi", "Pakistan"),),
    "npt": (("Asia/Kathmandu", "Nepal"),),
    "ict": (("Asia/Bangkok", "Indochina Time"),),
    "wib": (("Asia/Jakarta", "Western Indonesia"),),
    "wita": (("Asia/Makassar", "Central Indonesia"),),
    "wit": (("Asia/Jayapura", "Eastern Indonesia"),),
    "sgt": (("Asia/Singapore", "Singapore"),),
    "myt": (("Asia/Kuala_Lumpur", "Malaysia"),),
    "pht": (("Asia/Manila", "Philippines"),),
    "hkt": (("Asia/Hong_Kong", "Hong Kong"),),
    "jst": (("Asia/Tokyo", "Japan"),),
    "kst": (("Asia/Seoul", "Korea"),),
    # Oceania
    "aest": (("Australia/Sydney", "Australian Eastern Time (Sydney)"),),
    "aedt": (("Australia/Sydney", "Australian Eastern Time (Sydney)"),),
    "aet": (("Australia/Sydney", "Australian Eastern Time (Sydney)"),),
    "acst": (
        ("Australia/Adelaide", "Adelaide"),
        ("Australia/Darwin", "Darwin"),
    ),
    "acdt": (("Australia/Adelaide", "Adelaide"),),
    "awst": (("Australia/Perth", "Australian Western Time"),),
    "nzst": (("Pacific/Auckland", "New Zealand"),),
    "nzdt": (("Pacific/Auckland", "New Zealand"),),
    # The same instant everywhere.
    "utc": (("UTC", "UTC"),),
    "gmt": (("UTC", "UTC"),),
    "z": (("UTC", "UTC"),),
    "zulu": (("UTC", "UTC"),),
}
