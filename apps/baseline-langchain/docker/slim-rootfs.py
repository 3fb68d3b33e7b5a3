# janus:begin python-slim-rootfs a2d1545b5298
"""Assembles the image's whole root filesystem in OUT from the target platform's base image, mounted at TARGET,
without running anything of the target platform (so an emulated build runs no package manager and no
interpreter under qemu): the interpreter and the stdlib minus what no app imports, a venv holding the closure of
pyproject.toml's requirements, the tools the image promises, every shared library these link (read from the ELF
headers), /etc/passwd and /etc/group for the service user, /tmp and the CA bundle.

Requirements the base does not carry are installed on the build platform as the target's binary wheels
(pip --platform … --only-binary=:all:). Usage: slim-rootfs.py TARGET OUT ARCH UID USER HOME "TOOLS" PYPROJECT
"""
import ast
import importlib.metadata
import os
import shutil
import struct
import subprocess
import sys
import tomllib

from pip._vendor.packaging.requirements import Requirement

# Never needed by a server at run time: test suites, GUI toolkits, the bootstrap installers and build-time data.
STDLIB_DROP = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data", "site-packages", "dist-packages", "venv", "distutils"}
DYNLOAD_DROP = ("_tkinter", "_test", "xx", "_ctypes_test", "_xxtest")
WHEEL_PLATFORMS = {"amd64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}


class Rootfs:
    def __init__(self, target, out):
        self.target, self.out, self.done = target, out, set()
        self.libdirs = ["/usr/local/lib"] + [d for base in ("/lib", "/usr/lib") for d in self._triplets(base)] + ["/lib", "/usr/lib", "/lib64", "/usr/lib64"]

    def _triplets(self, base):
        path = self.target + base
        return [f"{base}/{n}" for n in sorted(os.listdir(path)) if n.endswith("-linux-gnu")] if os.path.isdir(path) else []

    def exists(self, path):
        return os.path.lexists(self.target + path)

    def place(self, path, copy=shutil.copy2):
        """Copies PATH (absolute, in the target) to the same place, recreating the symlinks met on the way."""
        parts = [p for p in path.split("/") if p]
        cur = ""
        for i, name in enumerate(parts):
            cur += "/" + name
            src, dst = self.target + cur, self.out + cur
            rest = "/".join(parts[i + 1:])
            if os.path.islink(src):
                link = os.readlink(src)
                if not os.path.lexists(dst):
                    os.symlink(link, dst)
                resolved = os.path.normpath(link if link.startswith("/") else os.path.join(os.path.dirname(cur), link))
                return self.place(resolved + ("/" + rest if rest else ""), copy)
            if i < len(parts) - 1:
                os.makedirs(dst, exist_ok=True)
                continue
            if cur in self.done:
                return cur
            self.done.add(cur)
            if os.path.isdir(src):
                copy(src, dst)
            else:
                shutil.copy2(src, dst)
            return cur
        return cur

    def real(self, path):
        """PATH in the target with its symlinks resolved, as the target would resolve them."""
        parts, cur = [p for p in path.split("/") if p], ""
        for i, name in enumerate(parts):
            nxt = cur + "/" + name
            if os.path.islink(self.target + nxt):
                link = os.readlink(self.target + nxt)
                rest = "/".join(parts[i + 1:])
                target = os.path.normpath(link if link.startswith("/") else os.path.join(cur or "/", link))
                return self.real(target + ("/" + rest if rest else ""))
            cur = nxt
        return cur or "/"

    def libraries(self, paths):
        """Places the ELF files PATHS and, transitively, their program interpreter and DT_NEEDED libraries."""
        queue = list(paths)
        seen = set()
        while queue:
            path = self.real(queue.pop())
            if path in seen:
                continue
            seen.add(path)
            self.place(path)
            interp, needed = elf_dependencies(self.target + path)
            if interp:
                self.place(interp)
            for name in needed:
                found = next((d + "/" + name for d in self.libdirs if self.exists(d + "/" + name)), None)
                if found is None:
                    sys.exit(f"slim-rootfs: {path} needs {name}, which the base image lacks")
                self.place(found)
                queue.append(found)


def elf_dependencies(path):
    """(program interpreter, DT_NEEDED names) of a 64-bit little-endian ELF file; (None, []) for anything else."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None, []
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
    interp = None
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 3:
            interp = data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
    needed = []
    for i in range(shnum):
        _, sh_type, _, _, sh_offset, sh_size, sh_link = struct.unpack_from("<IIQQQQI", data, shoff + i * shentsize)
        if sh_type != 6:  # SHT_DYNAMIC
            continue
        str_offset = struct.unpack_from("<Q", data, shoff + sh_link * shentsize + 0x18)[0]
        for off in range(sh_offset, sh_offset + sh_size, 16):
            tag, val = struct.unpack_from("<qQ", data, off)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", str_offset + val)
                needed.append(data[str_offset + val:end].decode())
    return interp, needed


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def interpreter(fs):
    for path in ("/usr/local/bin/python3", "/usr/bin/python3"):
        if fs.exists(path):
            return fs.real(path)
    sys.exit("slim-rootfs: the base image has no python3 in /usr/local/bin or /usr/bin")


def closure(requirements, paths):
    """The installed distributions REQUIREMENTS need, transitively, and the requirements none satisfies. Besides
    each distribution's declared requirements (which distro packages trim), what its modules import counts."""
    owners = {}
    for dist in importlib.metadata.distributions(path=paths):
        for name in top_levels(dist):
            owners.setdefault(name.split(".")[0], dist)
    found, missing, queue = {}, [], [(Requirement(r), "") for r in requirements]

    def add(dist, extras):
        key = dist.metadata["Name"].lower().replace("_", "-")
        known = key in found
        wanted = found.setdefault(key, (dist, set()))[1]
        for e in sorted(({""} | extras) - wanted):
            wanted.add(e)
            queue.extend((Requirement(r), e) for r in dist.requires or [])
        if not known:
            for name in imported_names(dist):
                if name in owners:
                    add(owners[name], set())

    while queue:
        req, extra = queue.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        dist = next(iter(importlib.metadata.distributions(name=req.name, path=paths)), None)
        if dist is None or not req.specifier.contains(dist.version, prereleases=True):
            missing.append(str(req))
            continue
        add(dist, set(req.extras))
    return [d for d, _ in found.values()], missing


def load_time(body):
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from load_time(node.body + node.orelse)


def imported_names(dist):
    """The top-level names a distribution's modules import as they load: absolute imports in the module body or
    under its `if`s. Imports in functions or `try` blocks are the optional ones, left to the declared requirements."""
    root, names = os.path.dirname(str(dist._path)), set()
    for top in top_levels(dist):
        path = os.path.join(root, top)
        files = [path + ".py"] if os.path.isfile(path + ".py") else [os.path.join(d, n) for d, _, ns in os.walk(path) for n in ns if n.endswith(".py")]
        for file in files:
            try:
                tree = ast.parse(open(file, "rb").read())
            except (SyntaxError, ValueError):
                continue
            for node in load_time(tree.body):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names


def top_levels(dist):
    """The names a distribution installs at the top of site-packages, and its metadata directory."""
    meta = os.path.basename(str(dist._path))
    names = {meta}
    files = dist.files if os.path.exists(os.path.join(str(dist._path), "RECORD")) else None
    if files:
        names.update(str(f).split("/")[0] for f in files if not str(f).startswith(".."))
    text = dist.read_text("top_level.txt")
    if text:
        names.update(n.strip().split("/")[0] for n in text.splitlines() if n.strip())
    return names


def foreign_bytecode(version):
    tag = f".cpython-{version.replace('.', '')}"
    return lambda _dir, names: [n for n in names if n.endswith(".pyc") and tag not in n]


# Files a package's maintainer scripts generate, which its dpkg file list therefore does not name.
GENERATED_BY = {"/etc/ssl/certs/ca-certificates.crt": "ca-certificates"}


def dpkg_status_d(fs, out):
    """Writes /var/lib/dpkg/status.d/<package> (distroless's layout, which SBOM tools read) for each Debian package
    of the base with a file in the rootfs, with its copyright file for the licences. A package none of whose
    files is copied gets no stanza, so dropping a tool or a library drops its package from the SBOM."""
    status, info = fs.target + "/var/lib/dpkg/status", fs.target + "/var/lib/dpkg/info"
    if not os.path.isfile(status) or not os.path.isdir(info):
        return
    stanzas = {}
    for block in open(status, encoding="utf-8").read().split("\n\n"):
        fields = dict(line.split(":", 1) for line in block.splitlines() if line and not line[0].isspace() and ":" in line)
        if fields.get("Package") and fields.get("Status", "").strip().endswith(" installed"):
            stanzas[fields["Package"].strip()] = block.strip() + "\n"
    shipped = {os.path.join(d, n)[len(out):] for d, _, names in os.walk(out) for n in names if not os.path.islink(os.path.join(d, n))}
    found = {pkg for path, pkg in GENERATED_BY.items() if path in shipped}
    for entry in sorted(os.listdir(info)):
        pkg = entry[:-len(".list")].split(":")[0]
        if not entry.endswith(".list") or pkg not in stanzas or pkg in found:
            continue
        with open(f"{info}/{entry}", encoding="utf-8", errors="replace") as f:
            if any(fs.real(line.rstrip("\n")) in shipped for line in f if line.strip() not in ("", "/.")):
                found.add(pkg)
    os.makedirs(f"{out}/var/lib/dpkg/status.d", exist_ok=True)
    for pkg in sorted(found & stanzas.keys()):
        with open(f"{out}/var/lib/dpkg/status.d/{pkg}", "w") as f:
            f.write(stanzas[pkg])
        copyright = f"/usr/share/doc/{pkg}/copyright"
        if fs.exists(copyright) and os.path.isfile(fs.target + fs.real(copyright)):
            fs.place(copyright)


def main(target, out, arch, uid, user, home, tools, pyproject):
    fs = Rootfs(target, out)
    os.makedirs(out, exist_ok=True)
    python = interpreter(fs)
    version = os.path.basename(python)[len("python"):]
    stdlib = os.path.dirname(os.path.dirname(python)) + f"/lib/python{version}"
    skip_bytecode = foreign_bytecode(version)

    def stdlib_ignore(directory, names):
        drop = set(skip_bytecode(directory, names))
        if os.path.normpath(directory) == os.path.normpath(target + fs.real(stdlib)):
            drop |= {n for n in names if n in STDLIB_DROP or n.startswith("config-")}
        if directory.endswith("/lib-dynload"):
            drop |= {n for n in names if n.startswith(DYNLOAD_DROP)}
        return drop

    fs.place(stdlib, lambda s, d: shutil.copytree(s, d, symlinks=False, ignore_dangling_symlinks=True, ignore=stdlib_ignore))

    # The venv: the target's interpreter, and site-packages holding exactly what the app's requirements need.
    with open(pyproject, "rb") as f:
        requirements = tomllib.load(f)["project"].get("dependencies", [])
    site_dirs = [d for d in (f"/usr/local/lib/python{version}/site-packages", f"/usr/local/lib/python{version}/dist-packages", "/usr/lib/python3/dist-packages") if fs.exists(d)]
    wheels = "/build/wheels"
    dists, missing = closure(requirements, [target + fs.real(d) for d in site_dirs])
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check", "--target", wheels,
                        "--platform", WHEEL_PLATFORMS[arch], "--implementation", "cp", "--python-version", version,
                        "--only-binary=:all:", *missing], check=True)
        dists, missing = closure(requirements, [wheels] + [target + fs.real(d) for d in site_dirs])
        if missing:
            sys.exit(f"slim-rootfs: not installable for {arch}: {', '.join(missing)}")
    venv = "/opt/venv"
    site = f"{out}{venv}/lib/python{version}/site-packages"
    os.makedirs(f"{out}{venv}/bin", exist_ok=True)
    os.makedirs(site, exist_ok=True)
    os.symlink(python, f"{out}{venv}/bin/python")
    os.symlink("python", f"{out}{venv}/bin/python3")
    with open(f"{out}{venv}/pyvenv.cfg", "w") as f:
        f.write(f"home = {os.path.dirname(python)}\ninclude-system-site-packages = false\nversion = {version}\n")
    for dist in dists:
        root = os.path.dirname(str(dist._path))
        for name in sorted(top_levels(dist)):
            src = os.path.join(root, name)
            candidates = [src] if os.path.lexists(src) else [os.path.join(root, n) for n in os.listdir(root) if n.split(".")[0] == name]
            for c in candidates:
                dst = os.path.join(site, os.path.basename(c))
                if os.path.lexists(dst):
                    continue
                if os.path.isdir(c):
                    shutil.copytree(c, dst, symlinks=False, ignore_dangling_symlinks=True, ignore=skip_bytecode)
                else:
                    shutil.copy2(c, dst)

    # The tools the image promises (a POSIX shell and the usual commands), then every library anything here links.
    binaries = [python]
    for tool in tools.split():
        path = next((d + "/" + tool for d in ("/bin", "/usr/bin", "/usr/local/bin") if fs.exists(d + "/" + tool)), None)
        if path is None:
            sys.exit(f"slim-rootfs: the base image has no {tool}")
        fs.place(path)
        binaries.append(fs.real(path))
    for directory, _, names in os.walk(out):
        binaries += [fs.real(os.path.join(directory, n)[len(out):]) for n in names if n.endswith(".so") or ".so." in n
                     if os.path.isfile(os.path.join(directory, n)) and is_elf(os.path.join(directory, n))]
    fs.libraries(binaries)

    # CA bundle (and OpenSSL's default paths to it), the service user, a writable /tmp.
    for path in ("/etc/ssl/certs/ca-certificates.crt", "/usr/lib/ssl/cert.pem", "/usr/local/ssl/cert.pem"):
        if fs.exists(path) and os.path.exists(target + fs.real(path)):
            fs.place(path)
    os.makedirs(f"{out}/etc", exist_ok=True)
    with open(f"{out}/etc/passwd", "w") as f:
        f.write(f"root:x:0:0:root:/root:/usr/sbin/nologin\n{user}:x:{uid}:{uid}::{home}:/usr/sbin/nologin\n")
    with open(f"{out}/etc/group", "w") as f:
        f.write(f"root:x:0:\n{user}:x:{uid}:\n")
    os.makedirs(f"{out}/tmp", exist_ok=True)
    os.chmod(f"{out}/tmp", 0o1777)
    dpkg_status_d(fs, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8])
# janus:end python-slim-rootfs
