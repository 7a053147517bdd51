"""`make bundle`: one archive to install Xieshang on a machine that reaches no package index.

    dist/xieshang-bundle-<version>-<YYYYMMDD>[-<platform>-py<XY>].tar.gz
      xieshang-bundle-<version>-<YYYYMMDD>/
        ...            the application: `git archive HEAD` (tracked files of the last commit)
        wheels/        one wheel for every line of requirements.lock
        INSTALL.txt    how to install and run it offline
        BUNDLE.json    commit, target platform and Python, wheels, packages without a wheel

`make install`/`make run` inside the unpacked folder see `wheels/` and install with
`pip install --no-index --find-links wheels -r requirements.lock`.

The default target is this machine (its Python, its architecture): `pip wheel` downloads
the wheels and builds the few packages published only as source (jieba). For another
target (`--platform manylinux_2_28_aarch64 --python-version 3.11`, i.e. `make bundle
PLATFORM=... PYVER=...`; a manylinux_2_X tag takes the wheels for older glibc too),
pure-Python wheels are built here once and copied, and each compiled package is fetched
with `pip download --only-binary=:all: --platform ...`; the packages for which no index
offers a wheel for that target are listed at the end and in BUNDLE.json (the bundle is
then incomplete and the command exits with status 3).

Only the standard library: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import platform
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
INCOMPLETE = 3

INSTALL_TEXT = """\
Xieshang {version} ({commit}), offline bundle built {date}
Target: {target}

This folder holds the application and every Python package it needs, as wheels in wheels/.
No package index or internet access is needed to install it.

Needs on the server: Python {pyver} (python3, python3-venv), make, and for PDF exports the
Pango libraries and CJK fonts (Debian/Ubuntu: libpango-1.0-0 libpangoft2-1.0-0
fonts-noto-cjk). Production: see docs/deployment.md.

Try it (demo data, SQLite, http://127.0.0.1:8000, password Xieshang@2026):

    tar xzf {archive}
    cd {folder}
    make run

`make install` (and so `make run`) sees wheels/ and runs
    .venv/bin/python -m pip install --no-index --find-links wheels -r requirements.lock
so pip never asks an index. To install by hand:

    python3 -m venv .venv
    .venv/bin/python -m pip install --no-index --find-links wheels -r requirements.lock

Production (PostgreSQL, nginx, gunicorn under systemd, the worker and the scheduler):
docs/deployment.md. Do not run the demo seed on a production database.
"""


def locked_requirements() -> list[tuple[str, str]]:
    """(name, version) of every `name==version` line of requirements.lock."""
    pins = []
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)
        if not match:
            sys.exit(f"requirements.lock: cannot read {line!r} (expected name==version)")
        pins.append((match.group(1), match.group(3)))
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name(path: Path) -> str:
    """The normalised project name of a wheel file."""
    return normalise(path.name.split("-", 1)[0])


def is_pure(path: Path) -> bool:
    return path.name.endswith("-none-any.whl")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    say("+ " + " ".join(argv))
    return subprocess.run(argv, check=False, **kwargs)


def pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def native_wheels(dest: Path) -> None:
    """Every locked package as a wheel for this Python and machine (builds sdist-only ones)."""
    result = run(pip("wheel", "--quiet", "--wheel-dir", str(dest), "-r", str(LOCK)))
    if result.returncode:
        sys.exit("pip wheel failed: see the messages above")


def expand_platforms(platforms: list[str]) -> list[str]:
    """A glibc 2.X machine also runs the wheels for every older glibc: manylinux_2_28_aarch64
    takes manylinux_2_27 … manylinux_2_17 and manylinux2014 wheels too (pip expands this only
    for its own machine, not for --platform)."""
    expanded: list[str] = []
    for tag in platforms:
        expanded.append(tag)
        match = re.fullmatch(r"manylinux_2_(\d+)_(\w+)", tag)
        if match and int(match.group(1)) > 17:
            arch = match.group(2)
            glibc = int(match.group(1))
            expanded += [f"manylinux_2_{minor}_{arch}" for minor in range(glibc - 1, 16, -1)]
            expanded.append(f"manylinux2014_{arch}")
    return list(dict.fromkeys(expanded))


def cross_wheels(dest: Path, platforms: list[str], pyver: str) -> list[str]:
    """Wheels for another platform/Python; returns the packages that have none."""
    pins = locked_requirements()
    with tempfile.TemporaryDirectory(prefix="xieshang-native-") as tmp:
        native = Path(tmp)
        native_wheels(native)
        pure = {wheel_name(p): p for p in native.glob("*.whl") if is_pure(p)}
        missing = []
        for name, version in pins:
            if normalise(name) in pure:
                shutil.copy2(pure[normalise(name)], dest)
                continue
            argv = pip(
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                pyver,
                "--implementation",
                "cp",
                "--dest",
                str(dest),
            )
            for tag in expand_platforms(platforms):
                argv += ["--platform", tag]
            result = run([*argv, f"{name}=={version}"], capture_output=True, text=True)
            if result.returncode:
                missing.append(f"{name}=={version}")
                say(f"   no wheel for {name}=={version}")
    return missing


def add_text(tar: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def main() -> int:
    # Stopped (CI timeout, Ctrl-C): unwind, so the temporary folders go too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--platform",
        default="",
        help="pip platform tag(s), space-separated, e.g. manylinux2014_aarch64 (default: here)",
    )
    parser.add_argument("--python-version", default="", help="e.g. 3.11 (default: this Python)")
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="output folder (dist/)")
    args = parser.parse_args()

    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    pyver = args.python_version or here
    platforms = args.platform.split()
    cross = bool(platforms) or pyver != here

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = project["version"]
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        say("note: uncommitted changes are not in the bundle (it holds HEAD)")
    date = dt.date.today().strftime("%Y%m%d")
    folder = f"xieshang-bundle-{version}-{date}"
    suffix = ""
    if cross:
        suffix = f"-{'+'.join(platforms) or 'native'}-py{pyver.replace('.', '')}"
    archive_name = f"{folder}{suffix}.tar.gz"
    if platforms:
        target = f"{' '.join(platforms)}, Python {pyver}"
    else:
        target = f"this machine ({platform.system()} {platform.machine()}), Python {pyver}"

    dist = Path(args.dist)
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xieshang-bundle-") as tmp:
        wheels = Path(tmp) / "wheels"
        wheels.mkdir()
        missing: list[str] = []
        if cross:
            missing = cross_wheels(wheels, platforms, pyver)
        else:
            native_wheels(wheels)
        have = {wheel_name(p) for p in wheels.glob("*.whl")}
        absent = [f"{n}=={v}" for n, v in locked_requirements() if normalise(n) not in have]
        missing = sorted(set(missing) | set(absent))

        source = Path(tmp) / "source.tar"
        with source.open("wb") as fh:
            subprocess.run(
                ["git", "-C", str(ROOT), "archive", "--format=tar", f"--prefix={folder}/", "HEAD"],
                check=True,
                stdout=fh,
            )
        out = dist / archive_name
        partial = out.with_name(out.name + ".part")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                with tarfile.open(source) as src:
                    for member in src.getmembers():
                        tar.addfile(member, src.extractfile(member) if member.isfile() else None)
                for wheel in sorted(wheels.glob("*.whl")):
                    tar.add(wheel, arcname=f"{folder}/wheels/{wheel.name}")
                install_text = INSTALL_TEXT
                if missing:
                    install_text += (
                        "\nINCOMPLETE: no wheel was found for this target for "
                        + ", ".join(missing)
                        + ".\nInstall these on the server some other way before `make install`.\n"
                    )
                add_text(
                    tar,
                    f"{folder}/INSTALL.txt",
                    install_text.format(
                        version=version,
                        commit=commit,
                        date=date,
                        target=target,
                        pyver=pyver,
                        archive=archive_name,
                        folder=folder,
                    ),
                )
                manifest = {
                    "version": version,
                    "commit": commit,
                    "date": date,
                    "platform": platforms or "native",
                    "python": pyver,
                    "wheels": sorted(p.name for p in wheels.glob("*.whl")),
                    "missing": missing,
                }
                add_text(tar, f"{folder}/BUNDLE.json", json.dumps(manifest, indent=2) + "\n")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(out)
        count = len(manifest["wheels"])
    size = out.stat().st_size / 1024 / 1024
    say(f"{out} ({size:.0f} MB): {count} wheels for {target}")
    if missing:
        say(f"No wheel for {target}: " + ", ".join(missing))
        say("The bundle is incomplete: install these on the target some other way.")
        return INCOMPLETE
    return 0


if __name__ == "__main__":
    sys.exit(main())
