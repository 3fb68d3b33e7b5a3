import { SECRET_KEY_PATTERN } from '../../schema/common-fields';
import { dockerClient } from '../../engine/docker-client';
import type { BaselineTarget } from './target';

const ROOT_USER = /^(|root|0)(:(root|0))?$/;
// `KEY=value` assignments in history lines, e.g. a `RUN export API_KEY=…` or an ENV that set a secret.
const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|[^\s"';&|]+)/g;

function secretAssignments(text: string): string[] {
  return [...text.matchAll(ASSIGNMENT)].filter(([, key, value]) => SECRET_KEY_PATTERN.test(key) && value.replace(/["']/g, '') !== '').map(([, key]) => key);
}

/** The image's config and history, judged as an attacker with `docker pull` would read them. */
export async function checkImageHygiene(t: BaselineTarget) {
  const config = t.imageInfo.Config;
  const problems: string[] = [];
  if (ROOT_USER.test((config.User ?? '').trim())) problems.push(`config User is ${JSON.stringify(config.User ?? '')} (root)`);
  const uid = (await t.container.exec(['id', '-u'])).output.trim();
  if (uid === '0') problems.push('id -u inside the container is 0');
  if (!Object.keys(config.ExposedPorts ?? {}).includes(`${t.limits.port}/tcp`)) problems.push(`EXPOSE does not include ${t.limits.port}`);
  const healthcheck = (config as { Healthcheck?: { Test?: string[] } }).Healthcheck;
  if (!healthcheck?.Test?.length || healthcheck.Test[0] === 'NONE') problems.push('no HEALTHCHECK');
  const sizeMb = t.imageInfo.Size / 1e6;
  if (sizeMb > t.limits.sizeBudgetMb) problems.push(`${sizeMb.toFixed(0)} MB, over the ${t.limits.sizeBudgetMb} MB budget`);

  const env = (config.Env ?? []).map((e) => e.split('=', 2) as [string, string]);
  for (const [key, value] of env) if (SECRET_KEY_PATTERN.test(key) && value) problems.push(`env ${key} carries a value`);
  for (const [key, value] of Object.entries(config.Labels ?? {})) if (SECRET_KEY_PATTERN.test(key) && value) problems.push(`label ${key} carries a value`);
  const history = (await dockerClient().getImage(t.image).history()) as Array<{ CreatedBy: string }>;
  const historyText = history.map((h) => h.CreatedBy).join('\n');
  for (const key of new Set(secretAssignments(historyText))) problems.push(`layer history sets ${key}`);
  const everything = [historyText, JSON.stringify(config.Env ?? []), JSON.stringify(config.Labels ?? {})].join('\n');
  t.secretValues.forEach((secret, i) => everything.includes(secret) && problems.push(`build secret #${i + 1} appears in the image config or history`));

  const figure = `uid ${uid}, ${sizeMb.toFixed(0)} MB`;
  return problems.length ? { ok: false, figure, detail: problems.join('\n') } : { ok: true, figure };
}
