/**
 * The storefront's connection to the café: where the API is (config.json, written by deploy or
 * served by `cafe-ops dev`), who is signed in (the local token issuer, or Cognito's hosted UI with
 * the authorization-code flow and PKCE), and JSON calls with the ID token the API's authorizer checks.
 */
export type AuthConfig =
  | { kind: 'local'; tokenUrl: string }
  | { kind: 'cognito'; domain: string; clientId: string; redirectUri?: string };

export interface SiteConfig {
  apiUrl: string;
  auth: AuthConfig;
  environment?: string;
}

export interface Session {
  idToken: string;
  user: string;
  isAdmin: boolean;
  expiresAt: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_KEY = 'cafe.session';
const VERIFIER_KEY = 'cafe.pkce';
const RETURN_KEY = 'cafe.return';

export async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be read (${response.status})`);
  return (await response.json()) as SiteConfig;
}

function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  return JSON.parse(text) as Record<string, unknown>;
}

export function sessionFromToken(idToken: string): Session {
  const claims = decodeClaims(idToken);
  const groups = claims['cognito:groups'];
  const list = Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? groups.split(',') : [];
  return {
    idToken,
    user: String(claims['cognito:username'] ?? claims.email ?? 'customer'),
    isAdmin: list.includes('admin'),
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  if (session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

function store(session: Session): Session {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/** Local sign-in: the dev token issuer stands in for Cognito. */
export async function signInLocally(config: SiteConfig, user: string, admin: boolean): Promise<Session> {
  if (config.auth.kind !== 'local') throw new Error('local sign-in is only available with cafe-ops dev');
  const response = await fetch(config.auth.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, admin }),
  });
  const body = (await response.json()) as { idToken?: string; message?: string };
  if (!response.ok || !body.idToken) throw new ApiError(response.status, body.message ?? 'sign-in failed');
  return store(sessionFromToken(body.idToken));
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The app client allows one callback, the site's root; each page remembers itself to come back to. */
function redirectUri(auth: Extract<AuthConfig, { kind: 'cognito' }>): string {
  return auth.redirectUri ?? `${location.origin}/`;
}

/** Cognito: go to the hosted UI (authorization code + PKCE). */
export async function signInWithCognito(config: SiteConfig): Promise<void> {
  if (config.auth.kind !== 'cognito') throw new Error('Cognito is not configured');
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(RETURN_KEY, location.pathname);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: redirectUri(config.auth),
    scope: 'openid email',
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`https://${config.auth.domain}/oauth2/authorize?${params}`);
}

/** Cognito: back from the hosted UI with ?code=..., exchange it for tokens. */
export async function completeCognitoSignIn(config: SiteConfig): Promise<Session | undefined> {
  if (config.auth.kind !== 'cognito') return undefined;
  const code = new URLSearchParams(location.search).get('code');
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  if (!code || !verifier) return undefined;
  sessionStorage.removeItem(VERIFIER_KEY);
  history.replaceState(null, '', location.pathname);
  const response = await fetch(`https://${config.auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.auth.clientId, code, redirect_uri: redirectUri(config.auth), code_verifier: verifier }),
  });
  const body = (await response.json()) as { id_token?: string };
  if (!response.ok || !body.id_token) throw new ApiError(response.status, 'sign-in failed');
  const session = store(sessionFromToken(body.id_token));
  const back = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  if (back && back !== location.pathname && back.startsWith('/')) location.assign(back);
  return session;
}

/** A JSON call to the API; the ID token goes in Authorization as the Cognito authorizer expects it. */
export async function api<T>(config: SiteConfig, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const session = currentSession();
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (session) headers.Authorization = session.idToken;
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'The café cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const b = body as { error?: { message?: string }; message?: string } | undefined;
    if (response.status === 401) signOut();
    throw new ApiError(response.status, b?.error?.message ?? b?.message ?? `request failed (${response.status})`);
  }
  return body as T;
}

/** Creates an element with attributes and children (text or nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | ((event: Event) => void)> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false) el.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

export function announce(region: HTMLElement, message: string): void {
  region.textContent = message;
}
