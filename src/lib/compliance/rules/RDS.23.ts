import { branches, isClusterMember, isIntrinsic, literals, prop, resourceRule } from '../kit';

/** Default ports of the engines: a scanner tries these first. */
const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, 'aurora-postgresql': 5432, mysql: 3306, mariadb: 3306, 'aurora-mysql': 3306, aurora: 3306, 'sqlserver-ee': 1433, 'sqlserver-se': 1433, 'sqlserver-ex': 1433, 'sqlserver-web': 1433, 'oracle-ee': 1521, 'oracle-se2': 1521 };

export default resourceRule(
  {
    id: 'RDS.23',
    control: 'RDS.23',
    title: 'RDS databases do not listen on the engine\'s default port',
    severity: 'low',
    resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
    remediation: 'Set Port to a non-default port on the cluster (or standalone instance) and open only that port in the database security group; clients read the port from the cluster endpoint outputs.',
  },
  ({ id, resource }) => {
    if (resource.Type === 'AWS::RDS::DBInstance' && isClusterMember(resource)) return [];
    const engine = literals(prop(resource, 'Engine'))[0];
    const fallback = engine ? DEFAULT_PORTS[engine] : undefined;
    if (fallback === undefined) return [];
    const port = prop(resource, 'Port');
    if (port === undefined) return [{ message: `${id} listens on the default ${engine} port ${fallback}`, path: ['Properties'] }];
    const bad = branches(port).filter((p) => p !== undefined && !isIntrinsic(p) && Number(p) === fallback);
    return bad.length ? [{ message: `${id} listens on the default ${engine} port ${fallback}`, path: ['Properties', 'Port'] }] : [];
  },
);
