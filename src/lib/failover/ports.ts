/**
 * Narrow interfaces the failover drill works through. src/lib/failover/aws.ts and http.ts implement
 * them with the AWS SDK and fetch; tests drive the drill with in-memory fakes and fake time.
 * Every call that reaches AWS returns the request id, so the drill's journal can name each call.
 */
import { systemClock, type Clock } from '../clock';

/** What an AWS call returns for the record: its request id. */
export interface AwsCall {
  requestId?: string;
}

export interface StackState {
  status: string;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
}

export interface StacksPort {
  /** undefined when the stack does not exist. */
  describe(region: string, stackName: string): Promise<StackState | undefined>;
}

export interface GlobalClusterMember {
  clusterArn: string;
  isWriter: boolean;
  /** `connected` or `pending-resync` (secondaries only). */
  synchronizationStatus?: string;
}

export interface GlobalClusterState extends AwsCall {
  id: string;
  status: string;
  members: GlobalClusterMember[];
  /** Present while a switchover or failover is under way. */
  failover?: { status: string; fromClusterArn?: string; toClusterArn?: string; dataLossAllowed?: boolean };
}

/** The Aurora global database (RDS). Calls go to the region given, normally the target region. */
export interface DatabasePort {
  describeGlobalCluster(region: string, globalClusterId: string): Promise<GlobalClusterState | undefined>;
  /** Planned: SwitchoverGlobalCluster (waits for the secondary to catch up, no data loss). */
  switchover(region: string, globalClusterId: string, targetClusterArn: string): Promise<AwsCall>;
  /** Unplanned: FailoverGlobalCluster with AllowDataLoss (as when the primary region is lost). */
  failover(region: string, globalClusterId: string, targetClusterArn: string): Promise<AwsCall>;
  /** The DB instances of a cluster with their status (DescribeDBInstances): none for a headless secondary. */
  clusterInstances?(region: string, clusterId: string): Promise<{ instances: { id: string; status: string }[] } & AwsCall>;
  /** CreateDBInstance: an Aurora Serverless v2 instance in the cluster (add-instance step). */
  addInstance?(region: string, clusterId: string, instanceId: string): Promise<AwsCall>;
}

export interface LagReading extends AwsCall {
  /** Largest AuroraGlobalDBReplicationLag in the window, milliseconds; undefined without datapoints. */
  replicationLagMs?: number;
  /** Largest AuroraGlobalDBRPOLag in the window, milliseconds; undefined without datapoints. */
  rpoLagMs?: number;
}

export interface MetricsPort {
  /** Aurora global database lag of a secondary cluster, read from CloudWatch in its region. */
  replicationLag(region: string, clusterId: string, startMs: number, endMs: number): Promise<LagReading>;
}

export interface HealthCheckConfig extends AwsCall {
  id: string;
  inverted: boolean;
  disabled: boolean;
  fqdn?: string;
}

export interface HealthCheckStatus extends AwsCall {
  /** Route 53 checkers reporting success, out of total. */
  healthy: number;
  total: number;
}

export interface DnsPort {
  /** undefined when no such health check exists. */
  getHealthCheck(id: string): Promise<HealthCheckConfig | undefined>;
  healthCheckStatus(id: string): Promise<HealthCheckStatus>;
  /** Sets Inverted and Disabled of a health check (both true: Route 53 treats it as unhealthy whatever the endpoint says). */
  setHealthCheck(id: string, settings: { inverted: boolean; disabled: boolean }): Promise<AwsCall>;
}

export interface TableReplicas extends AwsCall {
  status: string;
  replicas: { region: string; status: string }[];
}

/** A record written in one region and looked for in another, to measure data loss. */
export interface Canary {
  id: string;
  drillId: string;
  seq: number;
  region: string;
  writtenAt: number;
}

export interface TablesPort {
  /** DescribeTable in a region; undefined when the table does not exist there. */
  describeReplicas(region: string, table: string): Promise<TableReplicas | undefined>;
  /** The maintenance item of the control table the API honours (writes answered 503 while paused). */
  setWritesPaused(region: string, table: string, pause: { paused: boolean; drillId: string; at: number }): Promise<AwsCall>;
  writesPaused(region: string, table: string): Promise<boolean>;
  /** The maintenance item as it is in `region` (why writes are paused, since when), for preflight. */
  maintenance(region: string, table: string): Promise<{ paused: boolean; reason?: string; updatedAt?: string } & AwsCall>;
  /**
   * The traffic item { pk: "traffic", activeRegion } that each region's /health reads from its own
   * replica (functions/health/handler.ts): written in the surviving region, it moves traffic with
   * a DynamoDB write (data plane) instead of a Route 53 call (control plane, us-east-1).
   */
  setActiveRegion(region: string, table: string, traffic: { activeRegion: string; drillId: string; at: number }): Promise<AwsCall>;
  activeRegion(region: string, table: string): Promise<string | undefined>;
  putCanary(region: string, table: string, canary: Canary): Promise<AwsCall>;
  getCanary(region: string, table: string, id: string): Promise<Canary | undefined>;
}

/** A row of the drill_canary table in Aurora, as the health function reports it. */
export interface AuroraCanaryRow {
  id: string;
  /** The region whose health function wrote it. */
  region: string;
  /** ISO 8601, on the database's clock (written_at). */
  writtenAt: string;
}

/**
 * The Aurora canaries, through the health function of a region (Lambda Invoke): it writes through
 * the Aurora global writer endpoint and reads from its own region's reader. The CLI cannot reach
 * the database, which sits in isolated subnets.
 */
export interface CanaryPort {
  /** Inserts the canary (once: a retry returns the first row). */
  write(region: string, functionName: string, id: string): Promise<AuroraCanaryRow & AwsCall>;
  /** Which of `ids` the region's reader holds. */
  read(region: string, functionName: string, ids: string[]): Promise<{ found: AuroraCanaryRow[]; missing: string[] } & AwsCall>;
}

/** The health function answered a canary call with an error (or crashed); `retryable` when trying again may help. */
export class CanaryError extends Error {
  override readonly name = 'CanaryError';
  /** Where the request id of the failed invocation travels, as on AWS SDK errors. */
  readonly $metadata: { requestId?: string };
  constructor(
    message: string,
    readonly retryable: boolean,
    requestId?: string,
  ) {
    super(message);
    this.$metadata = requestId ? { requestId } : {};
  }
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpPort {
  /** GET with a timeout; rejects on network errors and timeouts. */
  get(url: string, timeoutMs: number): Promise<HttpResponse>;
  /**
   * POST of a JSON body signed with SigV4 (service execute-api, scoped to `region`) with the drill's
   * AWS credentials, for API Gateway methods with AWS_IAM authorisation; rejects on network errors and timeouts.
   */
  postSigned(url: string, body: unknown, region: string, timeoutMs: number): Promise<HttpResponse>;
}

/** Who runs a drill, as the lock names them. */
export interface DrillHolder {
  drillId: string;
  /** user@host, pid: who to ask. */
  holder: string;
  /** When the lock was taken (epoch ms). */
  since: number;
}

/**
 * The drill's shared journal and lock, items of the control table (a global table, so both regions
 * hold them): { pk: "drill-lock#<env>" } taken with a conditional PutItem, and
 * { pk: "drill-journal#<env>" } holding the journal as JSON. Data-plane calls only.
 */
export interface DrillStatePort {
  /** Takes the lock unless another drill holds it (the same drill takes it again); answers the holder when refused. */
  acquire(region: string, table: string, environment: string, holder: DrillHolder): Promise<({ acquired: true } | { acquired: false; heldBy: DrillHolder }) & AwsCall>;
  /** Releases the lock if `drillId` holds it. */
  release(region: string, table: string, environment: string, drillId: string): Promise<AwsCall>;
  lockHolder(region: string, table: string, environment: string): Promise<DrillHolder | undefined>;
  putJournal(region: string, table: string, environment: string, journal: { drillId: string; body: string; at: number }): Promise<AwsCall>;
  getJournal(region: string, table: string, environment: string): Promise<string | undefined>;
}

export interface SecretsPort {
  secretExists(region: string, arn: string): Promise<boolean>;
  /** DescribeSecret: a rotation is in progress while a version carries AWSPENDING but not AWSCURRENT. */
  rotation(region: string, arn: string): Promise<{ enabled: boolean; inProgress: boolean; lastRotatedAt?: string; /** Where the secret rotates (a replica names its primary's region). */ primaryRegion?: string }>;
  keyEnabled(region: string, arn: string): Promise<boolean>;
}

export { systemClock, type Clock };

export interface FailoverPorts {
  stacks: StacksPort;
  database: DatabasePort;
  metrics: MetricsPort;
  dns: DnsPort;
  tables: TablesPort;
  canary: CanaryPort;
  http: HttpPort;
  secrets: SecretsPort;
  drills: DrillStatePort;
  clock: Clock;
}
