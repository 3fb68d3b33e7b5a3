// janus:begin node-slim-rootfs 5b55d0cffc91
// Assembles the image's root filesystem in OUT from the target platform's base image, mounted at TARGET, without
// running anything of the target platform (an emulated build runs no package manager under qemu): the `node`
// binary alone (no npm, no cache), the tools the image promises, every shared library these link (read from the
// ELF headers), /etc/passwd and /etc/group for the service user, its writable directories, /tmp and the CA bundle;
// and a dpkg status.d stanza for each Debian package whose files it holds, so the image's SBOM lists what ships.
// Native programs under LINKED_BY (the app's or CLI's own, copied by the Dockerfile) get their libraries too.
// Usage: node slim-rootfs.mjs TARGET OUT UID USER HOME "TOOLS" LINKED_BY [WRITABLE_DIR...]
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Buffer } from 'node:buffer';
import { dirname, normalize } from 'node:path';
import process from 'node:process';

const [target, out, uidText, user, home, tools, linkedBy, ...writable] = process.argv.slice(2);
const uid = Number(uidText);
const lexists = (p) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};
const isLink = (p) => lexists(p) && lstatSync(p).isSymbolicLink();
const resolveLink = (at, link) => normalize(link.startsWith('/') ? link : `${dirname(at)}/${link}`);

/** PATH (absolute, in the target) with its symlinks resolved as the target would resolve them. */
function real(path) {
  const parts = path.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${cur}/${parts[i]}`;
    if (isLink(target + next)) return real(resolveLink(next, readlinkSync(target + next)) + (i + 1 < parts.length ? `/${parts.slice(i + 1).join('/')}` : ''));
    cur = next;
  }
  return cur || '/';
}

/** Copies the file PATH to the same place in OUT, recreating the symlinks met on the way. */
function place(path) {
  const parts = path.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    cur += `/${parts[i]}`;
    const rest = i + 1 < parts.length ? `/${parts.slice(i + 1).join('/')}` : '';
    if (isLink(target + cur)) {
      const link = readlinkSync(target + cur);
      if (!lexists(out + cur)) symlinkSync(link, out + cur);
      return place(resolveLink(cur, link) + rest);
    }
    if (rest) mkdirSync(out + cur, { recursive: true });
    else if (!lexists(out + cur)) copyFileSync(target + cur, out + cur);
  }
  return cur;
}

/** (program interpreter, DT_NEEDED names) of a 64-bit little-endian ELF file; [undefined, []] for anything else. */
function elfDependencies(path) {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return [undefined, []];
  const phoff = Number(b.readBigUInt64LE(0x20));
  const shoff = Number(b.readBigUInt64LE(0x28));
  const [phentsize, phnum, shentsize, shnum] = [0x36, 0x38, 0x3a, 0x3c].map((o) => b.readUInt16LE(o));
  const cstr = (at) => b.toString('latin1', at, b.indexOf(0, at));
  let interp;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (b.readUInt32LE(ph) === 3) interp = cstr(Number(b.readBigUInt64LE(ph + 8)));
  }
  const needed = [];
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (b.readUInt32LE(sh + 4) !== 6) continue; // SHT_DYNAMIC
    const strtab = Number(b.readBigUInt64LE(shoff + b.readUInt32LE(sh + 0x28) * shentsize + 0x18));
    const [offset, size] = [Number(b.readBigUInt64LE(sh + 0x18)), Number(b.readBigUInt64LE(sh + 0x20))];
    for (let e = offset; e < offset + size; e += 16) {
      const tag = b.readBigInt64LE(e);
      if (tag === 0n) break;
      if (tag === 1n) needed.push(cstr(strtab + Number(b.readBigUInt64LE(e + 8))));
    }
  }
  return [interp, needed];
}

const triplets = (base) =>
  existsSync(target + base)
    ? readdirSync(target + base)
        .filter((n) => n.endsWith('-linux-gnu'))
        .map((n) => `${base}/${n}`)
    : [];
const libDirs = ['/usr/local/lib', ...triplets('/lib'), ...triplets('/usr/lib'), '/lib', '/usr/lib', '/lib64', '/usr/lib64'];

/** Places the ELF files PATHS and, transitively, their program interpreter and the libraries they need. */
function withLibraries(paths, needs = []) {
  const queue = [...paths, ...needs.flatMap((file) => libraryPaths(file, true))];
  const seen = new Set();
  while (queue.length) {
    const path = real(queue.pop());
    if (seen.has(path)) continue;
    seen.add(path);
    place(path);
    queue.push(...libraryPaths(target + path));
  }
}

/**
 * The program interpreter and libraries the ELF file FILE needs, placed under the names the loader looks for.
 * OPTIONAL: FILE is one of a package's binaries, not node or a tool: one whose library the base lacks (codex's
 * voice host links GIO) is named and left as the base left it, rather than failing the image for a binary a
 * headless container never starts.
 */
function libraryPaths(file, optional = false) {
  const [interp, needed] = elfDependencies(file);
  if (interp) place(interp);
  return needed
    .map((name) => {
      const dir = libDirs.find((d) => lexists(`${target}${d}/${name}`));
      if (!dir && optional) {
        process.stderr.write(`slim-rootfs: ${file} needs ${name}, which the base image lacks; it will not start in this image\n`);
        return undefined;
      }
      if (!dir) throw new Error(`slim-rootfs: ${file} needs ${name}, which the base image lacks`);
      // The name the loader looks for (often a symlink to the versioned file), then what it resolves to.
      return place(`${dir}/${name}`);
    })
    .filter((p) => p !== undefined);
}

/** The ELF files under DIR (native addons and binaries of the packages the Dockerfile copies). */
function elfFilesUnder(dir) {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath ?? e.path}/${e.name}`)
    .filter((f) => {
      const b = Buffer.alloc(4);
      const fd = openSync(f, 'r');
      const n = readSync(fd, b, 0, 4, 0);
      closeSync(fd);
      return n === 4 && b.readUInt32BE(0) === 0x7f454c46;
    });
}

const command = (name) => {
  const dir = ['/bin', '/usr/bin', '/usr/local/bin'].find((d) => lexists(`${target}${d}/${name}`));
  if (!dir) throw new Error(`slim-rootfs: the base image has no ${name}`);
  place(`${dir}/${name}`);
  return `${dir}/${name}`;
};
mkdirSync(out, { recursive: true });
withLibraries([command('node'), ...tools.split(/\s+/).filter(Boolean).map(command)], elfFilesUnder(linkedBy));

for (const path of ['/etc/ssl/certs/ca-certificates.crt', '/usr/lib/ssl/cert.pem']) if (lexists(target + path) && existsSync(target + real(path))) place(path);
mkdirSync(`${out}/etc`, { recursive: true });
const shell = writable.length ? '/bin/sh' : '/usr/sbin/nologin';
writeFileSync(`${out}/etc/passwd`, `root:x:0:0:root:/root:/usr/sbin/nologin\n${user}:x:${uid}:${uid}::${home}:${shell}\n`);
writeFileSync(`${out}/etc/group`, `root:x:0:\n${user}:x:${uid}:\n`);
mkdirSync(`${out}/tmp`, { recursive: true });
chmodSync(`${out}/tmp`, 0o1777);
for (const dir of writable) {
  mkdirSync(out + dir, { recursive: true });
  chownSync(out + dir, uid, uid);
}

// Files a package's maintainer scripts generate, which its dpkg file list therefore does not name.
const GENERATED_BY = { '/etc/ssl/certs/ca-certificates.crt': 'ca-certificates' };

/**
 * Writes /var/lib/dpkg/status.d/<package> (distroless's layout, which SBOM tools read) for each Debian package of
 * the base with a file in OUT, with its copyright file for the licences. A package none of whose files is copied
 * gets no stanza, so dropping a tool or a library drops its package from the SBOM.
 */
function dpkgStatusD() {
  const [status, info] = [`${target}/var/lib/dpkg/status`, `${target}/var/lib/dpkg/info`];
  if (!existsSync(status) || !existsSync(info)) return;
  const stanzas = new Map();
  for (const block of readFileSync(status, 'utf8').split('\n\n')) {
    const field = (k) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(block)?.[1].trim();
    if (field('Package') && / installed$/.test(field('Status') ?? '')) stanzas.set(field('Package'), `${block.trim()}\n`);
  }
  const shipped = new Set(
    readdirSync(out, { withFileTypes: true, recursive: true })
      .filter((e) => !e.isSymbolicLink() && !e.isDirectory())
      .map((e) => `${e.parentPath ?? e.path}/${e.name}`.slice(out.length)),
  );
  const found = new Set(Object.entries(GENERATED_BY).flatMap(([path, pkg]) => (shipped.has(path) ? [pkg] : [])));
  for (const entry of readdirSync(info).sort()) {
    const pkg = entry.slice(0, -'.list'.length).split(':')[0];
    if (!entry.endsWith('.list') || !stanzas.has(pkg) || found.has(pkg)) continue;
    const listed = readFileSync(`${info}/${entry}`, 'utf8').split('\n');
    if (listed.some((line) => line.trim() && line !== '/.' && shipped.has(real(line)))) found.add(pkg);
  }
  mkdirSync(`${out}/var/lib/dpkg/status.d`, { recursive: true });
  for (const pkg of [...found].filter((p) => stanzas.has(p)).sort()) {
    writeFileSync(`${out}/var/lib/dpkg/status.d/${pkg}`, stanzas.get(pkg));
    const copyright = `/usr/share/doc/${pkg}/copyright`;
    if (lexists(target + copyright) && existsSync(target + real(copyright))) place(copyright);
  }
}
dpkgStatusD();
// janus:end node-slim-rootfs
