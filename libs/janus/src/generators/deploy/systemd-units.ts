/** Everything the units need, resolved: no defaults are filled in past this point. */
export interface DeployPlan {
  project: string;
  /** `registry/repository:tag`, as the host pulls it. */
  image: string;
  unit: string;
  envFilePath: string;
  containerPort: number;
  /** Undefined with network none: nothing is published. */
  publish?: { bind: string; hostPort: number };
  network: string;
  memory: string;
  pidsLimit: number;
  readOnly: boolean;
  tmpfs: string[];
  updateInterval: string;
  dockerPath: string;
  env: Array<{ name: string; value?: string; secret: boolean }>;
}

export interface DeployFile {
  name: string;
  content: string;
}

const header = (plan: DeployPlan) => `# Written by \`nx g janus:deploy ${plan.project}\`; regenerate rather than edit.\n`;

/** The container's `docker run` arguments: the safety flags every deployment gets. */
export function dockerRunArgs(plan: DeployPlan): string[] {
  return [
    'run',
    '--rm',
    '--name',
    plan.unit,
    '--env-file',
    plan.envFilePath,
    '--label',
    `org.janus.deploy=${plan.project}`,
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--memory',
    plan.memory,
    // The same as --memory: no swap on top of the limit.
    '--memory-swap',
    plan.memory,
    '--pids-limit',
    String(plan.pidsLimit),
    ...(plan.readOnly ? ['--read-only', ...plan.tmpfs.flatMap((p) => ['--tmpfs', `${p}:rw,nosuid,nodev,size=64m`])] : []),
    '--network',
    plan.network,
    ...(plan.publish ? ['--publish', `${plan.publish.bind}:${plan.publish.hostPort}:${plan.containerPort}`] : []),
    plan.image,
  ];
}

/** The service: pull by tag, run in the foreground (so systemd sees it exit), restart on failure. */
export function serviceUnit(plan: DeployPlan): string {
  const docker = plan.dockerPath;
  return `${header(plan)}[Unit]
Description=Janus ${plan.project} (${plan.image})
Wants=network-online.target
After=network-online.target docker.service
Requires=docker.service

[Service]
Type=exec
# A pull can take a while on a slow link; the first start waits for it.
TimeoutStartSec=600
# A container left by a crash or a killed docker CLI would block the name.
ExecStartPre=-${docker} rm --force ${plan.unit}
ExecStartPre=${docker} pull ${plan.image}
ExecStart=${docker} ${dockerRunArgs(plan).join(' ')}
ExecStop=${docker} stop --time 10 ${plan.unit}
Restart=on-failure
RestartSec=5s

[Install]
WantedBy=multi-user.target
`;
}

/**
 * The digest check: pull the tag, compare the image id before and after, restart the service only when it
 * changed (a restart pulls nothing new then), and remove the image it replaced if nothing else names it.
 * Written for sh, with systemd's own specials escaped: $ as $$.
 */
export function updateScript(plan: DeployPlan): string {
  const d = plan.dockerPath;
  return [
    'set -eu',
    `before=$(${d} image inspect --format "{{.Id}}" ${plan.image} 2>/dev/null || true)`,
    `${d} pull --quiet ${plan.image} >/dev/null`,
    `after=$(${d} image inspect --format "{{.Id}}" ${plan.image})`,
    `if [ "$before" = "$after" ]; then echo "${plan.image}: unchanged ($after)"; exit 0; fi`,
    `echo "${plan.image}: new digest $after (was \${before:-none}); restarting ${plan.unit}.service"`,
    `systemctl try-restart ${plan.unit}.service`,
    `if [ -n "$before" ]; then ${d} image rm "$before" >/dev/null 2>&1 || true; fi`,
  ].join('; ');
}

export function updateServiceUnit(plan: DeployPlan): string {
  return `${header(plan)}[Unit]
Description=Pull ${plan.image} and restart ${plan.unit}.service if its digest changed
Wants=network-online.target
After=network-online.target docker.service
Requires=docker.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c '${updateScript(plan).replace(/\$/g, '$$$$')}'
`;
}

export function updateTimerUnit(plan: DeployPlan): string {
  return `${header(plan)}[Unit]
Description=Check ${plan.image} for a new digest every ${plan.updateInterval}

[Timer]
OnBootSec=2min
OnUnitActiveSec=${plan.updateInterval}
RandomizedDelaySec=30s
Unit=${plan.unit}-update.service

[Install]
WantedBy=timers.target
`;
}

/** docker's env-file format: NAME=value a line, taken literally (no quotes, no expansion). */
export function envFileTemplate(plan: DeployPlan): string {
  const lines = plan.env.map((e) =>
    e.secret ? `# secret: fill in on the host only, never in git\n${e.name}=` : e.value === undefined ? `${e.name}=` : `${e.name}=${e.value}`,
  );
  return `# Environment of ${plan.unit}.service: install as ${plan.envFilePath}, owned by root, mode 0600 (it holds secrets):
#   install -D -m 0600 -o root -g root ${plan.unit}.env ${plan.envFilePath}
# docker --env-file format: NAME=value per line, taken literally (no quotes, no \${...} expansion).
${lines.join('\n')}
`;
}

export function deployReadme(plan: DeployPlan): string {
  return `# Deploying ${plan.project} with systemd

Written by \`nx g janus:deploy ${plan.project}\`. The host runs \`${plan.image}\` as \`${plan.unit}.service\` and checks the tag every ${plan.updateInterval} (\`${plan.unit}-update.timer\`): when the tag points at a new digest, the service restarts on it; otherwise nothing happens.

## Install (as root)

\`\`\`sh
install -D -m 0600 -o root -g root ${plan.unit}.env ${plan.envFilePath}   # then fill in its secrets
install -m 0644 ${plan.unit}.service ${plan.unit}-update.service ${plan.unit}-update.timer /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now ${plan.unit}.service ${plan.unit}-update.timer
\`\`\`

The env file is the only place secrets live; keep it mode 0600. A private registry needs \`docker login\` as root once.

## What runs

\`docker ${dockerRunArgs(plan).join(' ')}\`

- \`--read-only\`${plan.readOnly ? ` with tmpfs on ${plan.tmpfs.join(', ')}` : ' is off (readOnly=false)'}, \`--cap-drop ALL\`, \`--security-opt no-new-privileges\`, memory ${plan.memory} (no extra swap), at most ${plan.pidsLimit} processes.
- ${plan.publish ? `Published on ${plan.publish.bind}:${plan.publish.hostPort}.` : `Network \`${plan.network}\`: nothing is published.`}
- \`Restart=on-failure\`: a crash restarts it after 5 s. \`systemctl status ${plan.unit}\`, \`journalctl -u ${plan.unit} -f\` for its logs.

Check the units with \`systemd-analyze verify ${plan.unit}.service ${plan.unit}-update.service ${plan.unit}-update.timer\`.
`;
}

export function deployFiles(plan: DeployPlan): DeployFile[] {
  return [
    { name: `${plan.unit}.service`, content: serviceUnit(plan) },
    { name: `${plan.unit}-update.service`, content: updateServiceUnit(plan) },
    { name: `${plan.unit}-update.timer`, content: updateTimerUnit(plan) },
    { name: `${plan.unit}.env`, content: envFileTemplate(plan) },
    { name: 'README.md', content: deployReadme(plan) },
  ];
}
