"""Where the check-in secret comes from: the environment, or a key file beside a local ledger.

On Actions (and with any Google ledger) the secret is `MENTORSHIP_CHECKIN_SECRET`, an Actions
secret of the `nightly` environment. The local backend, when that variable is absent, makes a
random key once and keeps it in `<local_dir>/checkin.key`, readable by its owner only, so links
in earlier invites stay valid from run to run. The key never goes in git (the ledger folder is
ignored) nor in a log.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from .config import Config
from .errors import AccessError, ConfigError

SECRET_ENV = "MENTORSHIP_CHECKIN_SECRET"
KEY_FILE = "checkin.key"
MIN_SECRET_CHARS = 16
MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def key_path(config: Config) -> Path:
    """The local backend's key file."""
    return config.local_path / KEY_FILE


def checkin_secret(
    config: Config, env: Mapping[str, str] | None = None, *, create: bool = True
) -> bytes | None:
    """The secret that signs check-in codes, or None when check-ins are off.

    Raises ConfigError when the Google backend has check-ins on and no secret (or a short one).
    The local backend creates its key file when `create`; a dry run (`create=False`) with no key
    yet gets a throwaway key instead, so it writes nothing (no link made with it was ever sent).
    """
    if not config.checkin.enabled:
        return None
    env = os.environ if env is None else env
    value = env.get(SECRET_ENV, "").strip()
    if value:
        if len(value) < MIN_SECRET_CHARS:
            raise ConfigError(
                f"{SECRET_ENV} is only {len(value)} characters; use at least "
                f"{MIN_SECRET_CHARS} random ones, e.g. the output of {MAKE_ONE}."
            )
        return value.encode("utf-8")
    if config.backend != "local":
        raise ConfigError(
            f"Check-ins are on ([tool.mentorship.checkin] form_url is set) but {SECRET_ENV} is "
            f"not set. Make a secret with {MAKE_ONE}, add it as an Actions secret named "
            f"{SECRET_ENV} in the `nightly` environment (Settings > Environments > nightly), "
            "and export it when you run the nightly yourself. Keep it: changing it invalidates "
            "the check-in links already sent."
        )
    return _local_key(key_path(config), create)


def _local_key(path: Path, create: bool) -> bytes:
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        key = b""
    except OSError as exc:
        raise AccessError(f"Cannot read the check-in key {path}: {exc.strerror}.") from None
    if key:
        return key
    if path.exists():
        raise ConfigError(
            f"The check-in key {path} is empty; delete it to make a new one (links already sent "
            f"stop working), or set {SECRET_ENV}."
        )
    if not create:
        return secrets.token_bytes(32)
    key = secrets.token_urlsafe(32).encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes racing to make the key cannot both win with different keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _local_key(path, create=False)
    except OSError as exc:
        raise AccessError(f"Cannot create the check-in key {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key
