import { isFalse, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'KMS.3',
    control: 'KMS.3',
    title: 'KMS keys are not deleted unintentionally',
    severity: 'critical',
    resourceTypes: ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'],
    remediation: 'Set DeletionPolicy: Retain and UpdateReplacePolicy: Retain on the key: deleting the stack must never schedule the key (and all data it encrypts) for deletion. Keep it Enabled.',
  },
  ({ id, resource }) => {
    if (resource.DeletionPolicy !== 'Retain') return [{ message: `${id}: deleting the stack schedules the key for deletion (DeletionPolicy ${resource.DeletionPolicy ?? 'Delete'})`, path: resource.DeletionPolicy ? ['DeletionPolicy'] : ['Type'] }];
    if (isFalse(prop(resource, 'Enabled'))) return [{ message: `${id} is disabled`, path: ['Properties', 'Enabled'] }];
    return [];
  },
);
