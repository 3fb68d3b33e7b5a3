// Runs one executor in its own process, as `nx run` would, so tests can send it signals.
// Usage: run-executor-cli.ts <executor module> <workspace root> <project> <project root> '<options json>'
import { executorContext } from './executor-context';

async function main() {
  const [modulePath, root, project, projectRoot, optionsJson] = process.argv.slice(2);
  const executor = (await import(modulePath)).default;
  const result = await executor(JSON.parse(optionsJson), executorContext(root, project, projectRoot));
  process.exit(result.success ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
