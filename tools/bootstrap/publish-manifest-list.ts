// Publishes <repo>:<tag> as a manifest list over <repo>:<tag>-<arch> for each arch, unless the list already
// points at exactly those manifests. Usage: publish-manifest-list.ts <registry-host> <repo> <tag> <arch>...
import { RegistryClient } from '../../libs/janus/src/registry/registry-client';
import { buildManifestList, describePlatformManifest } from '../../libs/janus/src/registry/manifest-list';

async function main() {
  const [host, repo, tag, ...arches] = process.argv.slice(2);
  if (!host || !repo || !tag || arches.length === 0) throw new Error('usage: publish-manifest-list.ts <registry-host> <repo> <tag> <arch>...');
  const client = RegistryClient.forHost(host);
  const entries = [];
  for (const arch of arches) {
    const { manifest: _m, ...entry } = await describePlatformManifest(client, repo, `${tag}-${arch}`);
    entries.push(entry);
  }
  const list = buildManifestList(entries);
  const existing = await client.headManifest(repo, tag);
  if (existing) {
    const current = await client.getManifest(repo, tag);
    const digests = ((current.json.manifests as Array<{ digest: string }>) ?? []).map((m) => m.digest).sort();
    if (JSON.stringify(digests) === JSON.stringify(entries.map((e) => e.digest).sort())) {
      console.log(`[bootstrap] base ${repo.replace(/^library\//, '')}:${tag}: manifest list up to date (${arches.join(', ')})`);
      return;
    }
  }
  const digest = await client.putManifest(repo, tag, list.mediaType, list.body);
  console.log(`[bootstrap] base ${repo.replace(/^library\//, '')}:${tag}: published manifest list ${digest} (${arches.join(', ')})`);
}

main().catch((e) => {
  console.error(`[bootstrap] error: ${(e as Error).message}`);
  process.exit(1);
});
