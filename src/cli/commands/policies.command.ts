import { parseArgs } from 'node:util';
import { serviceContext } from '../../app.js';
import { closeDependencies, createDependencies } from '../../compose.js';
import { loadConfig } from '../../config.js';
import { PRESET_NAMES, type PresetName } from '../../domain/policy/policy.js';
import { POLICY_FLAGS, type PolicyResult, policyFromFlags } from '../../domain/policy/resolve.js';
import { createLogger } from '../../logger.js';
import { DomainError } from '../../services/errors.js';
import { getPolicy, setPolicy } from '../../services/policies.service.js';
import { UsageError } from '../usage-error.js';

const USAGE = [
  'usage: planbrygga policies set --org CODE [--unit ID] --preset omsorg|lss [--FIELD VALUE …]',
  '       planbrygga policies show --org CODE [--unit ID]',
  `fields: ${Object.keys(POLICY_FLAGS)
    .map((flag) => `--${flag}`)
    .join(' ')}`,
].join('\n');

const policyOptions = Object.fromEntries(
  Object.keys(POLICY_FLAGS).map((flag) => [flag, { type: 'string' as const }]),
);

/**
 * `policies set`: an organisation's (or unit's) policy from a preset and flags, re-deriving the
 * plans it governs; `policies show`. The policy is printed as JSON on stdout, messages on stderr.
 */
export async function policiesCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'set' && sub !== 'show') throw new UsageError(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      org: { type: 'string' },
      unit: { type: 'string' },
      ...(sub === 'set' ? { preset: { type: 'string' }, ...policyOptions } : {}),
    },
    strict: true,
  });
  const { org, unit, preset, ...flags } = values as Record<string, string | undefined>;
  if (!org || !/^\d{4}$/.test(org)) throw new UsageError(`--org must be a 4-digit kommunkod\n${USAGE}`);
  const scope = { organisation: org, unitId: unit?.trim() || null };

  // Checked before connecting anywhere: a bad flag needs no database.
  const built = sub === 'set' ? policyOfFlags(preset, flags) : undefined;
  if (built && !built.ok) {
    for (const issue of built.issues) process.stderr.write(`${issue.path}: ${issue.message}\n`);
    return 2;
  }
  const config = loadConfig();
  // Log lines (warnings about development keys) go to stderr with the messages; stdout is the data.
  const deps = createDependencies(config, createLogger(config.logLevel, process.stderr));
  try {
    const ctx = serviceContext(deps);
    if (!built) {
      const applied = await getPolicy(ctx, scope);
      process.stderr.write(`policy source: ${applied.source}\n`);
      process.stdout.write(`${JSON.stringify(applied.policy?.policy ?? null, null, 2)}\n`);
      return 0;
    }
    const stored = await setPolicy(ctx, scope, built, { actor: 'cli', requestId: null });
    const where = scope.unitId === null ? `organisation ${org}` : `unit ${scope.unitId} of ${org}`;
    process.stderr.write(`policy set for ${where} (preset ${stored.policy.preset})\n`);
    process.stdout.write(`${JSON.stringify(stored.policy, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  } finally {
    await closeDependencies(deps);
  }
}

function policyOfFlags(preset: string | undefined, flags: Record<string, string | undefined>): PolicyResult {
  if (!preset || !(PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}\n${USAGE}`);
  }
  return policyFromFlags(preset as PresetName, flags);
}
