import { z } from 'zod';
import { CHECK_IDS } from '../../contract/checks';
import { rejoinSplitSpecs } from '../../image/secret-spec';
import { port } from '../../schema/common-fields';

const seconds = z.number().positive({ error: 'must be a positive number of seconds' });

export const schema = z
  .object({
    image: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty: give an image reference or leave the option out' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:]*(?:@sha256:[a-f0-9]{64})?$/, {
        error: 'must be an image reference like localhost:5000/my-agent:sha-abc1234 or repo@sha256:<64 hex> (no spaces)',
      })
      .optional()
      .meta({
        description:
          "Image to check (default: the local platform's image that the project's docker-build recorded). A repo@sha256:… reference is recorded in the report as the digest tested; a tag is hashed by its name only, so pass --skip-nx-cache when it has moved.",
      }),
    buildTarget: z
      .string()
      .min(1)
      .default('docker-build')
      .meta({ description: 'The target whose build record names the image (and whose outputPath holds it).' }),
    kind: z
      .enum(['baseline', 'runtime'])
      .default('baseline')
      .meta({ description: 'baseline: the OpenAI-compatible server contract; runtime: CLI-agent runtime containers.' }),
    port: port.default(8080).meta({ description: 'The container port the server listens on.' }),
    readyTimeoutS: seconds.default(30).meta({ description: 'Fail when /health is not 200 this long after start.' }),
    healthyTimeoutS: seconds.default(10).meta({ description: 'Fail when the container is not healthy this long after ready.' }),
    requestTimeoutS: seconds.default(15).meta({ description: 'Longest a single request or stream may take before it counts as hung.' }),
    concurrency: z.number().int().min(2, { error: 'must be an integer of at least 2' }).default(4).meta({ description: 'Streaming requests sent at once.' }),
    sizeBudgetMb: z.number().positive().default(500).meta({ description: 'Largest allowed image size.' }),
    env: z.record(z.string(), z.string()).default({}).meta({ description: 'Extra environment for the container.' }),
    // Nx splits `--buildSecrets=id=x,src=/p` at the comma; rejoined as docker-build's `secrets` are.
    buildSecrets: z
      .union([z.string(), z.array(z.string())])
      .transform((s) => rejoinSplitSpecs(Array.isArray(s) ? s : [s]))
      .default([])
      .meta({
        description:
          'Build secrets that must appear nowhere in the image (config, history, any layer): id=…,src=<file> / id=…,env=<VAR> specs resolved as docker-build resolves them, or literal values. The secrets the build record lists are always included.',
      }),
    versionCommand: z.array(z.string()).default(['agent', '--version']).meta({ description: 'kind=runtime: the CLI version command.' }),
    expectedVersion: z.string().min(1).optional().meta({ description: 'kind=runtime: the version the CLI is pinned to; its version command must print it.' }),
    healthProbeIntervalMs: z.number().int().positive().default(500).meta({ description: "Probe interval for the image's HEALTHCHECK during the test." }),
    reportDir: z
      .string()
      .optional()
      .meta({ description: 'Where report.json and junit.xml go (default: dist/contract/<project>; relative to the workspace root, absolute allowed).' }),
    skip: z
      .array(z.string().refine((id) => CHECK_IDS.includes(id), { error: `must be a check id: ${CHECK_IDS.join(', ')}` }))
      .default([])
      .meta({ description: 'Checks to skip.' }),
  })
  .strict();

export type ContractTestOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusContractTest',
  title: 'Janus contract-test',
  description: 'Starts the built image on the real engine and proves it meets the container contract.',
};
