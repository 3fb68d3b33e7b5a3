/**
 * The repository URL an image's `org.opencontainers.image.source` label names, in one form however the
 * workspace was cloned: `git@host:org/repo.git`, `ssh://git@host:22/org/repo`, `https://user:token@host/org/repo.git`
 * all become `https://host/org/repo`. Two clones of one repository then build byte-identical images and share
 * their Nx cache entries. Credentials never reach the label; an ssh port is dropped (it is not the web's), an
 * http(s) port is kept. A local path or `file://` remote says nothing to anyone pulling the image: no label.
 *
 * SOURCE_URL_SHELL below is the same rule in sed, for the docker-build task's runtime input: the hash must see
 * exactly what the label says, no more (or ssh and https clones hash apart) and no less (or a cache hit replays
 * another repository's label). A spec runs both over one table.
 */
export function normalizeSourceUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const u = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const web = /^https?:\/\/(?:[^@/]*@)?(.*)$/.exec(u);
  if (web) return `https://${web[1]}`;
  const ssh = /^(?:ssh|git\+ssh|git):\/\/(?:[^@/]*@)?([^/:]+)(?::[0-9]+)?\/(.*)$/.exec(u);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) return undefined;
  const scp = /^(?:[^@/:]*@)?([^/:]+):\/?(.*)$/.exec(u);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  return undefined;
}

/** normalizeSourceUrl as a shell pipeline stage (GNU or BSD sed -E), reading the remote on stdin. */
export const SOURCE_URL_SHELL = [
  "sed -E -e 's#/+$##' -e 's#[.]git$##' -e 'tx' -e ':x'",
  "-e 's#^https?://([^@/]*@)?#https://#' -e 't'",
  "-e 's#^(ssh|git[+]ssh|git)://([^@/]*@)?([^/:]+)(:[0-9]+)?/#https://\\3/#' -e 't'",
  "-e '\\#^[a-zA-Z][a-zA-Z0-9+.-]*://#d'",
  "-e 's#^([^@/:]*@)?([^/:]+):/?#https://\\2/#' -e 't' -e 'd'",
].join(' ');
