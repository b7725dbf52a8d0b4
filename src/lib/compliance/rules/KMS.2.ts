import { POLICY_HOLDERS, identityStatements } from '../iam-actions';
import { grantedActions, hasCondition, isObject, list, resourceRule, statementViolation } from '../kit';

const DECRYPT = ['kms:decrypt', 'kms:reencryptfrom'];

/** Resource '*' or a key ARN pattern that names every key (…:key/*). */
function allKeys(resource: unknown): boolean {
  return list(resource).some((r) => {
    const sub = isObject(r) ? r['Fn::Sub'] : undefined;
    const text = typeof r === 'string' ? r : typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    return text === '*' || (text !== undefined && /:key\/\*$/.test(text));
  });
}

export default resourceRule(
  {
    id: 'KMS.2',
    control: 'KMS.2',
    alsoControls: ['KMS.1'],
    title: 'IAM policies do not allow decryption with every KMS key',
    severity: 'medium',
    resourceTypes: POLICY_HOLDERS,
    remediation: 'Name the key ARNs in Resource for kms:Decrypt and kms:ReEncryptFrom, or narrow them with kms:ViaService / kms:EncryptionContext conditions.',
  },
  (ctx) =>
    identityStatements(ctx).flatMap(({ statement, path }) => {
      const actions = grantedActions(statement, DECRYPT);
      if (!actions.length || hasCondition(statement) || !(allKeys(statement.Resource) || (statement as { NotResource?: unknown }).NotResource !== undefined)) return [];
      return [statementViolation(`${ctx.id} allows ${actions.join(', ')} on every KMS key`, path)];
    }),
);
