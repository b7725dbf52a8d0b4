import { literals, prop, referrersAcrossStacks, resourceRule } from '../kit';

const MAX_DAYS = 90;

/** Days between rotations of a RotationRules block (AutomaticallyAfterDays, or a rate(N days) expression). */
function days(rules: unknown): number | undefined {
  const after = literals((rules as Record<string, unknown> | undefined)?.AutomaticallyAfterDays).map(Number)[0];
  if (after !== undefined) return after;
  const expr = literals((rules as Record<string, unknown> | undefined)?.ScheduleExpression)[0];
  const m = expr ? /^rate\((\d+) days?\)$/.exec(expr) : null;
  if (m) return Number(m[1]);
  const h = expr ? /^rate\((\d+) hours?\)$/.exec(expr) : null;
  return h ? Number(h[1]) / 24 : undefined;
}

export default resourceRule(
  {
    id: 'SecretsManager.4',
    control: 'SecretsManager.4',
    title: 'Secrets Manager secrets rotate at least every 90 days',
    severity: 'medium',
    resourceTypes: ['AWS::SecretsManager::Secret'],
    remediation: 'Give the secret\'s AWS::SecretsManager::RotationSchedule RotationRules of at most 90 days (e.g. ScheduleExpression rate(30 days)).',
  },
  // The secret's schedules, in its template or in another stack of the catalog (SecretsManager.1).
  (ctx) =>
    referrersAcrossStacks(ctx, 'AWS::SecretsManager::RotationSchedule', 'SecretId').flatMap(({ id: scheduleId, resource }) => {
      const id = ctx.id;
      const d = days(prop(resource, 'RotationRules'));
      return d !== undefined && d > MAX_DAYS ? [{ message: `${id} rotates every ${d} days (${scheduleId}), more than ${MAX_DAYS}`, path: ['Type'] }] : [];
    }),
);
