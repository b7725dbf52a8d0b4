/**
 * An in-memory café in two regions for the failover drill: stacks with outputs, an Aurora global
 * cluster whose switchover/failover takes time and whose rows replicate with a delay, the health
 * function writing and reading Aurora canaries, CloudWatch lag, Route 53 health checks deciding where
 * api.<domain> points, DynamoDB global tables replicating with a delay, /health endpoints and the
 * signed POST /health/canary (through the public name and each regional name), secrets
 * and keys. Everything runs on a fake clock; each AWS call can take a latency and fail on demand.
 */
import {
  CanaryError, type AuroraCanaryRow, type AwsCall, type Canary, type Clock, type FailoverPorts, type GlobalClusterState, type HealthCheckConfig, type HttpResponse, type StackState,
} from '../../../src/lib/failover/ports';
import type { TopologyEnvironment } from '../../../src/lib/failover/topology';
import { FakeClock as VirtualClock } from '../../support/fake-clock';

/** The drill's virtual time starts on a fixed morning, so journal and report times are stable. */
export class FakeClock extends VirtualClock {
  constructor() {
    super(Date.UTC(2026, 10, 25, 9, 0, 0));
  }
}

export const ENV: TopologyEnvironment = { name: 'production', project: 'cafe', domain: 'cafe.example.com', primaryRegion: 'eu-west-1', secondaryRegion: 'eu-central-1' };
const EDGE = 'us-east-1';
export const ARN = {
  primary: 'arn:aws:rds:eu-west-1:222222222222:cluster:cafe-production-primary',
  secondary: 'arn:aws:rds:eu-central-1:222222222222:cluster:cafe-production-secondary',
};
export const GLOBAL = 'cafe-production-global';
export const CHECK = { primary: 'hc-primary-1111', secondary: 'hc-secondary-2222' };
const TABLES = ['menu', 'carts', 'idempotency', 'control'].map((t) => `cafe-production-${t}`);
export const CONTROL = 'cafe-production-control';
export const HEALTH_FUNCTION = 'cafe-production-health';

function secretArn(region: string, name: string) {
  return `arn:aws:secretsmanager:${region}:222222222222:secret:${name}`;
}
function keyArn(region: string) {
  return `arn:aws:kms:${region}:222222222222:key/mrk-1234`;
}

export function defaultStacks(): Map<string, StackState> {
  const stacks = new Map<string, StackState>();
  const put = (region: string, stack: string, outputs: Record<string, string>, parameters: Record<string, string> = {}) =>
    stacks.set(`${region}/cafe-production-${stack}`, { status: 'UPDATE_COMPLETE', outputs, parameters });
  for (const [role, region] of [['primary', ENV.primaryRegion], ['secondary', ENV.secondaryRegion]] as const) {
    put(region, 'security', { KmsKeyArn: keyArn(region), DbSecretArn: secretArn(region, 'db-AbC123'), AppDbSecretArn: secretArn(region, 'app-DeF456'), PaymentApiKeySecretArn: secretArn(region, 'pay-XyZ789') });
    put(
      region,
      'data',
      {
        ...(role === 'primary' ? { GlobalClusterIdentifier: GLOBAL, GlobalWriterEndpoint: `${GLOBAL}.global-abc.global.rds.amazonaws.com` } : {}),
        ClusterIdentifier: `cafe-production-${role}`,
        ClusterArn: ARN[role],
        ReaderEndpoint: `cafe-production-${role}.cluster-ro-abc.${region}.rds.amazonaws.com`,
        MenuTableName: TABLES[0]!, CartsTableName: TABLES[1]!, IdempotencyTableName: TABLES[2]!, ControlTableName: TABLES[3]!,
      },
      role === 'secondary' ? { GlobalClusterIdentifier: GLOBAL } : {},
    );
    put(region, 'app', { HealthUrl: `https://api-${region}.${ENV.domain}/health`, ApiEndpoint: `https://abc.execute-api.${region}.amazonaws.com/prod` });
  }
  put(EDGE, 'edge', { ApiDomainName: `api.${ENV.domain}`, PrimaryHealthCheckId: CHECK.primary, SecondaryHealthCheckId: CHECK.secondary });
  return stacks;
}

interface Write {
  region: string;
  key: string;
  value: unknown;
  at: number;
}

export interface WorldOptions {
  /** The clock AWS runs on: fake time by default, the system clock for end-to-end runs. */
  clock?: Clock;
  /** Latency of every AWS and HTTP call. */
  callMs?: number;
  /** How long a switchover takes in AWS; Infinity for one that never finishes. */
  switchMs?: number;
  failoverMs?: number;
  /** DynamoDB global table replication delay. */
  tableLagMs?: number;
  /** Aurora global database: a row written to the writer's cluster reaches the other cluster after this long. */
  auroraLagMs?: number;
  /** Aurora: a cluster's reader sees its writer's rows after this long. */
  readerLagMs?: number;
  /** Route 53: from a health check change to the new DNS answer. */
  dnsPropagationMs?: number;
  /** Route 53: checkers see an endpoint change after this long. */
  checkerDelayMs?: number;
  /** Aurora: from CreateDBInstance to an available instance. */
  instanceMs?: number;
}

export class FakeWorld {
  readonly clock: Clock;
  stacks = defaultStacks();
  readonly opts: Required<WorldOptions>;
  /** Calls made, in order: `service.Operation region` */
  readonly calls: string[] = [];
  /** Intervals during which AWS worked on its own (a switch, replication, Route 53), for the overhead benchmark. */
  readonly busy: [number, number][] = [];
  /** Intervals of each API or HTTP call (the latency the drill waits for). */
  readonly callIntervals: [number, number][] = [];
  writer: 'primary' | 'secondary' = 'primary';
  globalStatus = 'available';
  failoverState?: { status: string; from: string; to: string; dataLossAllowed: boolean; until: number };
  replicationLagMs = 120;
  rpoLagMs = 150;
  lagDatapoints = true;
  syncStatus = 'connected';
  /** After a failover, the old writer is still listed as a writer (its region is gone). */
  staleWriter = false;
  private formerWriter?: 'primary' | 'secondary';
  checks = new Map<string, { inverted: boolean; disabled: boolean; fqdn: string; changedAt: number; before?: boolean }>([
    [CHECK.primary, { inverted: false, disabled: false, fqdn: `api-${ENV.primaryRegion}.${ENV.domain}`, changedAt: 0 }],
    [CHECK.secondary, { inverted: false, disabled: false, fqdn: `api-${ENV.secondaryRegion}.${ENV.domain}`, changedAt: 0 }],
  ]);
  /** DB instances per cluster; a headless cluster has none (`world.instances.secondary = []`). */
  instances: Record<'primary' | 'secondary', { id: string; availableAt: number }[]> = {
    primary: [{ id: 'cafe-production-primary-1', availableAt: 0 }],
    secondary: [{ id: 'cafe-production-secondary-1', availableAt: 0 }],
  };
  /** Regions whose every endpoint fails (a lost region). */
  down = new Set<string>();
  /** Regions whose /health answers 503. */
  unhealthy = new Set<string>();
  tableStatus = new Map<string, string>();
  replicaStatus = new Map<string, string>();
  secrets = new Set<string>([ENV.primaryRegion, ENV.secondaryRegion].flatMap((r) => [secretArn(r, 'db-AbC123'), secretArn(r, 'app-DeF456'), secretArn(r, 'pay-XyZ789')]));
  disabledKeys = new Set<string>();
  writes: Write[] = [];
  /** Rows of drill_canary, with the cluster (side) they were written to. */
  auroraRows: { row: AuroraCanaryRow; cluster: 'primary' | 'secondary'; at: number }[] = [];
  /** Writes from this region made after a data-loss failover began never replicate. */
  cut?: { region: string; at: number };
  /** The DNS answer for api.<domain> and since when. */
  private dnsAnswer: { region: string; since: number }[] = [{ region: ENV.primaryRegion, since: 0 }];
  /** Signed POSTs the API received: the URL, the region that answered, the region the signature was scoped to. */
  readonly apiPosts: { url: string; region: string; signedFor: string; body: unknown }[] = [];
  /** Throws from one operation, e.g. to simulate an outage or a throttle. */
  failOn: (operation: string, region: string) => Error | undefined = () => undefined;
  /** Regions whose database secrets are mid-rotation (a version AWSPENDING, not AWSCURRENT). */
  rotating = new Set<string>();
  /** Secrets (ARNs) mid-rotation, and secrets without rotation configured. */
  rotatingSecrets = new Set<string>();
  unrotatedSecrets = new Set<string>();
  /** The drill lock per region: a conditional write, strongly consistent within the region (not replicated here, as it is per-region on AWS). */
  locks = new Map<string, { drillId: string; holder: string; since: number }>();
  private requests = 0;
  /** The reason the maintenance item gives while writes are paused (preflight reports it). */
  pauseReason?: string;

  constructor(options: WorldOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.opts = { clock: this.clock, callMs: 0, switchMs: 45_000, failoverMs: 30_000, tableLagMs: 800, auroraLagMs: 150, readerLagMs: 0, dnsPropagationMs: 20_000, checkerDelayMs: 30_000, instanceMs: 600_000, ...options };
  }

  private async call<T>(operation: string, region: string, body: () => T): Promise<T> {
    const started = this.clock.now();
    this.calls.push(`${operation} ${region}`);
    if (this.opts.callMs) await this.clock.sleep(this.opts.callMs);
    this.callIntervals.push([started, this.clock.now()]);
    if (this.down.has(region)) throw Object.assign(new Error(`connect ETIMEDOUT ${operation.split('.')[0]}.${region}.amazonaws.com:443`), { code: 'ETIMEDOUT' });
    const injected = this.failOn(operation, region);
    if (injected) throw injected;
    return body();
  }
  private requestId(): string {
    return `req-${String(++this.requests).padStart(4, '0')}`;
  }

  regionOf(side: 'primary' | 'secondary') {
    return side === 'primary' ? ENV.primaryRegion : ENV.secondaryRegion;
  }

  /** Applies the passage of time: finishes a switch that is due. */
  private settle() {
    const f = this.failoverState;
    if (f && this.clock.now() >= f.until) {
      this.formerWriter = this.writer;
      this.writer = f.to === ARN.primary ? 'primary' : 'secondary';
      this.failoverState = undefined;
      this.globalStatus = 'available';
    }
  }

  private effectiveHealthy(checkId: string): boolean {
    const check = this.checks.get(checkId)!;
    if (check.disabled) return !check.inverted;
    const region = check.fqdn.replace(/^api-/, '').replace(`.${ENV.domain}`, '');
    const endpointUp = !this.down.has(region) && !this.unhealthy.has(region);
    return check.inverted ? !endpointUp : endpointUp;
  }

  private updateDns() {
    const wanted = this.effectiveHealthy(CHECK.primary) ? ENV.primaryRegion : ENV.secondaryRegion;
    const last = this.dnsAnswer[this.dnsAnswer.length - 1]!;
    if (last.region !== wanted) {
      this.dnsAnswer.push({ region: wanted, since: this.clock.now() + this.opts.dnsPropagationMs });
      this.busy.push([this.clock.now(), this.clock.now() + this.opts.dnsPropagationMs]);
    }
  }

  /** Where api.<domain> resolves now: the health checks' verdict, or the traffic item the primary's /health read a checker cycle ago. */
  publicRegion(): string {
    const now = this.clock.now();
    const forced = [...this.dnsAnswer].reverse().find((a) => a.since <= now)!.region;
    if (forced !== ENV.primaryRegion) return forced;
    const seenAt = now - this.opts.checkerDelayMs - this.opts.dnsPropagationMs;
    return this.servesAt(ENV.primaryRegion, seenAt) ? ENV.primaryRegion : ENV.secondaryRegion;
  }

  /** Whether a region's /health would answer 200 at time `at`: up, and active or behind the SECONDARY record (functions/health/handler.ts). */
  servesAt(region: string, at: number): boolean {
    if (this.down.has(region) || this.unhealthy.has(region)) return false;
    if (region !== ENV.primaryRegion) return true;
    const active = this.readAt(region, `${CONTROL}/traffic`, at) as string | undefined;
    return active === undefined || active === region;
  }

  private sideOf(region: string): 'primary' | 'secondary' {
    return region === ENV.primaryRegion ? 'primary' : 'secondary';
  }

  /** The drill_canary rows the reader of `region`'s cluster holds now. */
  auroraVisible(region: string): AuroraCanaryRow[] {
    this.settle();
    const now = this.clock.now();
    const cluster = this.sideOf(region);
    const lost = this.auroraCut;
    return this.auroraRows
      .filter((r) => {
        if (r.cluster === cluster) return r.at + this.opts.readerLagMs <= now;
        if (lost && r.cluster === lost.cluster && r.at + this.opts.auroraLagMs > lost.at) return false;
        return r.at + this.opts.auroraLagMs <= now;
      })
      .map((r) => r.row);
  }
  /** Rows of this cluster written after a data-loss failover began (less the lag) never replicate. */
  private auroraCut?: { cluster: 'primary' | 'secondary'; at: number };

  private read(region: string, key: string): unknown {
    return this.readAt(region, key, this.clock.now());
  }

  private readAt(region: string, key: string, now: number): unknown {
    const visible = this.writes.filter((w) => {
      if (w.key !== key) return false;
      if (w.at > now) return false;
      if (w.region === region) return true;
      if (this.cut && w.region === this.cut.region && w.at + this.opts.tableLagMs > this.cut.at) return false;
      return w.at + this.opts.tableLagMs <= now;
    });
    return visible.sort((a, b) => a.at - b.at).pop()?.value;
  }

  private sideOfCluster(clusterId: string): 'primary' | 'secondary' {
    return clusterId.endsWith('secondary') ? 'secondary' : 'primary';
  }

  /**
   * Stricter than a fake need be: a cluster with no available instance (headless) cannot take the writer. The
   * add-instance step relies on this. https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attach.console.headless.html
   */
  private needsInstance(targetArn: string): void {
    const side = targetArn === ARN.primary ? 'primary' : 'secondary';
    if (!this.instances[side].some((i) => i.availableAt <= this.clock.now())) {
      throw Object.assign(new Error(`the target cluster ${targetArn} has no available DB instance`), { name: 'InvalidDBClusterStateFault' });
    }
  }

  ports(): FailoverPorts {
    const call = this.call.bind(this);
    return {
      clock: this.clock,
      stacks: {
        describe: (region, name) => call('cloudformation.DescribeStacks', region, () => structuredClone(this.stacks.get(`${region}/${name}`))),
      },
      database: {
        describeGlobalCluster: (region, id) =>
          call('rds.DescribeGlobalClusters', region, (): GlobalClusterState | undefined => {
            this.settle();
            if (id !== GLOBAL) return undefined;
            const f = this.failoverState;
            return {
              id,
              status: this.globalStatus,
              members: (['primary', 'secondary'] as const).map((side) => ({
                clusterArn: ARN[side],
                isWriter: this.writer === side || (this.staleWriter && this.formerWriter === side),
                ...(this.writer !== side ? { synchronizationStatus: this.syncStatus } : {}),
              })),
              ...(f ? { failover: { status: f.status, fromClusterArn: f.from, toClusterArn: f.to, dataLossAllowed: f.dataLossAllowed } } : {}),
              requestId: this.requestId(),
            };
          }),
        switchover: (region, id, target) =>
          call('rds.SwitchoverGlobalCluster', region, (): AwsCall => {
            this.settle();
            this.needsInstance(target);
            if (this.failoverState) throw Object.assign(new Error('global cluster is already switching'), { name: 'InvalidGlobalClusterStateFault' });
            const now = this.clock.now();
            this.failoverState = { status: 'switching-over', from: ARN[this.writer], to: target, dataLossAllowed: false, until: now + this.opts.switchMs };
            this.globalStatus = 'switching-over';
            this.busy.push([now, Math.min(now + this.opts.switchMs, now + 86_400_000)]);
            return { requestId: this.requestId() };
          }),
        failover: (region, id, target) =>
          call('rds.FailoverGlobalCluster', region, (): AwsCall => {
            this.settle();
            this.needsInstance(target);
            const now = this.clock.now();
            this.cut = { region: this.regionOf(this.writer), at: now };
            this.auroraCut = { cluster: this.writer, at: now };
            this.failoverState = { status: 'failing-over', from: ARN[this.writer], to: target, dataLossAllowed: true, until: now + this.opts.failoverMs };
            this.globalStatus = 'failing-over';
            this.busy.push([now, Math.min(now + this.opts.failoverMs, now + 86_400_000)]);
            return { requestId: this.requestId() };
          }),
        clusterInstances: (region, clusterId) =>
          call('rds.DescribeDBInstances', region, () => ({
            instances: (this.instances[this.sideOfCluster(clusterId)] ?? []).map((i) => ({ id: i.id, status: i.availableAt <= this.clock.now() ? 'available' : 'creating' })),
            requestId: this.requestId(),
          })),
        addInstance: (region, clusterId, instanceId) =>
          call('rds.CreateDBInstance', region, (): AwsCall => {
            const side = this.sideOfCluster(clusterId);
            if (this.instances[side].some((i) => i.id === instanceId)) throw Object.assign(new Error(`DB instance ${instanceId} already exists`), { name: 'DBInstanceAlreadyExistsFault' });
            const now = this.clock.now();
            this.instances[side].push({ id: instanceId, availableAt: now + this.opts.instanceMs });
            this.busy.push([now, now + this.opts.instanceMs]);
            return { requestId: this.requestId() };
          }),
      },
      metrics: {
        replicationLag: (region) =>
          call('cloudwatch.GetMetricData', region, () => ({
            ...(this.lagDatapoints ? { replicationLagMs: this.replicationLagMs, rpoLagMs: this.rpoLagMs } : {}),
            requestId: this.requestId(),
          })),
      },
      dns: {
        getHealthCheck: (id) =>
          call('route53.GetHealthCheck', EDGE, (): HealthCheckConfig | undefined => {
            const c = this.checks.get(id);
            return c ? { id, inverted: c.inverted, disabled: c.disabled, fqdn: c.fqdn, requestId: this.requestId() } : undefined;
          }),
        healthCheckStatus: (id) =>
          call('route53.GetHealthCheckStatus', EDGE, () => {
            const c = this.checks.get(id)!;
            // Checkers report what they saw a little while ago.
            const fresh = this.clock.now() - c.changedAt >= this.opts.checkerDelayMs;
            const healthy = fresh ? this.effectiveHealthy(id) : (c.before ?? true);
            return { healthy: healthy ? 8 : 0, total: 8, requestId: this.requestId() };
          }),
        setHealthCheck: (id, settings) =>
          call('route53.UpdateHealthCheck', EDGE, (): AwsCall => {
            const c = this.checks.get(id);
            if (!c) throw Object.assign(new Error(`No health check exists with the ID ${id}`), { name: 'NoSuchHealthCheck' });
            if (c.inverted !== settings.inverted || c.disabled !== settings.disabled) {
              const before = this.effectiveHealthy(id);
              Object.assign(c, settings, { changedAt: this.clock.now(), before });
              this.busy.push([this.clock.now(), this.clock.now() + this.opts.checkerDelayMs]);
              this.updateDns();
            }
            return { requestId: this.requestId() };
          }),
      },
      tables: {
        describeReplicas: (region, table) =>
          call('dynamodb.DescribeTable', region, () =>
            TABLES.includes(table)
              ? {
                  status: this.tableStatus.get(`${region}/${table}`) ?? 'ACTIVE',
                  replicas: [ENV.primaryRegion, ENV.secondaryRegion].map((r) => ({ region: r, status: this.replicaStatus.get(`${r}/${table}`) ?? 'ACTIVE' })),
                  requestId: this.requestId(),
                }
              : undefined,
          ),
        setWritesPaused: (region, table, pause) =>
          call('dynamodb.PutItem:maintenance', region, (): AwsCall => {
            this.writes.push({ region, key: `${table}/maintenance`, value: pause.paused, at: this.clock.now() });
            this.busy.push([this.clock.now(), this.clock.now() + this.opts.tableLagMs]);
            return { requestId: this.requestId() };
          }),
        writesPaused: (region, table) => call('dynamodb.GetItem', region, () => this.read(region, `${table}/maintenance`) === true),
        maintenance: (region, table) =>
          call('dynamodb.GetItem', region, () => {
            const paused = this.read(region, `${table}/maintenance`) === true;
            return { paused, ...(paused ? { reason: this.pauseReason ?? 'failover drill' } : {}), requestId: this.requestId() };
          }),
        setActiveRegion: (region, table, traffic) =>
          call('dynamodb.PutItem', region, (): AwsCall => {
            this.writes.push({ region, key: `${table}/traffic`, value: traffic.activeRegion, at: this.clock.now() });
            this.busy.push([this.clock.now(), this.clock.now() + this.opts.tableLagMs + this.opts.checkerDelayMs + this.opts.dnsPropagationMs]);
            return { requestId: this.requestId() };
          }),
        activeRegion: (region, table) => call('dynamodb.GetItem', region, () => this.read(region, `${table}/traffic`) as string | undefined),
        putCanary: (region, table, canary) =>
          call('dynamodb.PutItem', region, (): AwsCall => {
            this.writes.push({ region, key: `${table}/${canary.id}`, value: canary, at: this.clock.now() });
            return { requestId: this.requestId() };
          }),
        getCanary: (region, table, id) => call('dynamodb.GetItem', region, () => this.read(region, `${table}/${id}`) as Canary | undefined),
      },
      canary: {
        // The health function of `region` writes through the global writer endpoint: only the writer's
        // own region reaches it (the VPCs are not connected), and not while a switch is under way.
        write: (region, fn, id) =>
          call('lambda.Invoke:canary-write', region, () => {
            this.settle();
            if (fn !== HEALTH_FUNCTION) throw Object.assign(new Error(`Function not found: ${fn}`), { name: 'ResourceNotFoundException' });
            if (this.failoverState) throw new CanaryError(`${fn} in ${region}: canary-write in ${region} failed: cannot execute INSERT in a read-only transaction`, true, this.requestId());
            if (this.regionOf(this.writer) !== region) throw new CanaryError(`${fn} in ${region}: canary-write in ${region} failed: timeout exceeded when trying to connect`, true, this.requestId());
            const existing = this.auroraRows.find((r) => r.row.id === id);
            const row = existing?.row ?? { id, region, writtenAt: new Date(this.clock.now()).toISOString() };
            if (!existing) this.auroraRows.push({ row, cluster: this.writer, at: this.clock.now() });
            return { ...row, requestId: this.requestId() };
          }),
        read: (region, fn, ids) =>
          call('lambda.Invoke:canary-read', region, () => {
            if (fn !== HEALTH_FUNCTION) throw Object.assign(new Error(`Function not found: ${fn}`), { name: 'ResourceNotFoundException' });
            const visible = this.auroraVisible(region);
            const found = ids.flatMap((id) => visible.filter((r) => r.id === id));
            return { found, missing: ids.filter((id) => !found.some((f) => f.id === id)), requestId: this.requestId() };
          }),
      },
      http: {
        get: (url) =>
          call('http.GET', new URL(url).hostname, (): HttpResponse => {
            const host = new URL(url).hostname;
            const region = host === `api.${ENV.domain}` ? this.publicRegion() : host.replace(/^api-/, '').replace(`.${ENV.domain}`, '');
            if (this.down.has(region)) throw new Error(`connect ECONNREFUSED ${host}`);
            if (url.endsWith('/health')) {
              if (this.unhealthy.has(region)) return { status: 503, body: '{"status":"degraded"}' };
              const active = (this.read(region, `${CONTROL}/traffic`) as string | undefined) ?? ENV.primaryRegion;
              const serving = active === region ? 'active' : 'standby';
              const ok = this.servesAt(region, this.clock.now());
              return { status: ok ? 200 : 503, body: JSON.stringify({ status: ok ? 'ok' : 'standby', region, serving, role: this.regionOf(this.writer) === region ? 'writer' : 'reader' }) };
            }
            if (url.endsWith('/menu')) return { status: 200, body: '[{"id":"espresso"}]' };
            return { status: 404, body: '' };
          }),
        // POST /health/canary (AWS_IAM): API Gateway checks the signature's region against its own, then
        // the region's health function writes the row through the global writer endpoint, as canary-write does.
        postSigned: (url, body, signedFor) =>
          call('http.POST', new URL(url).hostname, (): HttpResponse => {
            this.settle();
            const host = new URL(url).hostname;
            const region = host === `api.${ENV.domain}` ? this.publicRegion() : host.replace(/^api-/, '').replace(`.${ENV.domain}`, '');
            if (this.down.has(region)) throw new Error(`connect ECONNREFUSED ${host}`);
            this.apiPosts.push({ url, region, signedFor, body });
            if (!url.endsWith('/health/canary')) return { status: 403, body: '{"message":"Missing Authentication Token"}' };
            if (signedFor !== region) return { status: 403, body: `{"message":"Credential should be scoped to a valid region, not '${signedFor}'. "}` };
            const id = (body as { id?: unknown }).id;
            if (typeof id !== 'string') return { status: 400, body: '{"error":{"code":"invalid_request","message":"id: expected string"}}' };
            if (this.failoverState || this.regionOf(this.writer) !== region) {
              return { status: 503, body: JSON.stringify({ error: { code: 'unavailable', message: `canary-write in ${region} failed: cannot execute INSERT in a read-only transaction` } }) };
            }
            const existing = this.auroraRows.find((r) => r.row.id === id);
            const row = existing?.row ?? { id, region, writtenAt: new Date(this.clock.now()).toISOString() };
            if (!existing) this.auroraRows.push({ row, cluster: this.writer, at: this.clock.now() });
            return { status: 201, body: JSON.stringify({ id, region, writtenAt: row.writtenAt }) };
          }),
      },
      secrets: {
        secretExists: (region, arn) => call('secretsmanager.DescribeSecret', region, () => this.secrets.has(arn)),
        keyEnabled: (region, arn) => call('kms.DescribeKey', region, () => !this.disabledKeys.has(arn)),
        rotation: (region, arn) =>
          call('secretsmanager.DescribeSecret', region, () => {
            // DescribeSecret is regional: the ARN must name the region it is asked in.
            if (arn.split(':')[3] !== region) throw Object.assign(new Error(`secret ${arn} asked in ${region}`), { name: 'ResourceNotFoundException' });
            // The secrets are primaries in the primary region; their replicas report no rotation of their own.
            const primary = region === ENV.primaryRegion;
            return { enabled: primary && !this.unrotatedSecrets.has(arn), inProgress: this.rotating.has(region) || this.rotatingSecrets.has(arn), primaryRegion: ENV.primaryRegion };
          }),
      },
      drills: {
        acquire: (region, table, environment, holder) =>
          call('dynamodb.PutItem', region, () => {
            const key = `${region}/${table}/${environment}`;
            const held = this.locks.get(key);
            if (held && held.drillId !== holder.drillId) return { acquired: false as const, heldBy: { ...held }, requestId: this.requestId() };
            this.locks.set(key, { ...holder });
            return { acquired: true as const, requestId: this.requestId() };
          }),
        release: (region, table, environment, drillId) =>
          call('dynamodb.DeleteItem', region, (): AwsCall => {
            const key = `${region}/${table}/${environment}`;
            if (this.locks.get(key)?.drillId === drillId) this.locks.delete(key);
            return { requestId: this.requestId() };
          }),
        lockHolder: (region, table, environment) => call('dynamodb.GetItem', region, () => this.locks.get(`${region}/${table}/${environment}`)),
        putJournal: (region, table, environment, journal) =>
          call('dynamodb.PutItem', region, (): AwsCall => {
            this.writes.push({ region, key: `${table}/drill-journal#${environment}`, value: journal.body, at: this.clock.now() });
            return { requestId: this.requestId() };
          }),
        getJournal: (region, table, environment) => call('dynamodb.GetItem', region, () => this.read(region, `${table}/drill-journal#${environment}`) as string | undefined),
      },
    };
  }
}
