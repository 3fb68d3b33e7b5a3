import { saveImage } from '../../engine/image-store';
import { SECRET_KEY_PATTERN } from '../../schema/common-fields';
import type { BaselineCheck } from '../check';
import { findSecretsInSavedImage } from '../secret-scan';

const ROOT_USER = /^(|root|0)(:(root|0))?$/;
// `KEY=value` assignments in history lines, e.g. a `RUN export API_KEY=…` or an ENV that set a secret.
const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|[^\s"';&|]+)/g;

function secretAssignments(text: string): string[] {
  return [...text.matchAll(ASSIGNMENT)].filter(([, key, value]) => SECRET_KEY_PATTERN.test(key) && value.replace(/["']/g, '') !== '').map(([, key]) => key);
}

/** The image's config, history and layer contents, judged as an attacker with `docker pull` would read them. */
export const imageHygiene: BaselineCheck = {
  id: 'image-hygiene',
  title: 'non-root, EXPOSE, HEALTHCHECK, size, no secrets',
  kind: 'baseline',
  needs: ['readiness'],
  async run(t) {
    const config = t.imageInfo.Config;
    const problems: string[] = [];
    if (ROOT_USER.test((config.User ?? '').trim())) problems.push(`config User is ${JSON.stringify(config.User ?? '')} (root)`);
    const uid = (await t.container.exec(['id', '-u'])).output.trim();
    if (uid === '0') problems.push('id -u inside the container is 0');
    if (!Object.keys(config.ExposedPorts ?? {}).includes(`${t.limits.port}/tcp`)) problems.push(`EXPOSE does not include ${t.limits.port}`);
    if (!t.healthcheck) problems.push('no HEALTHCHECK');
    const sizeMb = t.imageInfo.Size / 1e6;
    if (sizeMb > t.limits.sizeBudgetMb) problems.push(`${sizeMb.toFixed(0)} MB, over the ${t.limits.sizeBudgetMb} MB budget`);

    const env = (config.Env ?? []).map((e) => e.split('=', 2) as [string, string]);
    for (const [key, value] of env) if (SECRET_KEY_PATTERN.test(key) && value) problems.push(`env ${key} carries a value`);
    for (const [key, value] of Object.entries(config.Labels ?? {})) if (SECRET_KEY_PATTERN.test(key) && value) problems.push(`label ${key} carries a value`);
    const historyText = (await t.container.history()).map((h) => h.createdBy).join('\n');
    for (const key of new Set(secretAssignments(historyText))) problems.push(`layer history sets ${key}`);
    // The build's own secrets by value: wherever they appear (a layer's files, the config, the history),
    // anyone who can pull the image can read them.
    const everything = [historyText, JSON.stringify(config.Env ?? []), JSON.stringify(config.Labels ?? {})].join('\n');
    const inConfig = t.secretValues.map((secret, i) => (everything.includes(secret) ? i : -1)).filter((i) => i >= 0);
    for (const i of inConfig) problems.push(`build secret #${i + 1} appears in the image config or history`);
    const inLayers = await findSecretsInSavedImage(await saveImage(t.image), t.secretValues);
    for (const f of inLayers.filter((f) => !inConfig.includes(f.secret)))
      problems.push(`build secret #${f.secret + 1} is baked into the image (found in ${f.entry})`);

    const scanned = t.secretValues.length ? `, ${t.secretValues.length} secret(s) searched in every layer` : '';
    const figure = `uid ${uid}, ${sizeMb.toFixed(0)} MB${scanned}`;
    return problems.length ? { ok: false, figure, detail: problems.join('\n') } : { ok: true, figure };
  },
};
