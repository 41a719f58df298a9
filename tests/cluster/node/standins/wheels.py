"""Packs Debian's installed Python distributions into wheels, for the node's package index.

Run in a Debian chroot that has them installed: python3 wheels.py OUTDIR SPECS, where
each line of the file SPECS that is not a comment is NAME[=VERSION][+REQUIREMENT,...].
Each NAME is packed from its installed files, without compiled extensions (every one packed
here has a pure-Python fallback). NAME=VERSION relabels the wheel as VERSION: the example
pins current releases, which Debian does not have; the stand-in's README says so.
+REQUIREMENT,... are its requirements, which Debian's metadata leaves out (its package
dependencies carry them).
"""
import base64
import hashlib
import importlib.metadata
import pathlib
import re
import sys
import zipfile


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def pack(outdir, spec):
    spec, _, requirements = spec.partition("+")
    name, _, version = spec.partition("=")
    dist = importlib.metadata.distribution(name)
    version = version or dist.version
    project = re.sub(r"[-_.]+", "_", dist.metadata["Name"]).lower()
    info = f"{project}-{version}.dist-info"
    metadata = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    metadata = re.sub(r"(?m)^Version: .*$", f"Version: {version}", metadata, count=1)
    # egg-info keeps the extras' requirements in requires.txt, which importlib.metadata
    # reads; the others come from the command line.
    requires = [r for r in requirements.split(",") if r] + [r for r in dist.requires or [] if "Requires-Dist: " + r not in metadata]
    head, sep, body = metadata.partition("\n\n")
    metadata = head + "".join(f"\nRequires-Dist: {r}" for r in requires) + sep + body
    # Debian installs with egg-info metadata, which lists no files: take the top-level
    # packages and modules from the site directory.
    site = pathlib.Path(dist.locate_file(""))
    files = {}
    for top in (dist.read_text("top_level.txt") or project).split():
        if (site / f"{top}.py").is_file():
            files[f"{top}.py"] = (site / f"{top}.py").read_bytes()
        for f in sorted((site / top).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".so", ".pyc"):
                files[f.relative_to(site).as_posix()] = f.read_bytes()
    if not files:
        sys.exit(f"{name}: no files found in {site}")
    files[f"{info}/METADATA"] = metadata.encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: unbake-node-standin\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entry_points = dist.read_text("entry_points.txt")
    if entry_points:
        files[f"{info}/entry_points.txt"] = entry_points.encode()
    record = [record_line(p, data) for p, data in sorted(files.items())] + [f"{info}/RECORD,,"]
    wheel = pathlib.Path(outdir) / f"{project}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in sorted(files.items()):
            z.writestr(path, data)
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    print(wheel.name)


if __name__ == "__main__":
    pathlib.Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
    for line in pathlib.Path(sys.argv[2]).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pack(sys.argv[1], line.strip())
