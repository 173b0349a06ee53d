"""Application Default Credentials, delegation, and Google's errors in words (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mentorship import google_api
from mentorship.errors import AccessError
from mentorship.google_transport import is_transient, parse_error_body

from tests.support.keys import write_service_account_key

ACCOUNT = "mentoring-bot@alumni-office.iam.gserviceaccount.com"


@pytest.fixture
def service_account_file(tmp_path: Path) -> Path:
    """A syntactically real service-account key file (a throwaway key, never used on Google)."""
    return write_service_account_key(tmp_path / "sa.json", ACCOUNT, project="alumni-office")


def test_service_account_adc_with_delegate_acts_for_the_staff_user(
    service_account_file, monkeypatch
):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_file))
    creds = google_api.credentials(google_api.CALENDAR_SCOPES, delegate="coordinator@uni.edu")
    assert creds._subject == "coordinator@uni.edu"
    assert google_api.service_account_email(creds) == ACCOUNT


def test_delegate_with_user_credentials_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "user.json"
    path.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "id.apps.googleusercontent.com",
                "client_secret": "not-a-secret",
                "refresh_token": "not-a-token",
            }
        )
    )
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    assert google_api.service_account_email(google_api.credentials(google_api.SHEETS_SCOPES)) == ""
    with pytest.raises(AccessError, match="not a service account"):
        google_api.credentials(google_api.CALENDAR_SCOPES, delegate="coordinator@uni.edu")


def test_no_adc_and_no_api_root_explains_how_to_authenticate(tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    monkeypatch.delenv(google_api.API_ROOT_ENV, raising=False)
    with pytest.raises(AccessError, match="gcloud auth application-default login") as caught:
        google_api.credentials(google_api.SHEETS_SCOPES)
    # The advice names only what an installed package has: the local backend, not tests/.
    assert 'backend = "local"' in str(caught.value) and "tests." not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "service", "expected"),
    [
        (
            403,
            {
                "error": {
                    "code": 403,
                    "message": "The caller does not have permission",
                    "status": "PERMISSION_DENIED",
                }
            },
            "sheets",
            f"Share the sheet with {ACCOUNT} as Editor",
        ),
        (
            404,
            {
                "error": {
                    "code": 404,
                    "message": "Requested entity was not found.",
                    "status": "NOT_FOUND",
                }
            },
            "sheets",
            "Check `spreadsheet_key`",
        ),
        (
            429,
            {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}},
            "sheets",
            "wait a few minutes",
        ),
        (
            403,
            {
                "error": {
                    "errors": [
                        {
                            "domain": "usageLimits",
                            "reason": "rateLimitExceeded",
                            "message": "Rate Limit Exceeded",
                        }
                    ],
                    "code": 403,
                    "message": "Rate Limit Exceeded",
                }
            },
            "calendar",
            "rate limit",
        ),
        (
            403,
            {
                "error": {
                    "errors": [
                        {
                            "domain": "calendar",
                            "reason": "forbiddenForServiceAccounts",
                            "message": "x",
                        }
                    ],
                    "code": 403,
                    "message": "x",
                }
            },
            "calendar",
            "[tool.mentorship.calendar]",
        ),
        (
            403,
            {
                "error": {
                    "errors": [
                        {
                            "domain": "global",
                            "reason": "requiredAccessLevel",
                            "message": "You need to have writer access to this calendar.",
                        }
                    ],
                    "code": 403,
                    "message": "You need to have writer access to this calendar.",
                }
            },
            "calendar",
            f"Share the program calendar with {ACCOUNT}",
        ),
        (
            404,
            {
                "error": {
                    "errors": [{"domain": "global", "reason": "notFound", "message": "Not Found"}],
                    "code": 404,
                    "message": "Not Found",
                }
            },
            "calendar",
            "calendar_id",
        ),
        (401, "not json at all", "sheets", "rejected the credentials"),
    ],
)
def test_describe_http_error_tells_staff_what_to_do(status, body, service, expected):
    text = body if isinstance(body, str) else json.dumps(body)
    error = google_api.describe_http_error(
        status, text.encode(), service_account_email=ACCOUNT, service=service
    )
    assert isinstance(error, AccessError)
    assert expected in str(error)


@pytest.mark.parametrize(
    ("status", "error", "retry"),
    [
        (429, {}, True),
        (503, {}, True),
        (500, {}, True),
        (403, {"errors": [{"reason": "userRateLimitExceeded"}]}, True),
        (403, {"details": [{"reason": "RATE_LIMIT_EXCEEDED"}]}, True),
        (403, {"status": "PERMISSION_DENIED"}, False),
        (404, {}, False),
        (400, {}, False),
    ],
)
def test_is_transient(status, error, retry):
    assert is_transient(status, parse_error_body({"error": error}).reasons) is retry
