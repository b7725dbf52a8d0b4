/**
 * Step 6: the new region proven end to end before writes resume: the public /health answers from
 * the target, then its regional /health, a real read (GET /menu) and a real write (a SigV4-signed
 * POST /health/canary through the public name and through the target's own name).
 */
import { errorMessage } from '../../errors';
import type { Engine } from '../engine';
import type { Journal } from '../journal';
import { StepTimeout, waitFor } from '../wait';
import type { FailoverStep } from './step';
import { adviceAfterSwitch, hostOf, planned, sides } from './kit';
import type { Topology } from '../topology';

/** The public API base the probes use: --probe-url, or https://<ApiDomainName> (journals from before probes were named). */
const publicBase = (topology: Topology): string | undefined => (topology.probes ? topology.probes.publicUrl : `https://${topology.apiDomain}`);

// No undo: the API canaries are the drill's own rows, kept as its evidence.
const verify: FailoverStep<'verify'> = {
  id: 'verify',
  title: 'verify end to end',
  describe: ({ topology, target }) =>
    `GET ${publicBase(topology) ?? '<no probe URL>'}/health answers from ${target.region}, ${target.healthUrl ?? '<target /health>'} answers, GET /menu; a signed POST /health/canary (AWS_IAM) through ${hostOf(publicBase(topology)) ?? '<no probe URL>'} and ${hostOf(target.healthUrl) ?? '<target>'} writes in Aurora, answered 201 from ${target.region}`,
  calls: ({ topology, target }) => {
    const hosts = [hostOf(publicBase(topology)), hostOf(target.healthUrl)];
    return [...planned('http.GET', ...new Set(hosts)), ...planned('http.POST', ...new Set(hosts))];
  },
  run: async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { target } = sides(journal);
    const base = publicBase(journal.topology);
    if (!target.healthUrl || !base) throw new Error('nothing to verify through: pass --probe-url (the AWS calls go to --endpoint-url)');
    const publicHealth = `${base}/health`;
    let lastSeen = 'no answer';
    const served = await waitFor(engine, `${publicHealth} to answer from ${target.region}`, settings.verifyTimeoutMs, async () => {
      try {
        const response = await ports.http.get(publicHealth, settings.httpTimeoutMs);
        const region = regionOfHealth(response.body);
        lastSeen = `${response.status}${region ? ` from ${region}` : ''}`;
        if (response.status !== 200) return undefined;
        if (region === undefined) return 'unknown';
        return region === target.region ? region : undefined;
      } catch (error) {
        lastSeen = errorMessage(error);
        return undefined;
      }
    }).catch((error: unknown) => {
      if (error instanceof StepTimeout) throw new StepTimeout(`${publicHealth} did not answer from ${target.region} within ${Math.round(settings.verifyTimeoutMs / 1000)} s (last: ${lastSeen})`);
      throw error;
    });
    if (served === 'unknown') ctx.deviate(`${publicHealth} does not say which region answered; traffic movement is not proven`);
    const regional = await ports.http.get(target.healthUrl!, settings.httpTimeoutMs);
    if (regional.status !== 200) throw new Error(`${target.healthUrl} answered ${regional.status}`);
    const read = await ports.http.get(`${base}/menu`, settings.httpTimeoutMs);
    if (read.status !== 200) throw new Error(`read check GET ${base}/menu answered ${read.status}`);
    // A real write through the API, public name first, then the target's own name. The café's writes
    // are still paused: POST /health/canary is the drill's probe and does not honour the pause.
    const publicWrite = await apiCanaryWrite(engine, 'public', `${base}/health/canary`);
    const regionalWrite = await apiCanaryWrite(engine, 'regional', canaryUrlOf(target.healthUrl!));
    return `${publicHealth} and ${target.healthUrl} answer from ${target.region}; GET /menu 200; signed POST /health/canary 201 from ${target.region} through ${new URL(publicWrite.url).host} and ${new URL(regionalWrite.url).host}`;
  },
  advice: (journal) => adviceAfterSwitch(journal),
};

export default verify;

/** The API's canary route next to a region's /health (https://api-<region>.<domain>/health → …/health/canary). */
function canaryUrlOf(healthUrl: string): string {
  const url = new URL(healthUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/canary`;
  return url.toString();
}

/** The id of the API canary written through the public name or the regional name: fixed per drill, so a repeated verify writes nothing new. */
const apiCanaryId = (journal: Journal, via: 'public' | 'regional') => `canary#${journal.drillId}#api-${via}`;

/**
 * POST /health/canary signed with the drill's AWS credentials (the route is AWS_IAM): a write into
 * Aurora through API Gateway and the health function, answered 201 by the target region. A 503 (the
 * writer still settling), a network error or an answer from another region (resolvers not caught up)
 * is retried until verify's timeout; any other status stops the drill.
 */
async function apiCanaryWrite(engine: Engine, via: 'public' | 'regional', url: string): Promise<{ url: string; writtenAt: string }> {
  const { journal, ports, settings } = engine;
  const { target } = sides(journal);
  const id = apiCanaryId(journal, via);
  let lastSeen = 'no answer';
  return waitFor(engine, `signed POST ${url} to write from ${target.region}`, settings.verifyTimeoutMs, async () => {
    let response;
    try {
      response = await ports.http.postSigned(url, { id }, target.region, settings.httpTimeoutMs);
    } catch (error) {
      lastSeen = errorMessage(error);
      return undefined;
    }
    const answer = parseJson(response.body) as { id?: unknown; region?: unknown; writtenAt?: unknown; message?: unknown; error?: { message?: unknown } } | undefined;
    const said = typeof answer?.error?.message === 'string' ? answer.error.message : typeof answer?.message === 'string' ? answer.message : '';
    if (response.status === 503) {
      lastSeen = `503${said ? ` ${said}` : ''}`;
      return undefined;
    }
    if (response.status !== 201) {
      const hint = response.status === 403 ? ' (the drill\'s credentials need execute-api:Invoke on POST /health/canary, as the ci stack\'s FailoverRole has)' : '';
      throw new Error(`signed write POST ${url} answered ${response.status}${said ? `: ${said.replace(/\s+/g, ' ').slice(0, 200)}` : ''}${hint}`);
    }
    if (answer?.id !== id || typeof answer.writtenAt !== 'string') throw new Error(`signed write POST ${url} answered 201 without the canary ${id}`);
    if (answer.region !== target.region) {
      lastSeen = `201 from ${String(answer.region)}`;
      return undefined;
    }
    return { url, writtenAt: answer.writtenAt };
  }).catch((error: unknown) => {
    if (error instanceof StepTimeout) throw new StepTimeout(`${error.message} (last: ${lastSeen})`);
    throw error;
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The region a /health answer reports (JSON `region`), if any. */
function regionOfHealth(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { region?: unknown; awsRegion?: unknown };
    const region = parsed.region ?? parsed.awsRegion;
    return typeof region === 'string' ? region : undefined;
  } catch {
    return undefined;
  }
}
