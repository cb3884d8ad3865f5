"""The container image, built and run for real without a registry, a daemon or an OCI runtime.

A base from Debian's own packages (debootstrap trixie, imported with podman), the Containerfile built
on it with `buildah bud --isolation chroot`, and its web process run with `buildah run --isolation
chroot` (no namespaces: it listens on the host's loopback). Slow (minutes), so it runs when
LEGWORK_IMAGE_TEST=1: `.ci/run` sets it in a step of its own; `make test` skips it.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from legwork.lib.testing import free_port

ROOT = Path(__file__).resolve().parents[3]
MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
# Where an egress proxy re-signs TLS (as on these machines), pip in the build trusts the host's CA bundle,
# mounted for the build only (Containerfile, EXTRA_CA_BUNDLE).
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")

pytestmark = pytest.mark.skipif(
    os.environ.get("LEGWORK_IMAGE_TEST") != "1", reason="builds the image (minutes): LEGWORK_IMAGE_TEST=1, as .ci/run"
)


def run(*command: str, timeout: float = 900) -> str:
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    print(f"{command[0]} {command[1]}: {time.monotonic() - started:.0f} s")  # the step's figure, for CI's log
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout.strip()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_the_image_builds_from_debian_and_serves_a_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    for tool in ("debootstrap", "podman", "buildah"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (apt-get install {tool}; Makefile's DEBIAN_PACKAGES)")
    name = f"legwork-ci-{uuid.uuid4().hex[:8]}"
    rootfs = Path("/var/tmp") / f"{name}-rootfs"  # not tmpfs: the tree is ~200 MB
    container = ""
    try:
        run("debootstrap", "--variant=minbase", "trixie", str(rootfs), MIRROR)
        run("bash", "-c", f"tar -C {rootfs} -c . | podman import - {name}-base")
        build = ["buildah", "bud", "--isolation", "chroot", "--build-arg", f"BASE=localhost/{name}-base"]
        if HOST_CA.exists():
            build += ["-v", f"{HOST_CA}:/run/host-ca.crt:ro", "--build-arg", "EXTRA_CA_BUNDLE=/run/host-ca.crt"]
        run(*build, "-t", name, "-f", "Containerfile", ".")
        container = run("buildah", "from", name)
        port = free_port()
        env = ["--env", f"PORT={port}", "--env", "WEB_CONCURRENCY=2", "--env", "ALLOWED_HOSTS=127.0.0.1"]
        env += ["--env", f"SECRET_KEY=image-test-{uuid.uuid4().hex}{uuid.uuid4().hex}"]
        web = subprocess.Popen(
            [
                "buildah",
                "run",
                "--isolation",
                "chroot",
                "--user",
                "legwork",
                *env,
                container,
                "--",
                "/opt/legwork/app/deploy/entrypoint.sh",
                "web",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            give_up = time.monotonic() + 300
            while True:  # migrations run first, then gunicorn listens
                assert web.poll() is None, web.stdout.read().decode() if web.stdout else ""
                try:
                    status, body = get(port, "/health/web/")
                    break
                except OSError:
                    assert time.monotonic() < give_up, "the web process did not listen"
                    time.sleep(0.5)  # waiting for a server to listen, not for a result
            assert status == 200, body
            status, body = get(port, "/")
            assert status == 200
            assert b"Legwork" in body
            status, body = get(port, "/static/legwork.css")  # WhiteNoise, from the web process itself
            assert status == 200
            assert body
            run(
                "buildah",
                "run",
                "--isolation",
                "chroot",
                "--user",
                "legwork",
                *env,
                container,
                "--",
                "/opt/legwork/app/deploy/entrypoint.sh",
                "worker-once",
            )
            status, body = get(port, "/health/")
            assert b'"worker": {"ok": true' in body, body
        finally:
            web.terminate()
            web.wait(timeout=60)
    finally:
        if container:
            subprocess.run(["buildah", "rm", container], capture_output=True, check=False)
        subprocess.run(["buildah", "rmi", "-f", name, f"localhost/{name}-base"], capture_output=True, check=False)
        shutil.rmtree(rootfs, ignore_errors=True)
