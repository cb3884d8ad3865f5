"""A real IMAP server for the tests: Debian's dovecot on a free loopback port, its own config in a temp dir.

Plain login on loopback, one passwd-file user, a maildir in the temp dir. Run as root (the CI
container), dovecot delivers mail as an unprivileged system user, so the directory is theirs.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from legwork.lib.testing import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class Dovecot:
    def __init__(self, root: Path, user: str = "replies", password: str = "secret-password") -> None:
        self.root, self.user, self.password = root, user, password
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        internal = pwd.getpwnam("dovecot")
        login = pwd.getpwnam("dovenull")
        # The mail belongs to an ordinary user: dovecot refuses to act as root for a mailbox.
        owner = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        for name in ("run", "state", "mail", "home"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                internal=internal.pw_name,
                internal_group=internal.pw_name,
                login=login.pw_name,
                uid=owner.pw_uid,
                gid=owner.pw_gid,
            )
        )
        if os.geteuid() == 0:
            for name in ("mail", "home"):
                os.chown(self.root / name, owner.pw_uid, owner.pw_gid)
            os.chmod(self.root, 0o755)
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                raise RuntimeError(f"dovecot exited: {output} {self._log()}")
            try:
                with imaplib.IMAP4("127.0.0.1", self.port, timeout=2) as client:
                    client.login(self.user, self.password)
                    client.select("INBOX")
                    return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)  # waiting for the server to listen, not for a result
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self._log()}")

    def _log(self) -> str:
        log = self.root / "dovecot.log"
        return log.read_text()[-2000:] if log.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def deliver(self, raw: bytes) -> None:
        """Put an email into the mailbox, as the mail server would."""
        with imaplib.IMAP4("127.0.0.1", self.port, timeout=5) as client:
            client.login(self.user, self.password)
            status, _ = client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK"

    def count(self) -> int:
        with imaplib.IMAP4("127.0.0.1", self.port, timeout=5) as client:
            client.login(self.user, self.password)
            status, data = client.select("INBOX")
            return int(data[0] or 0)
